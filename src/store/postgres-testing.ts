import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests use: `OURO_TEST_POSTGRES_URL`, else the local one with trust auth. */
export const TEST_POSTGRES_URL = process.env.OURO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** CI sets this, so that a missing server fails the suite instead of skipping it. */
export const REQUIRE_SERVICES = process.env.OURO_REQUIRE_SERVICES === '1';

export interface TestPostgres {
  /** Why the tests cannot run, or undefined when the server answered. */
  unavailable: string | undefined;
  /** A fresh database of its own on the test server; its URL. */
  createDatabase(): Promise<string>;
  /** Drops every database createDatabase made. */
  dropDatabases(): Promise<void>;
  /** Runs one statement on a database through a connection of its own. */
  execute(url: string, sql: string): Promise<pg.QueryResult>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function execute(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Connects to the test server once. Tests then skip with the reason when it is unreachable, or
 * fail when `OURO_REQUIRE_SERVICES=1`.
 */
export async function testPostgres(): Promise<TestPostgres> {
  let unavailable: string | undefined;
  try {
    await execute(TEST_POSTGRES_URL, 'SELECT 1');
  } catch (error) {
    const where = TEST_POSTGRES_URL.replace(/\/\/([^:/@]*):[^@]*@/, '//$1@');
    unavailable = `PostgreSQL not reachable at ${where} (${(error as Error).message}); install and start it (apt-get install postgresql) or set OURO_TEST_POSTGRES_URL`;
    if (REQUIRE_SERVICES) throw new Error(`OURO_REQUIRE_SERVICES=1 but ${unavailable}`);
  }
  const created: string[] = [];
  return {
    unavailable,
    async createDatabase() {
      const name = `ouro_test_${randomBytes(6).toString('hex')}`;
      await execute(TEST_POSTGRES_URL, `CREATE DATABASE ${name}`);
      created.push(name);
      return withDatabase(TEST_POSTGRES_URL, name);
    },
    async dropDatabases() {
      for (const name of created.splice(0)) await execute(TEST_POSTGRES_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
    execute,
  };
}
