/**
 * The state store contract against a real PostgreSQL. Needs
 * POND_TEST_POSTGRES_URL (a role allowed to create databases); each run
 * creates a fresh database `pond_test_<random>` and drops it afterwards.
 */
import { after, it } from 'node:test';
import { openStateStore } from '../../src/state/index.ts';
import { stateStoreSuite } from '../../src/state/state-store.suite.ts';
import { scratchDatabase } from '../helpers/postgres.ts';

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
  const db = scratchDatabase(adminUrl, 'pond_test');
  let created: Promise<void> | undefined;
  after(async () => {
    if (created) await db.drop();
  });

  stateStoreSuite('postgres', async () => {
    created ??= db.create();
    await created;
    return openStateStore({ url: db.url, sqlitePath: '/nonexistent/unused.db' });
  });
}
