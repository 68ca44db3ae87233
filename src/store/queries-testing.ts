import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore } from './postgres.ts';
import { postgresUnavailable, testPostgres } from './postgres-testing.ts';
import type { DashboardQueries } from './queries.ts';
import { openDashboardQueries } from './open.ts';
import { SqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

/** One database kind the dashboard reads, for tests that run the same assertions on each. */
export interface DashboardBackend {
  name: 'SQLite' | 'PostgreSQL';
  /**
   * Why the tests cannot run on it here (with an install hint), or undefined: a probe for
   * test/support/services.ts `requireService`, which decides between skipping and failing.
   */
  probe(): Promise<string | undefined>;
  /** A fresh, empty database of its own: a file path or a URL. */
  createDatabase(): Promise<string>;
  /** A store that writes into `db`, creating the schema. */
  openWriter(db: string): Store;
  openQueries(db: string): DashboardQueries;
  /** Drops what createDatabase made on a server. */
  dispose(): Promise<void>;
}

/**
 * SQLite, and PostgreSQL on the test server of `testPostgres()`; each suite guards PostgreSQL with
 * `requireService(backend.name, backend.probe)`.
 */
export async function dashboardBackends(): Promise<DashboardBackend[]> {
  const postgres = testPostgres();
  return [
    {
      name: 'SQLite',
      probe: async () => undefined,
      createDatabase: async () => join(mkdtempSync(join(tmpdir(), 'ouro-dashboard-')), 'ouro.db'),
      openWriter: (db) => new SqliteStore(db),
      openQueries: openDashboardQueries,
      dispose: async () => {},
    },
    {
      name: 'PostgreSQL',
      probe: postgresUnavailable,
      createDatabase: () => postgres.createDatabase(),
      openWriter: (db) => new PostgresStore(db),
      openQueries: openDashboardQueries,
      dispose: () => postgres.dropDatabases(),
    },
  ];
}
