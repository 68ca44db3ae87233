import type { DashboardQueries } from '../../store/queries.ts';
import type { DgmQueries } from './queries.ts';
import { SqliteDgmQueries } from './queries-sqlite.ts';

const NONE: DgmQueries = { runs: () => [], run: () => undefined, agents: () => [], agent: () => undefined };

/**
 * The DGM runs of the database a dashboard reads. Only SQLite stores them: on PostgreSQL there
 * are none.
 *
 * @example
 * const dgm = dgmQueries(new SqliteDashboardQueries('.ouro/ouro.db'));
 * console.log(dgm.runs().map((run) => run.id));
 */
export function dgmQueries(queries: DashboardQueries): DgmQueries {
  const connection = queries.sqliteConnection();
  return connection ? new SqliteDgmQueries(connection) : NONE;
}
