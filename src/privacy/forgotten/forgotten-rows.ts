/**
 * How readers recognise the rows of forgotten data subjects in the raw lake,
 * where they stay unchanged (crypto-shredded: their personal fields and
 * `_raw` are ciphertext under a deleted key). A stream's row belongs to a
 * subject when an identifier column holds its pseudonym; a dead letter, when
 * its `_raw` is a ciphertext under the subject's key. Every reader — builds,
 * `pond query`, the data API — reads them through this, so that after a
 * subject is forgotten no reader sees its pseudonym again: its rows are left
 * out (`drop`) or read with identifiers, personal fields, `_ip` and `_raw`
 * null (`anonymize`) — exactly as the subject's events that arrive after the
 * forget land (privacy/event-protector.ts, `anonymize`).
 */
import { encryptedFields, protectsPersonalData, type StreamModel } from '../../config/index.ts';
import type { ForgottenPolicy } from '../../define/index.ts';
import type { ForgottenRows } from '../../transform/index.ts';

/**
 * @example
 * forgottenRowsOf(stream, ['ps_Vb8x…']) // { identifiers: ['user_id'], cleared: ['user_id', 'email', '_raw', '_ip'], … }
 */
export function forgottenRowsOf(stream: Pick<StreamModel, 'pii' | 'forgotten'>, pseudonyms: readonly string[]): ForgottenRows | undefined {
  if (pseudonyms.length === 0 || !protectsPersonalData(stream.pii)) return undefined;
  return {
    pseudonyms,
    identifiers: stream.pii.identifiers,
    ciphertexts: [],
    cleared: [...stream.pii.identifiers, ...encryptedFields(stream.pii)],
    policy: stream.forgotten,
  };
}

/** The same for dead letters, whose only personal column is `_raw`. */
export function forgottenDeadLetters(policy: ForgottenPolicy, pseudonyms: readonly string[]): ForgottenRows | undefined {
  if (pseudonyms.length === 0) return undefined;
  return { pseudonyms, identifiers: [], ciphertexts: ['_raw'], cleared: ['_raw'], policy };
}
