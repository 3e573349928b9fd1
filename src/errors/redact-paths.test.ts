import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withoutServerPaths } from './redact-paths.ts';

describe('withoutServerPaths', () => {
  it("leaves out DuckDB's scratch file and the place in it", () => {
    assert.equal(
      withoutServerPaths(
        'Invalid Input Error: Malformed JSON in file "/tmp/p/.pond/lake/_staging/5.parquet.probe.parquet.ndjson", at byte 401 in line 2: no low surrogate in string. ',
      ),
      'Invalid Input Error: Malformed JSON: no low surrogate in string. ',
    );
    assert.equal(
      withoutServerPaths('Invalid Input Error: JSON transform error in file "/tmp/p/_staging/x.ndjson", in line 1: Failed to cast value to numerical: "many"'),
      'Invalid Input Error: JSON transform error: Failed to cast value to numerical: "many"',
    );
  });

  it('hides any other absolute path, quoted or not', () => {
    assert.equal(withoutServerPaths("ENOSPC: no space left on device, write '/srv/pond/buffer/0001.log'"), "ENOSPC: no space left on device, write '…'");
    assert.equal(withoutServerPaths('cannot open C:\\pond\\keys\\1.key: denied'), 'cannot open …: denied');
    assert.equal(
      withoutServerPaths('Conversion Error: Could not convert string "many" to INT64'),
      'Conversion Error: Could not convert string "many" to INT64',
    );
    assert.equal(withoutServerPaths('1/2 of the rows'), '1/2 of the rows');
  });
});
