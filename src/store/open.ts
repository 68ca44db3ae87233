import { OuroError } from '../core/errors.ts';
import { isPostgresUrl, PostgresStore } from './postgres.ts';
import { PostgresDashboardQueries } from './queries-postgres.ts';
import { SqliteDashboardQueries } from './queries-sqlite.ts';
import type { DashboardQueries } from './queries.ts';
import { SqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

/**
 * Opens a database, or passes an open store through (the caller then keeps ownership). A
 * `postgres://` or `postgresql://` URL opens the shared PostgreSQL store; anything else is a SQLite file.
 */
export function openStore(db: string | Store, readonly = false): { store: Store; owned: boolean } {
  if (typeof db !== 'string') return { store: db, owned: false };
  if (isPostgresUrl(db)) return { store: new PostgresStore(db, { readonly }), owned: true };
  return { store: new SqliteStore(db, { readonly }), owned: true };
}

/**
 * Refuses a database URL where a feature keeps its tables in SQLite files only (soups, DGM runs),
 * so that `--db postgres://...` gets a clear error rather than a file named after the URL.
 */
export function requireSqliteFile(db: string, what: string): void {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db)) {
    throw new OuroError('option-invalid', `--db: ${what} are stored in SQLite files only for now, not ${db.replace(/\/\/[^@/]*@/, '//')}`, {
      field: 'db',
    });
  }
}

/**
 * Opens the dashboard's queries over a SQLite file or a `postgres://` URL, read-only. Throws an
 * OuroError naming the database (without its password) when it cannot be read.
 *
 * @example
 * const queries = openDashboardQueries('postgres://ouro@db.example/ouro');
 * console.log(queries.runs().map((run) => run.id));
 * queries.close();
 */
export function openDashboardQueries(db: string): DashboardQueries {
  return isPostgresUrl(db) ? new PostgresDashboardQueries(db) : new SqliteDashboardQueries(db);
}
