import { OuroError } from '../core/errors.ts';
import { requireSqliteFile } from '../store/open.ts';
import { SqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';
import { TASKS_TABLES } from './store-sqlite.ts';
import type { TasksStore } from './store.ts';

/**
 * The task tables of the database at `db`, created on first use when it is writable. The caller
 * closes `store`. Task runs live in SQLite files only: a PostgreSQL URL is refused before any
 * connection is tried, and so is a file opened read-only that has never held a task run.
 *
 * @example
 * const { store, tasks } = openTasks('.ouro/ouro.db', true);
 * try {
 *   console.log(tasks.runs().map((run) => `${run.id}: ${run.kept} kept`));
 * } finally {
 *   store.close();
 * }
 */
export function openTasks(db = '.ouro/ouro.db', readonly = false): { store: Store; tasks: TasksStore } {
  requireSqliteFile(db, 'task runs');
  const store = new SqliteStore(db, { readonly });
  const tasks = store.tables(TASKS_TABLES);
  if (!tasks) {
    store.close();
    throw new OuroError('run-unknown', `${store.location} holds no task runs yet; start one before reading it`, { file: store.location });
  }
  return { store, tasks };
}
