import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests use: `OURO_TEST_POSTGRES_URL`, else the local one with trust auth. */
export const TEST_POSTGRES_URL = process.env.OURO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestPostgres {
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

let answered: Promise<string | undefined> | undefined;

/**
 * Why the test server cannot be used (with the install command), or undefined when it answers a
 * query. Asked once per test file. It only says what is missing: test/support/services.ts
 * `requireService` alone decides whether a suite skips or fails.
 *
 * @example
 * const postgres = await requireService('PostgreSQL', postgresUnavailable);
 */
export function postgresUnavailable(): Promise<string | undefined> {
  answered ??= execute(TEST_POSTGRES_URL, 'SELECT 1').then(
    () => undefined,
    (error: Error) => {
      const where = TEST_POSTGRES_URL.replace(/\/\/([^:/@]*):[^@]*@/, '//$1@');
      return `no server answers at ${where} (${error.message}); apt-get install postgresql and start it, or set OURO_TEST_POSTGRES_URL`;
    },
  );
  return answered;
}

/**
 * Helpers on the test server, for suites whose guard found it (see `postgresUnavailable`).
 *
 * @example
 * const server = testPostgres();
 * const url = await server.createDatabase();
 */
export function testPostgres(): TestPostgres {
  const created: string[] = [];
  return {
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
