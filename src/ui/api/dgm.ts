import { Hono, type Context } from 'hono';
import { dgmQueries, type AgentRecord, type DgmAgentSummary, type DgmRunListing } from '../../agents/index.ts';
import type { DashboardQueries } from '../../store/queries.ts';
import type { DgmAgentDetail, DgmAgentRow, DgmArchive, DgmRunRow } from '../api-types.ts';

const PROBLEM_CHARACTERS = 240;
const OUTPUT_CHARACTERS = 2000;

/**
 * The DGM part of the API, mounted under `/api/dgm`: the runs, a run's archive, and one agent with
 * its diff. Reads only; a database without DGM runs answers an empty list.
 *
 * @example
 * const api = new Hono().route('/dgm', dgmRoutes(queries, '.ouro/ouro.db'));
 */
export function dgmRoutes(queries: DashboardQueries, dbLabel: string): Hono {
  const routes = new Hono();
  const dgm = dgmQueries(queries);
  const noRun = (c: Context, runId: string) => c.json({ error: `no DGM run ${runId} in ${dbLabel}` }, 404);

  routes.get('/', (c) => c.json(dgm.runs().map(runRow)));

  routes.get('/:run', (c) => {
    const runId = c.req.param('run');
    const archive = queries.snapshot(() => {
      const run = dgm.run(runId);
      return run ? dgmArchive(run, dgm.agents(runId)) : undefined;
    });
    return archive ? c.json(archive) : noRun(c, runId);
  });

  routes.get('/:run/agents/:id', (c) => {
    const runId = c.req.param('run');
    const agentId = c.req.param('id');
    const agent = dgm.agent(runId, agentId);
    if (agent) return c.json(agentDetail(agent));
    return dgm.run(runId) ? c.json({ error: `no agent ${agentId} in DGM run ${runId}` }, 404) : noRun(c, runId);
  });

  return routes;
}

function runRow(run: DgmRunListing): DgmRunRow {
  return {
    id: run.id,
    bench: run.bench,
    status: run.status,
    agents: run.agents,
    kept: run.kept,
    bestScore: run.bestScore,
    tokens: run.tokens,
    costUsd: run.costUsd,
    wallMs: run.wallMs,
    flagged: run.flagged,
    createdAt: run.createdAt,
  };
}

function dgmArchive(run: DgmRunListing, agents: DgmAgentSummary[]): DgmArchive {
  const { model, seed, lambda, thresholds, repeats, budget } = run.settings;
  return {
    run: runRow(run),
    settings: { model, seed, lambda, thresholds, repeats, budget: budget as Record<string, number> },
    agents: agents.map((agent) => ({ ...agentRow(agent), tasks: agent.tasks })),
  };
}

function agentRow(agent: Omit<DgmAgentSummary, 'tasks'>): Omit<DgmAgentRow, 'tasks'> {
  const { diagnosis } = agent;
  return {
    id: agent.id,
    seq: agent.seq,
    parentId: agent.parentId,
    kept: agent.kept,
    discardReason: agent.discardReason ?? null,
    score: agent.score,
    scores: agent.scores,
    flags: agent.flags,
    violations: agent.violations,
    tokens: agent.metrics.tokens,
    costUsd: agent.metrics.costUsd,
    wallMs: agent.metrics.wallMs,
    diagnosis: diagnosis
      ? { kind: diagnosis.kind, taskId: diagnosis.taskId ?? null, problem: clip(diagnosis.problem, PROBLEM_CHARACTERS) }
      : null,
    createdAt: agent.createdAt,
  };
}

function agentDetail(agent: AgentRecord): DgmAgentDetail {
  const tasks: Record<string, { resolved: number; total: number }> = {};
  for (const result of agent.results) {
    const set = (tasks[result.set] ??= { resolved: 0, total: 0 });
    set.total++;
    if (result.status === 'resolved') set.resolved++;
  }
  const { diagnosis, metrics } = agent;
  return {
    ...agentRow(agent),
    runId: agent.runId,
    tasks,
    diagnosis: diagnosis ? { kind: diagnosis.kind, taskId: diagnosis.taskId ?? null, problem: diagnosis.problem } : null,
    diff: agent.diff,
    phases: { diagnosis: metrics.diagnosis, selfModification: metrics.selfModification, evaluation: metrics.evaluation },
    results: agent.results.map((result) => ({
      taskId: result.taskId,
      set: result.set,
      status: result.status,
      attempts: result.attempts,
      reason: result.reason ?? null,
      output: clip(result.output, OUTPUT_CHARACTERS),
    })),
  };
}

function clip(text: string, characters: number): string {
  return text.length <= characters ? text : `${text.slice(0, characters - 1)}…`;
}
