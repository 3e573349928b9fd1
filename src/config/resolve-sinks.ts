/**
 * Validates the sinks a dataset declares. URLs and secrets usually come from
 * `process.env`: an unset variable arrives here as `undefined`, and the
 * project refuses to load with the dataset, the sink and the field named —
 * better than a first publish that fails hours later.
 */
import * as path from 'node:path';
import type { SinkDefinition } from '../define/index.ts';
import type { SinkModel } from './project.ts';
import { withLine, type UnsetVariable } from './source-text.ts';

type Fail = (where: string, message: string, hint?: string) => never;

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const TABLE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const UNSET = 'is not set (undefined or empty); if it comes from an environment variable, set the variable, or leave the sink out when it is not';

export function resolveSinks(
  raw: unknown,
  owner: string,
  datasetName: string,
  projectDir: string,
  fail: Fail,
  variableOf: (field: string) => UnsetVariable | undefined = () => undefined,
): SinkModel[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw))
    return fail(`${owner} field sinks`, 'must be an array of sinks', "write sinks: [sink.sqlite({ file: '.pond/serve.db' })] with `sink` imported from pond");
  const seen = new Map<string, number>();
  return raw.map((def: unknown, i) => {
    const where = (field?: string) => `${owner} field sinks[${i}]${field ? `.${field}` : ''}`;
    if (typeof def !== 'object' || def === null || (def as { type?: unknown }).type !== 'sink') {
      return fail(
        where(),
        `is not a sink: ${JSON.stringify(def) ?? String(def)}`,
        "make sinks with pond's `sink` functions, e.g. sink.sqlite({ file: '.pond/serve.db' })",
      );
    }
    const d = def as SinkDefinition;
    const name = d.name ?? d.kind;
    if (typeof name !== 'string' || !NAME.test(name))
      fail(where('name'), `"${String(name)}" is not a valid sink name`, 'use lower-case letters, digits, _ and -');
    const earlier = seen.get(name);
    if (earlier !== undefined) fail(where('name'), `the name "${name}" is already used by sinks[${earlier}]`, 'give one of them its own name with { name: … }');
    seen.set(name, i);
    const text = (value: unknown, field: string): string => {
      if (typeof value === 'string' && value !== '') return value;
      const variable = value === undefined || value === '' ? variableOf(`sinks.${field}`) : undefined;
      if (variable === undefined) return fail(where(field), UNSET);
      return fail(
        withLine(where(field), variable.line),
        `is ${value === undefined ? 'undefined' : 'empty'}: the environment variable ${variable.name} is not set`,
        `set ${variable.name} where pond runs, or leave the sink out when it is not`,
      );
    };
    const table = (value: unknown): string => {
      if (value === undefined) return datasetName;
      if (typeof value !== 'string' || !TABLE.test(value))
        return fail(where('table'), `${JSON.stringify(value)} is not a table name`, 'use letters, digits and _');
      return value;
    };
    switch (d.kind) {
      case 'postgres': {
        const url = text(d.url, 'url');
        if (!/^postgres(ql)?:\/\//.test(url)) fail(where('url'), 'must be a postgres:// URL');
        if (d.schema !== undefined && (typeof d.schema !== 'string' || !TABLE.test(d.schema)))
          fail(where('schema'), `${JSON.stringify(d.schema)} is not a schema name`);
        return { kind: 'postgres', name, url, table: table(d.table), schema: d.schema ?? 'public' };
      }
      case 'sqlite':
        return { kind: 'sqlite', name, file: path.resolve(projectDir, text(d.file, 'file')), table: table(d.table) };
      case 'webhook': {
        const url = text(d.url, 'url');
        if (!/^https?:\/\//.test(url)) fail(where('url'), 'must be an http:// or https:// URL');
        const batchRows = d.batchRows ?? 1000;
        if (!Number.isInteger(batchRows) || batchRows < 1) fail(where('batchRows'), `must be a whole number ≥ 1, got ${String(d.batchRows)}`);
        return { kind: 'webhook', name, url, secret: text(d.secret, 'secret'), batchRows };
      }
      case 'files':
        if (d.format !== 'csv' && d.format !== 'parquet') fail(where('format'), `must be 'csv' or 'parquet', got ${JSON.stringify(d.format)}`);
        return { kind: 'files', name, dir: path.resolve(projectDir, text(d.dir, 'dir')), format: d.format };
      default:
        return fail(
          where('kind'),
          `unknown sink kind ${JSON.stringify((d as { kind?: unknown }).kind)}`,
          'use sink.postgres, sink.sqlite, sink.webhook or sink.files',
        );
    }
  });
}
