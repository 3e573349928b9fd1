/**
 * The data API's settings from `pond.config.ts` (`api`), validated like the
 * rest of the project: a bad value fails with the file and the field.
 * `POND_API_TOKEN` adds a token, so a deployment can set one without code.
 */
import type { ApiOptions, ConfigDefinition } from '../define/index.ts';
import { parseDuration } from '../partition/index.ts';
import type { ApiSettings } from './project.ts';
import { withLine, type UnsetVariable } from './source-text.ts';

type Fail = (where: string, message: string, hint?: string) => never;

const MIN_TOKEN_LENGTH = 16;

export function resolveApi(
  config: ConfigDefinition,
  where: (field: string) => string,
  fail: Fail,
  variableOf: (field: string) => UnsetVariable | undefined = () => undefined,
): ApiSettings {
  const options: ApiOptions = config.api ?? {};
  if (options.tokens !== undefined && !Array.isArray(options.tokens))
    fail(where('api.tokens'), 'must be a list of strings', "e.g. [process.env.POND_API_TOKEN ?? '…']");
  const tokens = (options.tokens ?? []).map((token, i) => {
    const variable = token === undefined || token === '' ? variableOf('api.tokens') : undefined;
    if (variable !== undefined)
      fail(
        withLine(where(`api.tokens[${i}]`), variable.line),
        `is ${token === undefined ? 'undefined' : 'empty'}: the environment variable ${variable.name} is not set`,
        `set ${variable.name} (at least ${MIN_TOKEN_LENGTH} characters), give a fallback, or leave the entry out`,
      );
    if (typeof token !== 'string') {
      fail(
        where(`api.tokens[${i}]`),
        `is ${token === undefined ? 'undefined (is the environment variable it reads set?)' : typeof token}, not a string`,
        'give a fallback, or leave the entry out',
      );
    }
    if (token.length < MIN_TOKEN_LENGTH)
      fail(where(`api.tokens[${i}]`), `must be at least ${MIN_TOKEN_LENGTH} characters`, 'generate one, e.g. `openssl rand -hex 24`');
    return token;
  });
  const fromEnv = process.env.POND_API_TOKEN;
  if (fromEnv) {
    if (fromEnv.length < MIN_TOKEN_LENGTH)
      fail('environment variable POND_API_TOKEN', `must be at least ${MIN_TOKEN_LENGTH} characters`, 'generate one, e.g. `openssl rand -hex 24`');
    if (!tokens.includes(fromEnv)) tokens.push(fromEnv);
  }
  const timeout = options.queryTimeout === undefined ? 30_000 : parseDuration(options.queryTimeout);
  if (timeout === undefined || timeout <= 0)
    fail(where('api.queryTimeout'), `"${String(options.queryTimeout)}" is not a duration`, "write it like '30s' or '2m'");
  const count = (field: 'defaultRows' | 'maxRows', fallback: number) => {
    const value = options[field] ?? fallback;
    if (!Number.isInteger(value) || value < 1) fail(where(`api.${field}`), `must be a whole number ≥ 1, got ${String(value)}`);
    return value;
  };
  const maxRows = count('maxRows', 1_000_000);
  const defaultRows = Math.min(count('defaultRows', 10_000), maxRows);
  return { tokens, queryTimeoutMs: timeout, defaultRows, maxRows };
}
