import { createTwoFilesPatch } from 'diff';
import type { AgentTaskResult, NewAgentRecord, PhaseSpend } from './store.ts';
import type { SqliteStore } from '../../store/sqlite.ts';
import { DGM_TABLES } from './store-sqlite.ts';

const INITIAL = 'const tools = ["bash", "edit"];\nexport async function main(task) {\n  return run(task, tools);\n}\n';
const IMPROVED =
  'const tools = ["bash", "edit", "view"];\nexport async function main(task) {\n  return run(task, tools, { retries: 2 });\n}\n';

/** What the sample's escaping agent tried, as the sandbox reports it. */
export const SAMPLE_VIOLATIONS = [
  'network: 2 attempt(s) to reach an address outside the sandbox (refused: the sandbox has no network)',
  'network: 1 datagram(s) to a port nothing listens on inside the sandbox, such as DNS lookups of outside names',
];

function spend(tokens: number, costUsd: number, wallMs: number): PhaseSpend {
  return { tokens, costUsd, wallMs };
}

function task(taskId: string, set: string, status: AgentTaskResult['status']): AgentTaskResult {
  return {
    taskId,
    set,
    status,
    attempts: [status],
    runStatus: ['done'],
    changed: [true],
    output: status === 'resolved' ? 'ok' : `FAIL ${taskId}`,
    log: 'agent log',
  };
}

/**
 * A small DGM run written through the real store, for the dashboard's tests: the initial agent
 * (`<id>-0`), a kept child that reached the medium set (`-1`), a child flagged for trying to
 * escape the sandbox (`-2`) and a discarded one (`-3`).
 *
 * @example
 * const store = new SqliteStore('ouro.db');
 * writeSampleDgmRun(store, 'd1');
 */
export function writeSampleDgmRun(store: SqliteStore, runId: string, createdAt = Date.now()): NewAgentRecord[] {
  const agents = store.tables(DGM_TABLES);
  if (!agents) throw new Error(`${store.location} has no DGM tables`);
  agents.createDgmRun({
    id: runId,
    initialAgent: { 'agent.mjs': INITIAL },
    createdAt,
    settings: {
      bench: 'benchmarks/coding',
      seed: 1,
      lambda: 10,
      thresholds: { medium: 0.4, full: 'beats-runner-up' },
      taskTimeoutMs: 60_000,
      selfModifyTimeoutMs: 120_000,
      repeats: 1,
      model: 'compat:scripted',
      budget: { children: 3 },
    },
  });
  const zero = spend(0, 0, 0);
  const base = (
    seq: number,
    parentId: string | null,
  ): Omit<NewAgentRecord, 'kept' | 'diff' | 'score' | 'scores' | 'results' | 'metrics' | 'violations' | 'flags'> => ({
    id: `${runId}-${seq}`,
    runId,
    seq,
    parentId,
    hash: `hash-${seq}`,
    rngState: [1, 2, 3, seq],
    createdAt: createdAt + seq,
  });
  const metrics = (diagnosis: PhaseSpend, selfModification: PhaseSpend, evaluation: PhaseSpend, violations: number) => ({
    diagnosis,
    selfModification,
    evaluation,
    violations,
    tokens: diagnosis.tokens + selfModification.tokens + evaluation.tokens,
    costUsd: diagnosis.costUsd + selfModification.costUsd + evaluation.costUsd,
    wallMs: diagnosis.wallMs + selfModification.wallMs + evaluation.wallMs,
  });
  const diff = createTwoFilesPatch('a/agent.mjs', 'b/agent.mjs', INITIAL, IMPROVED, undefined, undefined, { context: 3 });
  const records: NewAgentRecord[] = [
    {
      ...base(0, null),
      kept: true,
      diff: '',
      score: 0.5,
      scores: { small: 0.5 },
      results: [task('sum', 'small', 'resolved'), task('fizz', 'small', 'unresolved')],
      metrics: metrics(zero, zero, spend(1200, 0.012, 4000), 0),
      violations: [],
      flags: [],
    },
    {
      ...base(1, `${runId}-0`),
      kept: true,
      diff,
      score: 0.75,
      scores: { small: 1, medium: 0.75 },
      results: [
        task('sum', 'small', 'resolved'),
        task('fizz', 'small', 'resolved'),
        task('parse', 'medium', 'resolved'),
        task('sort', 'medium', 'unresolved'),
      ],
      diagnosis: {
        kind: 'unresolved-task',
        taskId: 'fizz',
        problem: `The agent gives up after one failing test run. ${'It should retry with the test output. '.repeat(20)}`,
      },
      metrics: metrics(spend(300, 0.003, 900), spend(2500, 0.025, 7000), spend(2000, 0.02, 6000), 0),
      violations: [],
      flags: [],
    },
    {
      ...base(2, `${runId}-0`),
      kept: true,
      diff: diff.replace('"view"', '"curl"'),
      score: 0.5,
      scores: { small: 0.5 },
      results: [task('sum', 'small', 'resolved'), task('fizz', 'small', 'timeout')],
      diagnosis: { kind: 'timeouts', taskId: 'fizz', problem: 'The agent runs past its time limit.' },
      metrics: metrics(spend(200, 0.002, 500), spend(1800, 0.018, 5000), spend(900, 0.009, 3000), SAMPLE_VIOLATIONS.length),
      violations: SAMPLE_VIOLATIONS,
      flags: ['sandbox-violation'],
    },
    {
      ...base(3, `${runId}-1`),
      kept: false,
      discardReason: 'empty change: the self-modification left the agent as it was',
      diff: '',
      score: null,
      scores: {},
      results: [],
      diagnosis: { kind: 'empty-patches', problem: 'The agent leaves the workspace unchanged.' },
      metrics: metrics(spend(100, 0.001, 400), spend(700, 0.007, 2000), zero, 0),
      violations: [],
      flags: [],
    },
  ];
  for (const record of records) agents.recordAgent(record);
  return records;
}
