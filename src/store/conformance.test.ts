import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';
import { probes, requireService } from '../../test/support/services.ts';
import { storeConformance } from './conformance.ts';
import { PostgresStore } from './postgres.ts';
import { testPostgres } from './postgres-testing.ts';
import { SqliteStore } from './sqlite.ts';

storeConformance('SqliteStore', {
  open: () => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ouro-store-')), 'ouro.db')),
  raw: (store, sql) => {
    const raw = new Database(store.location);
    try {
      raw.prepare(sql).run();
    } finally {
      raw.close();
    }
  },
});

const postgresService = await requireService('PostgreSQL', probes.postgres);
const postgres = testPostgres();
if (postgresService.missing) {
  describe('PostgresStore (store conformance)', () => {
    it.skip(postgresService.title('every conformance test'), () => {});
  });
} else {
  // Each test opens a database of its own; the URL is kept so the raw hook can reach it.
  const urls = new Map<PostgresStore, string>();
  storeConformance('PostgresStore', {
    open: async () => {
      const url = await postgres.createDatabase();
      const store = new PostgresStore(url);
      urls.set(store, url);
      return store;
    },
    raw: (store, sql) => postgres.execute(urls.get(store as PostgresStore)!, sql),
  });
  afterAll(() => postgres.dropDatabases());
}
