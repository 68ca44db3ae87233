import type { AgentRecord, DgmRunSettings } from './store.ts';
import type { DgmAgentSummary, DgmQueries, DgmRunListing } from './queries.ts';
import type { SqliteDatabase } from '../../store/sqlite.ts';
import { runStatusOf } from '../../store/rows.ts';

const RUN_LISTING = `SELECT r.id, r.settings, r.created_at, count(a.id) AS agents, coalesce(sum(a.kept), 0) AS kept,
    max(CASE WHEN a.kept = 1 THEN a.score END) AS best_score,
    coalesce(sum(json_extract(a.metrics, '$.tokens')), 0) AS tokens,
    coalesce(sum(json_extract(a.metrics, '$.costUsd')), 0) AS cost_usd,
    coalesce(sum(json_extract(a.metrics, '$.wallMs')), 0) AS wall_ms,
    coalesce(sum(EXISTS (SELECT 1 FROM json_each(a.flags) f WHERE f.value = 'sandbox-violation')), 0) AS flagged,
    (SELECT kind FROM dgm_events v WHERE v.run_id = r.id ORDER BY v.id DESC LIMIT 1) AS last_event
  FROM dgm_runs r LEFT JOIN dgm_agents a ON a.run_id = r.id`;

const SUMMARY_COLUMNS = 'id, seq, parent_id, kept, discard_reason, score, scores, diagnosis, metrics, violations, flags, created_at';

function prepare(db: SqliteDatabase) {
  return {
    runs: db.prepare(`${RUN_LISTING} GROUP BY r.id ORDER BY r.created_at, r.id`),
    run: db.prepare(`${RUN_LISTING} WHERE r.id = ? GROUP BY r.id`),
    agents: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM dgm_agents WHERE run_id = ? ORDER BY seq`),
    // Graded tasks per agent and set, counted in SQL so task outputs and logs never leave the file.
    tasks: db.prepare(`SELECT a.id, json_extract(t.value, '$.set') AS set_name, count(*) AS total,
        sum(json_extract(t.value, '$.status') = 'resolved') AS resolved
      FROM dgm_agents a, json_each(a.results) t WHERE a.run_id = ? GROUP BY a.id, set_name`),
    agent: db.prepare('SELECT * FROM dgm_agents WHERE run_id = ? AND id = ?'),
  };
}

type Row = Record<string, string | number | null>;

/**
 * The dashboard's read-only view of the DGM tables (`store-sqlite.ts`). The engine creates those
 * tables on first use, possibly after the dashboard opened the file, so they are looked for on
 * every read until found; a file without them simply has no DGM runs.
 */
export class SqliteDgmQueries implements DgmQueries {
  private statements: ReturnType<typeof prepare> | undefined;

  constructor(private readonly db: SqliteDatabase) {}

  private tables(): ReturnType<typeof prepare> | undefined {
    if (this.statements) return this.statements;
    const present =
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN ('dgm_runs', 'dgm_events', 'dgm_agents')").all()
        .length === 3;
    if (present) this.statements = prepare(this.db);
    return this.statements;
  }

  runs(): DgmRunListing[] {
    return ((this.tables()?.runs.all() ?? []) as Row[]).map(listing);
  }

  run(runId: string): DgmRunListing | undefined {
    const row = this.tables()?.run.get(runId) as Row | undefined;
    return row ? listing(row) : undefined;
  }

  agents(runId: string): DgmAgentSummary[] {
    const statements = this.tables();
    if (!statements) return [];
    return this.db.transaction(() => {
      const tasks = new Map<string, Record<string, { resolved: number; total: number }>>();
      for (const row of statements.tasks.all(runId) as Array<{ id: string; set_name: string | null; total: number; resolved: number }>) {
        const sets = tasks.get(row.id) ?? {};
        sets[row.set_name ?? 'unknown'] = { resolved: row.resolved, total: row.total };
        tasks.set(row.id, sets);
      }
      return (statements.agents.all(runId) as Row[]).map((row) => ({ ...summary(row), tasks: tasks.get(row.id as string) ?? {} }));
    })();
  }

  agent(runId: string, agentId: string): AgentRecord | undefined {
    const row = this.tables()?.agent.get(runId, agentId) as Row | undefined;
    if (!row) return undefined;
    return {
      ...summary(row),
      runId: row.run_id as string,
      diff: row.diff as string,
      hash: row.hash as string,
      ...(row.code === null ? {} : { code: JSON.parse(row.code as string) }),
      results: JSON.parse(row.results as string),
      rngState: JSON.parse(row.rng_state as string),
    };
  }
}

function summary(row: Row): Omit<DgmAgentSummary, 'tasks'> {
  return {
    id: row.id as string,
    seq: row.seq as number,
    parentId: row.parent_id as string | null,
    kept: row.kept === 1,
    ...(row.discard_reason === null ? {} : { discardReason: row.discard_reason as string }),
    score: row.score as number | null,
    scores: JSON.parse(row.scores as string),
    ...(row.diagnosis === null ? {} : { diagnosis: JSON.parse(row.diagnosis as string) }),
    metrics: JSON.parse(row.metrics as string),
    violations: JSON.parse(row.violations as string),
    flags: JSON.parse(row.flags as string),
    createdAt: row.created_at as number,
  };
}

function listing(row: Row): DgmRunListing {
  const settings = JSON.parse(row.settings as string) as DgmRunSettings;
  return {
    id: row.id as string,
    bench: settings.bench ?? '',
    status: runStatusOf(row.last_event as string | null),
    agents: row.agents as number,
    kept: row.kept as number,
    bestScore: row.best_score as number | null,
    createdAt: row.created_at as number,
    tokens: row.tokens as number,
    costUsd: row.cost_usd as number,
    wallMs: row.wall_ms as number,
    flagged: row.flagged as number,
    settings,
  };
}
