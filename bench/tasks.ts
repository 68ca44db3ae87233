// Issue 21's figures for task generation: how long the sandbox takes to validate one coding task, how
// many planted tasks (good and broken) validation gets through a minute, whether each broken one is
// caught with its reason, and the tokens a kept task costs on the SCRIPTED proposer and SIMULATED solver.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KeptIndex, openTasks, startTasks, TASKS_DEFAULTS, type TasksSettings, validateTask } from '../src/tasks/index.ts';
import type { CheckResult, GeneratedTask, RejectReason, Validation } from '../src/tasks/types.ts';
import { plantedTasks } from '../src/testing/broken-tasks.ts';
import { startScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { createTaskProposer } from '../src/testing/task-proposer.ts';
import { createTaskSolver } from '../src/testing/task-solver-sim.ts';
import { median } from './overhead.ts';

const WARM_UP = 2;
const RUNS = 15;
const PASSES = 3;
const PROPOSALS = 40;
const PROPOSER = { seed: 1, flawShare: 0.25, unparseableShare: 0.1 } as const;

/** A check that graded a solution in the sandbox (the static scans and the dedup checks do not). */
const isGrading = (check: CheckResult) => ['reference', 'repeat', 'stub'].includes(check.check) || check.check.startsWith('trivial:');

export interface TasksBench {
  /** Load averages (1 minute) when the section started and when it ended. */
  load: { before: number; after: number };
  validation: { ms: number[]; gradings: number; gradingMs: number[] };
  throughput: { tasks: number; perMinute: number[] };
  catchRate: { broken: number; exact: number; rejected: number; misses: string[]; good: number; goodKept: number };
  run: {
    proposals: number;
    kept: number;
    rejected: Partial<Record<RejectReason, number>>;
    calls: number;
    tokens: number;
    proposerTokens: number;
    wallMs: number;
    /** Time from one stored outcome to the next (the first from the run's creation), ms resolution. */
    gapsMs: number[];
    flawed: number;
    flawedRejected: number;
  };
}

async function timeGoodCode(task: GeneratedTask): Promise<TasksBench['validation']> {
  const ms: number[] = [];
  const gradingMs: number[] = [];
  let gradings = 0;
  for (let run = 0; run < WARM_UP + RUNS; run++) {
    const kept = new KeptIndex();
    const started = performance.now();
    const validation = await validateTask(task, kept);
    const elapsed = performance.now() - started;
    if (!validation.kept) throw new Error(`the good coding task was rejected: ${validation.reason} (${validation.detail})`);
    if (run < WARM_UP) continue;
    ms.push(elapsed);
    const graded = validation.checks.filter(isGrading);
    gradings = graded.length;
    gradingMs.push(...graded.map((check) => check.durationMs));
  }
  return { ms, gradings, gradingMs };
}

async function passesOverPlanted(): Promise<{ throughput: TasksBench['throughput']; catchRate: TasksBench['catchRate'] }> {
  const planted = plantedTasks();
  const perMinute: number[] = [];
  const results: Validation[][] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    const validations: Validation[] = [];
    const started = performance.now();
    for (const entry of planted) validations.push(await validateTask(entry.task, new KeptIndex(entry.kept)));
    perMinute.push(planted.length / ((performance.now() - started) / 60_000));
    results.push(validations);
  }
  const broken = planted.filter((entry) => entry.reason !== undefined);
  const misses: string[] = [];
  let exact = 0;
  let rejected = 0;
  let goodKept = 0;
  planted.forEach((entry, index) => {
    const outcomes = results.map((validations) => validations[index] as Validation);
    if (entry.reason === undefined) {
      if (outcomes.every((validation) => validation.kept)) goodKept++;
      else misses.push(`${entry.name}: rejected (${outcomes.map((validation) => validation.reason ?? 'kept').join(', ')})`);
      return;
    }
    // Counted only when every pass agrees: a reason that changes between passes is a miss.
    if (outcomes.every((validation) => !validation.kept)) rejected++;
    if (outcomes.every((validation) => validation.reason === entry.reason)) exact++;
    else
      misses.push(`${entry.name}: expected ${entry.reason}, got ${outcomes.map((validation) => validation.reason ?? 'kept').join(', ')}`);
  });
  return {
    throughput: { tasks: planted.length, perMinute },
    catchRate: { broken: broken.length, exact, rejected, misses, good: planted.length - broken.length, goodKept },
  };
}

