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
