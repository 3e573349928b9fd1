/**
 * test/forget-forensic.test.ts with the state on PostgreSQL (issue 13, "Done
 * when" item 1): the same scenario, and the state part of the forensic read
 * is the database's own files — every file of the scratch database's folder
 * (`base/<oid>/`, which holds subject_keys' relation files, dead tuples and
 * free space included) for the subject's values and for wrapped keys, and
 * every file of `pg_wal/` for wrapped keys. PostgreSQL keeps old wrapped keys
 * there (dead tuples, WAL); the point is that none of them unwraps with what
 * remains on disk. A CHECKPOINT before each read puts what the server holds
 * in memory on disk, as it will be sooner or later anyway.
 *
 * Needs POND_TEST_POSTGRES_URL (a superuser on a server on this machine, read
 * by a user that can read its data directory, such as root); each run makes a
 * database `pond_forensic_<random>` and drops it. Skipped without it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { filesUnder, formatFindings } from '../helpers/forensic-scan.ts';
import { ForensicScenario, REBUILT_PARTITION, epochKeyFiles, forensicShop, partitionsWithSeveralVersions } from '../helpers/forensic-scenario.ts';
import { scratchDatabase } from '../helpers/postgres.ts';

const adminUrl = process.env.POND_TEST_POSTGRES_URL;

/** The files of the database (values and keys) and the server's WAL (keys only: other databases write to it too), after a checkpoint. */
async function databaseFiles(url: string): Promise<{ files: { file: string; values: boolean }[]; folder: string; relation: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('checkpoint');
    const dataDir = (await client.query<{ data_directory: string }>('show data_directory')).rows[0]?.data_directory;
    const relation = (await client.query<{ path: string }>("select pg_relation_filepath('subject_keys') as path")).rows[0]?.path;
    const oid = (await client.query<{ oid: number }>('select oid from pg_database where datname = current_database()')).rows[0]?.oid;
    assert.ok(dataDir && relation && oid !== undefined, 'the data directory, the relation file of subject_keys and the database oid');
    const folder = path.join(dataDir, 'base', String(oid));
    assert.ok(path.join(dataDir, relation).startsWith(folder), `subject_keys (${relation}) is in the database's folder ${folder}`);
    const files = [
      ...filesUnder(folder).map((file) => ({ file, values: true })),
      ...filesUnder(path.join(dataDir, 'pg_wal')).map((file) => ({ file, values: false })),
    ];
    assert.ok(
      files.some((f) => f.file === path.join(dataDir, relation)),
      `${path.join(dataDir, relation)} can be read (run as a user that can read the data directory)`,
    );
    return { files, folder, relation: path.join(dataDir, relation) };
  } finally {
    await client.end();
  }
}

if (!adminUrl) {
  it(
    'forgetting, read from the disk, with the state on PostgreSQL',
    {
      skip: 'POND_TEST_POSTGRES_URL is not set: start PostgreSQL (sudo .ci/postgres.sh prints the URL) and set it, e.g. POND_TEST_POSTGRES_URL=postgres://pond:pond@127.0.0.1:5432/pond npm run test:services',
    },
    () => {},
  );
} else {
  const db = scratchDatabase(adminUrl, 'pond_forensic');
  const root = mkdtempSync(path.join(tmpdir(), 'pond-forget-forensic-pg-'));
  let created = false;
  after(async () => {
    if (created) await db.drop();
    if (process.env.POND_TEST_KEEP) console.log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  });

  describe('forgetting, read from the disk, with the state on PostgreSQL', () => {
    it("leaves nothing of the subject in the project folder nor in the database's files, and no key in them that unwraps", { timeout: 240_000 }, async () => {
      await db.create();
      created = true;
      const scenario = new ForensicScenario(forensicShop(root, 'postgres', db.url));
      const scan = async () => {
        const state = await databaseFiles(db.url);
        const result = await scenario.scan({ extraFiles: state.files, pseudonymExpectedIn: (file) => file.startsWith(`${state.folder}${path.sep}`) });
        return { ...result, state };
      };
      try {
        await scenario.prepare();
        const superseded = partitionsWithSeveralVersions(scenario.lakeDir);
        assert.ok(superseded.has(REBUILT_PARTITION), `the late event superseded a version of ${REBUILT_PARTITION}: ${JSON.stringify([...superseded])}`);
        const before = await scan();
        scenario.assertScanSeesAda(before);
        assert.ok(
          before.keys.some((k) => k.file.startsWith(before.state.folder) || k.file.includes(`${path.sep}pg_wal${path.sep}`)),
          `the attack recovers Ada's key from the database's own files before she is forgotten: ${before.keys.map((k) => k.file).join(', ')}`,
        );

        const { requestId, gc } = await scenario.forgetAda();
        const found = await scan();
        const findings = [...found.findings, ...scenario.unchanged()];
        assert.equal(
          findings.length,
          0,
          [
            `${findings.length} findings of user-ada after forget request ${requestId} completed and \`pond gc --grace 0s\` ran (${found.files} files read, subject_keys in ${found.state.relation}, ${found.wrappedKeys} wrapped keys and ${found.epochKeys} epoch keys seen, .pond/keys: ${epochKeyFiles(scenario.dir).join(', ') || 'none'}):`,
            formatFindings(findings),
            `pond gc said: ${gc.trim()}`,
          ].join('\n'),
        );
        scenario.assertAttackStillWorks(found, (file) => file.startsWith(found.state.folder) || file.includes(`${path.sep}pg_wal${path.sep}`));
      } finally {
        await scenario.stop();
      }
    });
  });
}
