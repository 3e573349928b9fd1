/**
 * A database of its own for one service test, on the server that
 * POND_TEST_POSTGRES_URL points to (see .ci/postgres.sh): created on first
 * use, dropped (forcibly, whoever is still connected) at the end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  readonly name: string;
  /** Connection URL of the scratch database. */
  readonly url: string;
  create(): Promise<void>;
  drop(): Promise<void>;
}

export function scratchDatabase(adminUrl: string, prefix: string): ScratchDatabase {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = async (statement: string): Promise<void> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    name,
    url: url.toString(),
    create: () => admin(`create database ${name}`),
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}
