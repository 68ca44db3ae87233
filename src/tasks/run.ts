/**
 * A task-generation run: the curriculum picks a category, the proposer writes a task, the sandbox
 * validates it, the solver attempts it n times, the pass rate decides whether it can teach
 * anything, and the curriculum learns from the attempts. A task too hard for the solver gets
 * easier variants (LADDER). Every record of a proposal is written before its outcome, which is
 * written last: a run killed at any point resumes at the first proposal without an outcome, asks
 * no model twice (answered calls are served from the store) and loses no validated task.
 */
import { randomBytes } from 'node:crypto';
import { OuroError } from '../core/errors.ts';
import { ModelCallError, type ModelHandle } from '../core/model.ts';
import { chooseVerifier, openFlywheel } from '../flywheel/index.ts';
import { absoluteAdvantage, Curriculum, type CurriculumSnapshot } from './curriculum.ts';
import { readDgmRun } from '../agents/index.ts';
import { failuresFromDgm, failuresFromFlywheel, generateTask, type SolverFailure } from './generate/index.ts';
import { learnabilityOf } from './learnability.ts';
import { openTasks } from './open.ts';
import { openLoopModels, probeModels } from './loop-models.ts';
import { armsOf, checkTasksSettings, type TasksSettings } from './settings.ts';
import { type Attempt, solveAttempts, solverMessages, solverVerifiers } from './solve.ts';
import { type ProposerSolverEpisode, proposerSolverEpisode } from './games/index.ts';
import { toFlywheelTask } from './convert.ts';
import type { ProposalOutcome, StoredProposal, TasksStore } from './store.ts';
import { type Category, categoryKey, type GeneratedTask, type Validation } from './types.ts';
import { KeptIndex, validateTask, type ValidateOptions } from './validate/index.ts';

const DEFAULT_DB_FILE = '.ouro/ouro.db';

export interface TasksOptions {
  /** A SQLite database path (default `.ouro/ouro.db`). */
  db?: string;
  /** Check that each model answers before the run exists (default true). */
  probe?: boolean;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Told about each proposal as its outcome is stored. */
  onProposal?: (proposal: StoredProposal) => void;
  notice?: (message: string) => void;
  /** Validation options (a test's grader, scratch folder). */
  validate?: Omit<ValidateOptions, 'unsafe'>;
}

export interface TasksResult {
  runId: string;
  proposals: number;
  kept: number;
  rejected: number;
  /** `budget`: a token or money limit was reached; `resume` with a larger budget carries on. */
  stopReason: 'done' | 'budget' | 'interrupted';
  message?: string;
}

/** Starts a run (`kind` `selfplay` when `settings.game` is set). Settings and models are checked before the run exists. */
export async function startTasks(
  settings: Partial<TasksSettings> & Pick<TasksSettings, 'proposer'>,
  options: TasksOptions = {},
): Promise<TasksResult> {
  const checked = checkTasksSettings(settings);
  // SwS's failures are read before the run exists, so a run that names none leaves no empty run behind.
  if (checked.failuresFrom !== undefined) readFailures(options.db, checked.failuresFrom);
  if (options.probe !== false) await probeModels(modelIds(checked), options.env);
  const { store, tasks } = openTasks(options.db);
  try {
    const runId = `t${randomBytes(4).toString('hex')}`;
    tasks.createRun({
      id: runId,
      kind: checked.game ? 'selfplay' : 'generate',
      settings: checked as unknown as Record<string, unknown>,
      createdAt: Date.now(),
    });
    return await runTasks(tasks, runId, checked, { ...options, probe: false }, options.db);
  } finally {
    store.close();
  }
}

