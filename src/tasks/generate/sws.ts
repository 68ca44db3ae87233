/**
 * SwS reads the solver's recorded failures, to aim new tasks at them. Two records hold failures:
 *
 * - a flywheel run: each failed verdict, with the sample it judged (the solver's reply) and the
 *   prompt it was asked, which the run's model exchanges keep (a sample's call is booked as
 *   proposal `<round>:<task>:<index>`);
 * - a DGM run: each agent's unresolved benchmark tasks, with the tests' output; the agent's
 *   reply is its own log of the task (the run stores no per-task patch), and the statement comes
 *   from the benchmark folder the run names (or the tasks the caller passes).
 */
import { existsSync } from 'node:fs';
import { loadBenchmark, type AgentStore } from '../../agents/index.ts';
import type { FlywheelStore } from '../../flywheel/index.ts';
import type { SolverFailure } from './prompts.ts';

/** The operator the flywheel books a plain sample's call under. */
const SAMPLE_OPERATOR = 'sample';

export interface FailureOptions {
  /** At most this many failures per task, the earliest first (1 by default). */
  perTask?: number;
  /** At most this many failures in all. */
  limit?: number;
  /** A statement for a task, when the caller has one (from the task source); tried before the record. */
  statementOf?: (taskId: string) => string | undefined;
}

/**
 * The failed samples of a flywheel run, round by round. A failure whose statement neither the
 * caller nor the run's exchanges give is left out: SwS cannot aim at what it cannot show.
 *
 * @example
 * const failures = failuresFromFlywheel(flywheel, 'f1a2b3c4', { limit: 4 });
 */
export function failuresFromFlywheel(flywheel: FlywheelStore, runId: string, options: FailureOptions = {}): SolverFailure[] {
  const prompts = new Map<string, string>();
  for (const exchange of flywheel.llmCalls(runId)) {
    // STaR's rationalisation books the same proposal key with a hinted prompt: only plain samples count.
    if (exchange.operator !== SAMPLE_OPERATOR) continue;
    const asked = exchange.request.messages.filter((message) => message.role === 'user').at(-1)?.content;
    if (exchange.proposal !== undefined && asked !== undefined && !prompts.has(exchange.proposal)) prompts.set(exchange.proposal, asked);
  }
  const last = Math.max(-1, ...flywheel.rounds(runId).map((round) => round.round));
  const collected = new Collector(options);
  // The round after the last complete one may be under way, with verdicts already stored.
  for (let round = 0; round <= last + 1; round++) {
    const samples = flywheel.samples(runId, round);
    const byKey = new Map(
      samples.filter((sample) => sample.kind === 'sample').map((sample) => [`${sample.taskId}\0${sample.index}`, sample]),
    );
    for (const verdict of flywheel.verdicts(runId, round)) {
      if (verdict.passed) continue;
      const sample = byKey.get(`${verdict.taskId}\0${verdict.index}`);
      if (sample === undefined) continue;
      const statement = options.statementOf?.(verdict.taskId) ?? prompts.get(`${round}:${verdict.taskId}:${verdict.index}`);
      if (statement === undefined) continue;
      const detail = verdict.detail ?? `the ${verdict.verifier} verifier failed it`;
      if (!collected.add({ taskId: verdict.taskId, statement, reply: sample.text, detail })) return collected.failures;
    }
  }
  return collected.failures;
}

/**
 * The unresolved benchmark tasks of a DGM run's agents, in the order the agents were made.
 * `tasks` gives the statements; without it the run's benchmark folder is read, and a run whose
 * folder is gone yields no failures.
 *
 * @example
 * const failures = failuresFromDgm(agents, 'dgm-1', undefined, { perTask: 2 });
 */
export function failuresFromDgm(
  agents: Pick<AgentStore, 'getDgmRun' | 'agents'>,
  runId: string,
  tasks?: ReadonlyArray<{ id: string; statement: string }>,
  options: FailureOptions = {},
): SolverFailure[] {
  const run = agents.getDgmRun(runId);
  if (run === undefined) return [];
  const statements = new Map((tasks ?? benchmarkTasks(run.settings.bench)).map((task) => [task.id, task.statement]));
  const collected = new Collector(options);
  for (const agent of agents.agents(runId)) {
    for (const result of agent.results) {
      if (result.status === 'resolved') continue;
      const statement = options.statementOf?.(result.taskId) ?? statements.get(result.taskId);
      if (statement === undefined) continue;
      const detail = [`${result.status}`, result.reason, result.output].filter((part) => part !== undefined && part !== '').join(': ');
      if (!collected.add({ taskId: result.taskId, statement, reply: result.log, detail })) return collected.failures;
    }
  }
  return collected.failures;
}

function benchmarkTasks(folder: string): Array<{ id: string; statement: string }> {
  if (!existsSync(folder)) return [];
  try {
    return loadBenchmark(folder).tasks.map((task) => ({ id: task.id, statement: task.statement }));
  } catch {
    return [];
  }
}

/** Keeps at most `perTask` failures of each task and `limit` in all. */
class Collector {
  readonly failures: SolverFailure[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly options: FailureOptions) {}

  /** Adds a failure if its task has room; false once the overall limit is reached. */
  add(failure: SolverFailure): boolean {
    const seen = this.counts.get(failure.taskId) ?? 0;
    if (seen < (this.options.perTask ?? 1)) {
      this.counts.set(failure.taskId, seen + 1);
      this.failures.push(failure);
    }
    return this.options.limit === undefined || this.failures.length < this.options.limit;
  }
}
