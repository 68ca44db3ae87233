/**
 * A sneaky-critic self-play run: episodes over coding tasks with references (a task run's kept
 * coding tasks, or a coding benchmark folder), each stored as it ends. A resumed run plays from the
 * first episode it lacks and asks no model twice; `exportGameEpisodes` turns the episodes into SFT
 * examples and preference pairs.
 */
import { randomBytes } from 'node:crypto';
import { type CodingTask, loadBenchmark } from '../../agents/index.ts';
import { OuroError } from '../../core/errors.ts';
import { ModelCallError, type ModelHandle } from '../../core/model.ts';
import { openTasks } from '../open.ts';
import { openLoopModels, probeModels } from '../loop-models.ts';
import type { TasksStore } from '../store.ts';
import type { GeneratedTask } from '../types.ts';
import { playSneakyCritic, SNEAKY_CRITIC_GAME } from './sneaky-critic.ts';

export interface SneakyCriticSettings {
  game: typeof SNEAKY_CRITIC_GAME;
  sneaky: string;
  /** The critic model (the sneaky one when unset: one model playing both sides). */
  critic?: string;
  episodes: number;
  /** Where the tasks come from: a task run's kept coding tasks, or a coding benchmark folder. */
  source: { tasksRun: string } | { bench: string };
  budget: { tokens?: number; costUsd?: number };
  unsafe?: boolean;
}

export interface SelfPlayResult {
  runId: string;
  episodes: number;
  /** Episodes each side won. */
  wins: { sneaky: number; critic: number };
  stopReason: 'done' | 'budget';
  message?: string;
}

/** A benchmark task as a generated coding task, so that the game plays on either. */
function fromBenchmark(task: CodingTask): GeneratedTask {
  return {
    id: task.id,
    title: task.title,
    category: { generator: 'coding', difficulty: task.difficulty, topic: 'benchmark' },
    statement: task.statement,
    code: {
      entry: task.entry,
      stub: task.stub[task.entry] ?? '',
      tests: task.tests,
      reference: task.reference[task.entry] ?? '',
    },
    provenance: { generator: 'coding', model: 'benchmark', prompt: '', reply: '' },
  };
}

function tasksOf(tasks: TasksStore, source: SneakyCriticSettings['source']): GeneratedTask[] {
  if ('bench' in source) return loadBenchmark(source.bench).tasks.map(fromBenchmark);
  if (!tasks.getRun(source.tasksRun)) {
    throw new OuroError('run-unknown', `--tasks: no task run ${source.tasksRun} (see \`ouro tasks ls\`)`, { field: 'tasks' });
  }
  return tasks.keptTasks(source.tasksRun).filter((task) => task.code !== undefined && task.triple === undefined);
}

function checkSettings(settings: SneakyCriticSettings, tasks: readonly GeneratedTask[]): void {
  if (!Number.isInteger(settings.episodes) || settings.episodes < 1) {
    throw new OuroError('option-invalid', `episodes: ${settings.episodes} is not a whole number of at least 1`, { field: 'episodes' });
  }
  if (tasks.length === 0) {
    throw new OuroError('option-invalid', 'sneaky-critic needs coding tasks with a reference, and the source has none', { field: 'tasks' });
  }
}

/** The sneaky model, then the critic (the sneaky one when unset). */
const modelIds = (settings: SneakyCriticSettings): [string, string] => [settings.sneaky, settings.critic ?? settings.sneaky];

/** Starts a sneaky-critic run; the tasks and models are checked before the run exists. */
export async function startSneakyCritic(
  settings: SneakyCriticSettings,
  options: { db?: string; probe?: boolean; env?: NodeJS.ProcessEnv; onEpisode?: (line: string) => void } = {},
): Promise<SelfPlayResult> {
  const { store, tasks } = openTasks(options.db);
  try {
    checkSettings(settings, tasksOf(tasks, settings.source));
    if (options.probe !== false) await probeModels(modelIds(settings), options.env);
    const runId = `s${randomBytes(4).toString('hex')}`;
    tasks.createRun({ id: runId, kind: 'selfplay', settings: settings as unknown as Record<string, unknown>, createdAt: Date.now() });
    return await play(tasks, runId, settings, { ...options, probe: false });
  } finally {
    store.close();
  }
}

/** Carries a sneaky-critic run on; `episodes` and `budget` may be raised. */
export async function resumeSneakyCritic(
  runId: string,
  options: {
    db?: string;
    episodes?: number;
    budget?: SneakyCriticSettings['budget'];
    env?: NodeJS.ProcessEnv;
    onEpisode?: (line: string) => void;
  },
): Promise<SelfPlayResult> {
  const { store, tasks } = openTasks(options.db);
  try {
    const stored = tasks.getRun(runId)?.settings as unknown as SneakyCriticSettings | undefined;
    if (stored?.game !== SNEAKY_CRITIC_GAME) {
      throw new OuroError('run-unknown', `no sneaky-critic run ${runId} in ${store.location} (see \`ouro tasks ls\`)`, { field: 'run' });
    }
    const settings: SneakyCriticSettings = {
      ...stored,
      ...(options.episodes ? { episodes: options.episodes } : {}),
      ...(options.budget ? { budget: { ...stored.budget, ...options.budget } } : {}),
    };
    tasks.appendEvent(runId, 'resumed', { episodes: settings.episodes });
    return await play(tasks, runId, settings, options);
  } finally {
    store.close();
  }
}

async function play(
  tasks: TasksStore,
  runId: string,
  settings: SneakyCriticSettings,
  options: { probe?: boolean; env?: NodeJS.ProcessEnv; onEpisode?: (line: string) => void },
): Promise<SelfPlayResult> {
  const pool = tasksOf(tasks, settings.source);
  checkSettings(settings, pool);
  const models = await openLoopModels(tasks, runId, modelIds(settings), {
    budget: settings.budget,
    probe: options.probe !== false,
    ...(options.env ? { env: options.env } : {}),
  });
  const [sneaky, critic] = models.handles as [ModelHandle, ModelHandle];
  const result = (stopReason: SelfPlayResult['stopReason'], message?: string): SelfPlayResult => {
    const episodes = tasks.episodes(runId);
    const wins = { sneaky: 0, critic: 0 };
    for (const episode of episodes) {
      const data = episode.data as { sneaky?: { reward?: number }; critic?: { reward?: number } };
      wins.sneaky += data.sneaky?.reward ?? 0;
      wins.critic += data.critic?.reward ?? 0;
    }
    return { runId, episodes: episodes.length, wins, stopReason, ...(message ? { message } : {}) };
  };
  for (let seq = tasks.episodes(runId).length; seq < settings.episodes; seq++) {
    const task = pool[seq % pool.length] as GeneratedTask;
    try {
      const episode = await playSneakyCritic({ task, sneaky, critic, seq, ...(settings.unsafe ? { gradeOptions: { unsafe: true } } : {}) });
      tasks.recordEpisode(runId, { seq, game: SNEAKY_CRITIC_GAME, data: episode, createdAt: Date.now() });
      const outcome = episode.critic ? (episode.critic.reward > 0 ? 'won' : 'lost') : 'not asked';
      options.onEpisode?.(`#${seq} ${task.id}: sneaky ${episode.sneaky.verdict}, critic ${outcome}`);
    } catch (error) {
      if (!(error instanceof ModelCallError && error.kind === 'budget')) throw error;
      tasks.appendEvent(runId, 'stopped', { reason: 'budget', seq, message: error.message });
      return result('budget', error.message);
    }
  }
  tasks.appendEvent(runId, 'finished', { episodes: settings.episodes });
  return result('done');
}