/** Carries a stopped, crashed or killed run on; `proposals` and `budget` may be raised. */
export async function resumeTasks(
  runId: string,
  options: TasksOptions & { proposals?: number; budget?: TasksSettings['budget'] } = {},
): Promise<TasksResult> {
  const { store, tasks } = openTasks(options.db);
  try {
    const run = tasks.getRun(runId);
    if (!run) throw new OuroError('run-unknown', `no task run ${runId} in ${store.location} (see \`ouro tasks ls\`)`, { field: 'run' });
    const stored = run.settings as unknown as TasksSettings;
    const settings = checkTasksSettings({
      ...stored,
      ...(options.proposals ? { proposals: options.proposals } : {}),
      ...(options.budget ? { budget: { ...stored.budget, ...options.budget } } : {}),
    });
    tasks.appendEvent(runId, 'resumed', { proposals: settings.proposals, budget: settings.budget });
    return await runTasks(tasks, runId, settings, options, options.db);
  } finally {
    store.close();
  }
}

/** The proposer, then the solver (the proposer when unset). */
function modelIds(settings: TasksSettings): [string, string] {
  return [settings.proposer, settings.solver ?? settings.proposer];
}

/** What the loop carries from one proposal to the next, rebuilt from the store on resume. */
interface LoopState {
  curriculum: Curriculum;
  kept: KeptIndex;
  /** Tasks too hard for the solver, waiting for an easier variant. */
  ladder: GeneratedTask[];
  /** Curriculum steps by the proposal they were taken for. */
  stepOfSeq: Map<number, { category: string; snapshot: CurriculumSnapshot }>;
}

function restoreState(tasks: TasksStore, runId: string, settings: TasksSettings): LoopState {
  const arms = armsOf(settings);
  const options = { arms, alpha: settings.alpha, temperature: settings.tau };
  const steps = tasks.curriculum(runId);
  let curriculum = new Curriculum({ ...options, rng: settings.seed });
  const last = steps.at(-1);
  if (last !== undefined) {
    // The state before the last step, then that step's pick and update: the state after it.
    curriculum = Curriculum.restore((last.snapshot as { curriculum: unknown }).curriculum, options);
    const category = curriculum.pick();
    if (categoryKey(category) !== last.category)
      throw new OuroError('store-corrupt', `task run ${runId}: curriculum step ${last.step} does not replay`, { field: 'curriculum' });
    if (last.reward !== undefined) curriculum.update(category, last.reward);
  }
  const state: LoopState = {
    curriculum,
    kept: new KeptIndex(),
    ladder: [],
    stepOfSeq: new Map(
      steps.map((step) => {
        const snapshot = step.snapshot as { curriculum: CurriculumSnapshot; seq: number };
        return [snapshot.seq, { category: step.category, snapshot: snapshot.curriculum }];
      }),
    ),
  };
  for (const proposal of tasks.tasks(runId)) afterOutcome(state, settings, proposal);
  return state;
}

/** Updates the dedup index and LADDER's queue from a stored outcome, as the live loop does. */
function afterOutcome(state: LoopState, settings: TasksSettings, proposal: StoredProposal): void {
  if (proposal.generator === 'ladder') state.ladder.shift();
  const task = proposal.task;
  if (task === undefined) return;
  const valid = proposal.kept || proposal.reason === 'too-easy' || proposal.reason === 'too-hard';
  if (valid) state.kept.add(task);
  if (proposal.reason === 'too-hard' && (task.provenance.depth ?? 0) < settings.ladderDepth) state.ladder.push(task);
}

