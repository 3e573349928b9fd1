/**
 * Forgetting that holds up to a forensic look (issue 13, "Done when" item 1):
 * a copy of examples/shop with late data, superseded versions, dead letters,
 * a Segment stream, sinks and a running `pond up` receiving the subject's
 * events; the subject is forgotten, the request completes, `pond gc` runs,
 * and then the project folder is read directly, without Pond
 * (test/helpers/forensic-scan.ts): no file — the state database with its WAL
 * and free pages, every lake file of every version, the buffer, the sink
 * tables and files, logs — yields the subject's clear id, email, name or
 * device id, her pseudonym outside the raw lake's identifiers, or a key that
 * decrypts her ciphertext (attacked with the master key and every epoch key
 * left on disk); the raw and dead-letter files are byte-identical; Bob's and
 * Carol's rows are unchanged. Before forgetting, the same scan must recover
 * her key and decrypt her data, and after it the same attack must still
 * open Bob's and Carol's keys, so that a clean result means something.
 *
 * Every finding is reported at once, each naming its file. The same scenario
 * runs with the state on PostgreSQL in test/services/forget-forensic-postgres.test.ts.
 * POND_TEST_KEEP=1 keeps the project folder for a look after a failure.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { formatFindings } from './helpers/forensic-scan.ts';
import {
  ForensicScenario,
  REBUILT_PARTITION,
  epochKeyFiles,
  forensicShop,
  partitionsWithSeveralVersions,
  sqliteStateFiles,
} from './helpers/forensic-scenario.ts';

const root = mkdtempSync(path.join(tmpdir(), 'pond-forget-forensic-'));
after(() => {
  if (process.env.POND_TEST_KEEP) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
});

describe('forgetting, read from the disk', () => {
  it(
    "leaves nothing of the subject in any file of the project: no clear value, no pseudonym outside the raw lake's identifiers, no key that unwraps",
    { timeout: 240_000 },
    async () => {
      const scenario = new ForensicScenario(forensicShop(root, 'sqlite'));
      const state = { pseudonymExpectedIn: sqliteStateFiles(scenario.dir) };
      try {
        await scenario.prepare();
        const superseded = partitionsWithSeveralVersions(scenario.lakeDir);
        assert.ok(superseded.has(REBUILT_PARTITION), `the late event superseded a version of ${REBUILT_PARTITION}: ${JSON.stringify([...superseded])}`);
        scenario.assertScanSeesAda(await scenario.scan(state));

        const { requestId, gc } = await scenario.forgetAda();
        const found = await scenario.scan(state);
        const findings = [...found.findings, ...scenario.unchanged()];
        assert.equal(
          findings.length,
          0,
          [
            `${findings.length} findings of user-ada after forget request ${requestId} completed and \`pond gc --grace 0s\` ran (${found.files} files read, ${found.wrappedKeys} wrapped keys and ${found.epochKeys} epoch keys seen, .pond/keys: ${epochKeyFiles(scenario.dir).join(', ') || 'none'}):`,
            formatFindings(findings),
            `pond gc said: ${gc.trim()}`,
          ].join('\n'),
        );
        scenario.assertAttackStillWorks(found, state.pseudonymExpectedIn);
      } finally {
        await scenario.stop();
      }
    },
  );
});
