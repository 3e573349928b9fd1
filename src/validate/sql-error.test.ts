import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseSqlError } from './sql-error.ts';
import { locateSqlLine } from './sql-location.ts';

describe('parseSqlError', () => {
  it("takes DuckDB's kind, words, line and caret apart", () => {
    const sql = 'select user_id,\n    sum(amountt) as x\n  from events';
    const message =
      'Binder Error: Referenced column "amountt" not found in FROM clause!\nCandidate bindings: "amount"\n\nLINE 2:     sum(amountt) as x\n                ^';
    assert.deepEqual(parseSqlError(message, sql), {
      kind: 'Binder Error',
      text: 'Referenced column "amountt" not found in FROM clause! Candidate bindings: "amount"',
      line: 2,
      column: 8,
    });
  });

  it('places the caret in a line DuckDB cut short', () => {
    const line = `select ${Array.from({ length: 30 }, (_, i) => `c${i}`).join(', ')}, nope from t`;
    const at = line.indexOf('nope');
    const shown = `...${line.slice(at - 20, at + 20)}...`;
    const message = `Binder Error: Referenced column "nope" not found\n\nLINE 1: ${shown}\n${' '.repeat('LINE 1: '.length + 3 + 20)}^`;
    assert.equal(parseSqlError(message, line).column, at);
  });

  it('a message without a position', () => {
    assert.deepEqual(parseSqlError('Parser Error: syntax error at end of input', 'select'), {
      kind: 'Parser Error',
      text: 'syntax error at end of input',
      line: undefined,
      column: undefined,
    });
  });
});

describe('locateSqlLine', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pond-sql-location-'));
  mkdirSync(path.join(dir, 'pipelines'));
  mkdirSync(path.join(dir, 'sql'));
  const inline = 'select a,\n  b\nfrom t';
  writeFileSync(path.join(dir, 'pipelines/p.ts'), `import x from 'y';\n\nexport const d = dataset({\n  sql: \`${inline}\`,\n});\n`);
  writeFileSync(path.join(dir, 'sql/q.sql'), '-- header\nselect a,\n  b\nfrom t\n');

  it('finds inline SQL in the pipeline file', () => {
    assert.deepEqual(locateSqlLine(dir, 'pipelines/p.ts', inline, 2), { file: 'pipelines/p.ts', line: 5 });
  });

  it('finds SQL read from a .sql file, whole or trimmed', () => {
    assert.deepEqual(locateSqlLine(dir, 'pipelines/other.ts', '-- header\nselect a,\n  b\nfrom t\n', 4), { file: 'sql/q.sql', line: 4 });
    assert.deepEqual(locateSqlLine(dir, 'pipelines/other.ts', '\n\nselect a,\n  b\nfrom t', 4), { file: 'sql/q.sql', line: 3 });
  });

  it('says nothing rather than guess', () => {
    assert.equal(locateSqlLine(dir, 'pipelines/p.ts', 'select z from nowhere', 1), undefined);
  });
});