async function runTasks(
  tasks: TasksStore,
  runId: string,
  settings: TasksSettings,
  options: TasksOptions,
  db: string | undefined,
): Promise<TasksResult> {
  const models = await openLoopModels(tasks, runId, modelIds(settings), {
    budget: settings.budget,
    probe: options.probe !== false,
    ...(options.env ? { env: options.env } : {}),
  });
  for (const message of models.notices) options.notice?.(message);
  const [proposer, solver] = models.handles as [ModelHandle, ModelHandle];
  const failures = settings.failuresFrom ? readFailures(db, settings.failuresFrom) : [];
  const state = restoreState(tasks, runId, settings);
  const result = (stopReason: TasksResult['stopReason'], message?: string): TasksResult => {
    const all = tasks.tasks(runId);
    const kept = all.filter((proposal) => proposal.kept).length;
    return { runId, proposals: all.length, kept, rejected: all.length - kept, stopReason, ...(message ? { message } : {}) };
  };
  for (let seq = tasks.nextSeq(runId); seq < settings.proposals; seq++) {
    if (options.signal?.aborted) {
      tasks.appendEvent(runId, 'stopped', { reason: 'interrupted', seq });
      return result('interrupted');
    }
    try {
      const proposal = await propose(seq, { tasks, runId, settings, options, state, proposer, solver, failures });
      afterOutcome(state, settings, proposal);
      options.onProposal?.(proposal);
    } catch (error) {
      if (!(error instanceof ModelCallError && error.kind === 'budget')) throw error;
      tasks.appendEvent(runId, 'stopped', { reason: 'budget', seq, message: error.message });
      return result('budget', error.message);
    }
  }
  tasks.appendEvent(runId, 'finished', { proposals: settings.proposals });
  return result('done');
}

/** The failures SwS aims at: a flywheel run's failed samples, or (`dgm:<run>`) the tasks a DGM run's agents left unresolved. */
function readFailures(db: string | undefined, from: string): SolverFailure[] {
  if (from.startsWith('dgm:')) {
    const runId = from.slice('dgm:'.length);
    const { run, agents } = readDgmRun(db ?? DEFAULT_DB_FILE, runId);
    const failures = failuresFromDgm({ getDgmRun: () => run, agents: () => agents }, runId);
    if (failures.length === 0) {
      throw new OuroError('option-invalid', `--failures-from: DGM run ${runId} has no unresolved task whose statement can be read`, {
        field: 'failuresFrom',
      });
    }
    return failures;
  }
  return readFlywheelFailures(db, from);
}

function readFlywheelFailures(db: string | undefined, flywheelRun: string): SolverFailure[] {
  const { store, flywheel } = openFlywheel(db, true);
  try {
    if (!flywheel.getRun(flywheelRun))
      throw new OuroError('run-unknown', `--failures-from: no flywheel run ${flywheelRun} in ${store.location}`, { field: 'failuresFrom' });
    const failures = failuresFromFlywheel(flywheel, flywheelRun);
    if (failures.length === 0)
      throw new OuroError('option-invalid', `--failures-from: flywheel run ${flywheelRun} has no failed sample to aim at`, {
        field: 'failuresFrom',
      });
    return failures;
  } finally {
    store.close();
  }
}

interface ProposeContext {
  tasks: TasksStore;
  runId: string;
  settings: TasksSettings;
  options: TasksOptions;
  state: LoopState;
  proposer: ModelHandle;
  solver: ModelHandle;
  failures: readonly SolverFailure[];
}

