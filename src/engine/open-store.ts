import { OuroError } from '../core/errors.ts';
import { isPostgresUrl, PostgresStore } from '../store/postgres.ts';
import { SqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';

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
    throw new OuroError('option-invalid', `--db: ${what} are stored in SQLite files only for now, not ${db.replace(/\/\/[^@/]*@/, '//')}`, { field: 'db' });
  }
}
