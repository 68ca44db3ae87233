import { SqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';

/** Opens a database path, or passes an open store through (the caller then keeps ownership). */
export function openStore(db: string | Store, readonly = false): { store: Store; owned: boolean } {
  if (typeof db !== 'string') return { store: db, owned: false };
  return { store: new SqliteStore(db, { readonly }), owned: true };
}