/** One proposal from pick to stored outcome. */
async function propose(seq: number, context: ProposeContext): Promise<StoredProposal> {
  const { tasks, runId, settings, state } = context;
  const parent = state.ladder[0];
  let category: Category;
  let step: { before: CurriculumSnapshot; weights: Record<string, number> } | undefined;
  if (parent !== undefined) {
    category = { generator: 'ladder', difficulty: parent.category.difficulty, topic: parent.category.topic };
  } else {
    const taken = state.stepOfSeq.get(seq);
    if (taken !== undefined) {
      // Picked and rewarded before a crash: the curriculum already holds this step.
      category = categoryOf(taken.category);
    } else {
      step = { before: state.curriculum.snapshot(), weights: state.curriculum.weights() };
      category = state.curriculum.pick();
    }
  }
  const failure = category.generator === 'sws' ? context.failures[seq % context.failures.length] : undefined;
  const generated = await generateTask({
    kind: category.generator,
    category,
    model: context.proposer,
    seq,
    temperature: settings.proposerTemperature,
    ...(parent ? { parent } : {}),
    ...(failure ? { failures: [failure] } : {}),
  });
  let outcome: ProposalOutcome;
  let attempts: Attempt[] = [];
  let reward = 0;
  if ('rejection' in generated.outcome) {
    const validation: Validation = { kept: false, reason: 'unparseable', detail: generated.outcome.rejection.detail, checks: [] };
    outcome = { category, reply: generated.reply, validation };
  } else {
    const task = generated.outcome.task;
    let validation = await validateTask(task, state.kept, { ...context.options.validate, ...(settings.unsafe ? { unsafe: true } : {}) });
    if (validation.kept) {
      attempts = await solveAttempts(task, {
        runId,
        store: tasks,
        model: context.solver,
        attempts: settings.attempts,
        concurrency: settings.concurrency,
        temperature: settings.solverTemperature,
        ...(settings.unsafe ? { unsafe: true } : {}),
      });
      const passed = attempts.filter((attempt) => attempt.passed).length;
      const passRate = passed / attempts.length;
      const learnable = learnabilityOf(passRate, settings.bounds);
      reward = absoluteAdvantage(attempts.map((attempt) => (attempt.passed ? 1 : 0)));
      if (!learnable.keep) {
        const detail =
          `the solver passed ${passed} of ${attempts.length} attempts (${passRate.toFixed(2)}), ` +
          `outside (${settings.bounds.low}, ${settings.bounds.high}): ` +
          (learnable.reason === 'too-easy' ? 'nothing left to learn' : 'nothing to learn from yet');
        validation = { ...validation, kept: false, ...(learnable.reason ? { reason: learnable.reason } : {}), detail };
      }
    }
    outcome = { task, validation };
  }
  if (step !== undefined) {
    state.curriculum.update(category, reward);
    tasks.recordCurriculum(runId, {
      step: state.curriculum.step - 1,
      snapshot: { curriculum: step.before, seq },
      weights: step.weights,
      category: categoryKey(category),
      reward,
    });
  }
  if (settings.game === 'proposer-solver') {
    tasks.recordEpisode(runId, {
      seq,
      game: 'proposer-solver',
      data: episodeOf(outcome, attempts, settings, context.solver.id),
      createdAt: Date.now(),
    });
  }
  // The outcome last: the record that says this proposal is done.
  tasks.recordTask(runId, seq, outcome);
  return tasks.tasks(runId).find((stored) => stored.seq === seq) as StoredProposal;
}

function categoryOf(key: string): Category {
  const [generator, difficulty, ...topic] = key.split('/');
  return { generator, difficulty, topic: topic.join('/') } as Category;
}

/** The proposer-solver episode: the proposer's learnability reward and the solver's verified attempts (replies included). */
function episodeOf(outcome: ProposalOutcome, attempts: readonly Attempt[], settings: TasksSettings, solver: string): ProposerSolverEpisode {
  const passed = attempts.filter((attempt) => attempt.passed).length;
  const proposerReward = attempts.length === 0 ? 0 : learnabilityOf(passed / attempts.length, settings.bounds).reward;
  if (!('task' in outcome)) {
    // A reply that did not parse is an episode too: the proposer earned nothing, and the solver was not asked.
    return proposerSolverEpisode({
      taskId: `unparsed-${categoryKey(outcome.category)}`,
      category: outcome.category,
      proposerReward,
      model: solver,
      prompt: '',
      replies: [],
    });
  }
  const task = toFlywheelTask(outcome.task);
  const [system, user] = solverMessages(task).length === 2 ? solverMessages(task) : [undefined, ...solverMessages(task)];
  return proposerSolverEpisode({
    taskId: outcome.task.id,
    category: outcome.task.category,
    proposerReward,
    model: solver,
    prompt: user?.content ?? task.prompt,
    ...(system ? { system: system.content } : {}),
    ...(attempts.length > 0 ? { verifier: chooseVerifier(task, solverVerifiers())?.name } : {}),
    replies: attempts
      .filter((attempt) => attempt.text !== '')
      .map((attempt) => ({ index: attempt.index, passed: attempt.passed, text: attempt.text, detail: attempt.detail })),
  });
}