async function scriptedRun(): Promise<TasksBench['run']> {
  const proposer = createTaskProposer(PROPOSER);
  const solver = createTaskSolver();
  const server = await startScriptedLlmServer({
    respond: (request) => {
      const prompt = request.messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
      return /^Kind: /m.test(prompt) ? proposer.respond(request) : solver.respond(request);
    },
  });
  const folder = mkdtempSync(join(tmpdir(), 'ouro-bench-tasks-'));
  try {
    const db = join(folder, 'tasks.db');
    const settings: Partial<TasksSettings> & Pick<TasksSettings, 'proposer'> = {
      ...TASKS_DEFAULTS,
      proposer: `compat:${server.compatBaseURL}#scripted`,
      generators: ['coding', 'math', 'triple'],
      proposals: PROPOSALS,
    };
    const started = performance.now();
    const result = await startTasks(settings, { db, probe: false });
    const wallMs = performance.now() - started;
    const { store, tasks } = openTasks(db, true);
    try {
      const calls = tasks.llmCalls(result.runId);
      const tokensOf = (list: typeof calls) => list.reduce((sum, call) => sum + call.usage.inputTokens + call.usage.outputTokens, 0);
      const proposals = tasks.tasks(result.runId);
      const rejected = Object.fromEntries(Object.entries(tasks.rejectionCounts(result.runId)).filter(([, count]) => count > 0));
      let previous = tasks.getRun(result.runId)?.createdAt ?? 0;
      const gapsMs = proposals.map((proposal) => {
        const gap = proposal.createdAt - previous;
        previous = proposal.createdAt;
        return gap;
      });
      // Proposals run one at a time, so the served replies line up with the proposals' numbers.
      const validationRejected = (seq: number) => {
        const proposal = proposals[seq];
        return proposal !== undefined && !proposal.kept && proposal.reason !== 'too-easy' && proposal.reason !== 'too-hard';
      };
      const flawed = proposer.served.flatMap((served, seq) => (served.quality === 'good' ? [] : [seq]));
      return {
        proposals: result.proposals,
        kept: result.kept,
        rejected,
        calls: calls.length,
        tokens: tokensOf(calls),
        proposerTokens: tokensOf(calls.filter((call) => call.operator === 'propose-task')),
        wallMs,
        gapsMs,
        flawed: flawed.length,
        flawedRejected: flawed.filter(validationRejected).length,
      };
    } finally {
      store.close();
    }
  } finally {
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Every figure of the section, measured one part after another (nothing runs alongside). */
export async function measureTasks(): Promise<TasksBench> {
  const before = loadavg()[0] ?? 0;
  const good = plantedTasks().find((entry) => entry.name === 'good-code');
  if (good === undefined) throw new Error('plantedTasks() has no good-code task');
  const validation = await timeGoodCode(good.task);
  const { throughput, catchRate } = await passesOverPlanted();
  const run = await scriptedRun();
  return { load: { before, after: loadavg()[0] ?? 0 }, validation, throughput, catchRate, run };
}

const percentile = (values: readonly number[], share: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
};
const percent = (part: number, whole: number) => `${whole === 0 ? '-' : ((100 * part) / whole).toFixed(0)}%`;
const int = (value: number) => Math.round(value).toLocaleString('en-US');

/** The section's text for BENCHMARKS.md. */
export function tasksReport(bench: TasksBench, machine: string): string {
  const { validation, throughput, catchRate, run } = bench;
  const p50 = percentile(validation.ms, 0.5);
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  return [
    `Command: \`npm run bench -- tasks\` on ${machine}; load average (1 minute) ${bench.load.before.toFixed(2)} when the section ` +
      `started, ${bench.load.after.toFixed(2)} when it ended.`,
    '',
    '| measurement | figure | target |',
    '| --- | --- | --- |',
    `| validating the planted good coding task (\`validateTask\`, fresh \`KeptIndex\`; ${RUNS} runs after ${WARM_UP} to warm up) | ` +
      `p50 ${int(p50)} ms, p95 ${int(percentile(validation.ms, 0.95))} ms (min ${int(Math.min(...validation.ms))}, ` +
      `max ${int(Math.max(...validation.ms))}) | p50 1,000 ms${p50 <= 1000 ? '' : ' (missed)'} |`,
    `| of which, one sandbox grading (${validation.gradings} a validation, 2 at a time) | ` +
      `p50 ${int(percentile(validation.gradingMs, 0.5))} ms, p95 ${int(percentile(validation.gradingMs, 0.95))} ms | - |`,
    `| throughput: all ${throughput.tasks} planted tasks (good and broken) one after another, ${PASSES} passes | ` +
      `${median(throughput.perMinute).toFixed(0)} tasks a minute (median; passes: ` +
      `${throughput.perMinute.map((rate) => rate.toFixed(0)).join(', ')}) | - |`,
    `| broken planted tasks rejected with exactly their expected reason, in every pass | ` +
      `${catchRate.exact} of ${catchRate.broken} (${percent(catchRate.exact, catchRate.broken)}) | 100% |`,
    `| broken planted tasks rejected at all, in every pass | ${catchRate.rejected} of ${catchRate.broken} ` +
      `(${percent(catchRate.rejected, catchRate.broken)}) | 100% |`,
    `| good planted tasks kept, in every pass | ${catchRate.goodKept} of ${catchRate.good} | all |`,
    ...(catchRate.misses.length === 0 ? [] : ['', `Misses: ${catchRate.misses.join('; ')}.`]),
    '',
    'JavaScript grading starts a fresh bubblewrap sandbox for every grading: the warm pool (from the Python evaluators issue) serves ' +
      'Python evaluators, not the JavaScript grader, so none of these figures use warm sandboxes.',
    '',
    `**Tokens per kept task: a SIMULATION, not a model.** \`startTasks\` on the scripted proposer (src/testing/task-proposer.ts; ` +
      `seed ${PROPOSER.seed}, flawShare ${PROPOSER.flawShare}, unparseableShare ${PROPOSER.unparseableShare}) and the simulated ` +
      'solver (src/testing/task-solver-sim.ts), both answering at once through the scripted OpenAI-compatible server on 127.0.0.1, ' +
      `${PROPOSALS} proposals, generators coding, math and triple, the other settings at their defaults (4 attempts a valid task, ` +
      'LADDER depth 2), a temporary SQLite file. Tokens are what the scripted server reports (about 4 characters a token of prompt ' +
      "and reply), not a real model's; the solver's cost depends on its simulated pass rates.",
    '',
    '| measurement | figure |',
    '| --- | --- |',
    `| proposals, kept | ${run.proposals}, ${run.kept} |`,
    `| rejected, by reason | ${Object.entries(run.rejected)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ')} |`,
    `| replies the proposer served with a planted flaw, a repeat or no parse, rejected before the solver | ` +
      `${run.flawedRejected} of ${run.flawed} |`,
    `| model calls, tokens | ${run.calls}, ${int(run.tokens)} |`,
    `| tokens per kept task, all calls | ${run.kept === 0 ? '-' : int(run.tokens / run.kept)} |`,
    `| tokens per kept task, proposer calls only | ${run.kept === 0 ? '-' : int(run.proposerTokens / run.kept)} |`,
    `| wall time per proposal | mean ${int(run.wallMs / Math.max(1, run.proposals))} ms (${(run.wallMs / 1000).toFixed(1)} s ` +
      `/ ${run.proposals}); median ${int(percentile(run.gapsMs, 0.5))} ms, max ${int(Math.max(...run.gapsMs))} ms, ` +
      `from the stored outcomes' timestamps (mean of those gaps ${int(mean(run.gapsMs))} ms) |`,
  ].join('\n');
}
