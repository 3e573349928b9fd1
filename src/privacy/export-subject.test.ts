import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openEngine, type Engine, type SqlSession } from '../compute/index.ts';
import { subjectCondition } from './export-subject.ts';

const PS = 'ps_Vb8xQa1cVb8xQa1cVb8xQa';
const OTHER = 'ps_Zz9yZz9yZz9yZz9yZz9yZz';

describe('subjectCondition', () => {
  let engine: Engine;
  let session: SqlSession;
  before(async () => {
    engine = await openEngine({ threads: 1 });
    session = await engine.connect();
    await session.run(`create temp table t as select * from (values
      (1, '${PS}', null::varchar[], null),
      (2, '${OTHER}', ['${OTHER}', '${PS}'], null),
      (3, null, null, 'enc:v1:${PS}:AAAA'),
      (4, 'user-1', null, null),
      (5, 'user-10', null, null),
      (6, '${OTHER}', ['${OTHER}'], 'enc:v1:${OTHER}:AAAA'),
      (7, 'o''brien', null, null)
    ) as v(id, user_id, ids, _raw)`);
  });
  after(() => {
    session.close();
    engine.close();
  });
  const ids = async (subject: string, columns = ['user_id', 'ids', '_raw']) =>
    (await session.rows(`select id from t where ${subjectCondition(columns, PS, subject)} order by id`)).map((r) => r.id);

  it('finds the pseudonym alone, in a list and as the subject of a ciphertext', async () => {
    assert.deepEqual(await ids('nobody'), [1, 2, 3]);
    assert.deepEqual(await ids('nobody', ['user_id']), [1]);
  });

  it('finds the clear id only as a whole value', async () => {
    assert.deepEqual(await ids('user-1'), [1, 2, 3, 4]);
  });

  it('quotes the subject: a quote is part of the id, not of the SQL', async () => {
    assert.deepEqual(await ids("o'brien"), [1, 2, 3, 7]);
    assert.deepEqual(await ids("x' or '1'='1"), [1, 2, 3]);
    assert.match(subjectCondition(['a"b'], PS, 's'), /cast\("a""b" as varchar\)/);
  });
});
