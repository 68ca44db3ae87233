import { OuroError } from '../../core/errors.ts';
import type { SqliteTables } from '../../store/sqlite.ts';
import type { DashboardQueries } from '../../store/queries.ts';

/**
 * A capability's store (flywheel runs, task runs) over the dashboard's read-only connection, once
 * its tables exist: they may appear after the dashboard opened the file, so an absent answer is
 * asked again on the next request. Undefined on PostgreSQL, where these runs never live. A write
 * through the store throws `store-readonly` naming the database and `what` it holds.
 *
 * @example
 * const tasks = readOnlyTables(queries, TASKS_TABLES, 'task runs');
 * tasks()?.runs();
 */
export function readOnlyTables<T>(queries: DashboardQueries, spec: SqliteTables<T>, what: string): () => T | undefined {
  let opened: T | undefined;
  const refuse = (): never => {
    throw new OuroError('store-readonly', `${queries.location}: the dashboard reads ${what} and never writes them`);
  };
  return () => {
    if (opened) return opened;
    const connection = queries.sqliteConnection();
    if (!connection) return undefined;
    const present = connection.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(spec.marker);
    if (present) opened = spec.open(connection, refuse);
    return opened;
  };
}
