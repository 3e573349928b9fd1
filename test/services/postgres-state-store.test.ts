/**
 * The state store contract against a real PostgreSQL. Needs
 * POND_TEST_POSTGRES_URL (a role allowed to create databases); each run
 * creates a fresh database `pond_test_<random>` and drops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import pg from 'pg';
import { openStateStore } from '../../src/state/index.ts';
import { stateStoreSuite } from '../../src/state/state-store.suite.ts';

const adminUrl = process.env.POND_TEST_POSTGRES_URL;

if (!adminUrl) {
  it('needs PostgreSQL', () => {
    throw new Error(
      'POND_TEST_POSTGRES_URL is not set. Start PostgreSQL and point the tests at it, e.g.\n' +
        '  sudo .ci/postgres.sh   # installs and starts PostgreSQL on Debian, prints the URL\n' +
        '  POND_TEST_POSTGRES_URL=postgres://pond:pond@127.0.0.1:5432/pond npm run test:services',
    );
  });
} else {
  const name = `pond_test_${randomBytes(6).toString('hex')}`;
  const testUrl = new URL(adminUrl);
  testUrl.pathname = `/${name}`;

  const admin = async (statement: string): Promise<void> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };

  let created: Promise<void> | undefined;
  after(async () => {
    if (created) await admin(`drop database if exists ${name} with (force)`);
  });

  stateStoreSuite('postgres', async () => {
    created ??= admin(`create database ${name}`);
    await created;
    return openStateStore({ url: testUrl.toString(), sqlitePath: '/nonexistent/unused.db' });
  });
}
