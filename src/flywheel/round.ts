/**
 * One flywheel round: sample (only what is missing), verify (only what has no verdict), select,
 * pair, measure, check for collapse and export. Every step reads the store first, so a round cut
 * short by a crash or `kill -9` carries on where it stopped.
 */
import { join } from 'node:path';
import type { ModelHandle } from '../core/model.ts';
import { Rng } from '../core/rng.ts';
import {
  acceptRationalised,
  adaptSettings,
  collapseCheck,
  dpoPairs,
  exportPairs,
  exportSft,
  rationalisationPrompt,
  type RoundFigures,
  roundFigures,
  scpoPairs,
  selectRest,
  selectStar,
  spinPairs,
} from './data/index.ts';
import { missingJobs, runSampleJobs, taskMessages } from './sampling.ts';
import type { FlywheelSettings } from './settings.ts';
import type { FlywheelStore, StoredRound, StoredSample } from './store.ts';
import type { TaskSplit } from './tasks.ts';
import { roundTasks } from './tasks.ts';
import type { FlywheelTask, PreferencePair, SftExample, Verdict, Verifier } from './types.ts';
import { chooseVerifier, mapWithLimit } from './verify/index.ts';

export interface RoundInput {
  runId: string;
  round: number;
  settings: FlywheelSettings;
  split: TaskSplit;
  store: FlywheelStore;
  model: ModelHandle;
  verifiers: readonly Verifier[];
  /** The rounds stored before this one, oldest first. */
  history: readonly StoredRound[];
  /** Tasks verified at once (1 by default; a fleet runs many). */
  verifyConcurrency?: number;
}

/** The figures a round stores: B-STaR's, plus what the loop adds. */
export interface StoredFigures extends RoundFigures {
  temperature: number;
  heldOutAccuracy?: number;
  heldOutTasks: number;
  pairs: number;
  human: number;
  adaptation?: string;
  tokens: number;
  costUsd: number;
}

/** K and the temperature of round `round`: the settings', moved by `adaptSettings` when `adapt` is on. */
export function samplingOf(
  settings: FlywheelSettings,
  history: readonly StoredRound[],
): { k: number; temperature: number; reason?: string } {
  let current = { k: settings.k, temperature: settings.temperature };
  if (!settings.adapt) return current;
  let reason: string | undefined;
  for (let index = 1; index <= history.length; index++) {
    const figures = history.slice(0, index).map((round) => round.figures as unknown as StoredFigures);
    const adapted = adaptSettings(figures, current);
    current = { k: adapted.k, temperature: adapted.temperature };
    reason = adapted.reason;
  }
  return { ...current, ...(reason ? { reason } : {}) };
}

/** Runs (or finishes) one round and returns what to store for it; the caller records it. */
export async function runRound(input: RoundInput): Promise<StoredRound> {
  const { runId, round, settings, split, store, model } = input;
  const sampling = samplingOf(settings, input.history);
  const tasks = roundTasks(split.train, settings.tasksPerRound, settings.seed, round);
  const record = (sample: StoredSample): void => store.recordSample(runId, sample);
  const have = store.samples(runId, round);
  const jobs = [
    ...missingJobs(tasks, sampling.k, 'train', 'sample', sampling.temperature, have),
    // Held-out tasks are scored greedily, once each: the accuracy the collapse guard watches.
    ...missingJobs(split.heldOut, 1, 'heldout', 'sample', 0, have),
  ];
  await runSampleJobs(jobs, { model, round, concurrency: settings.concurrency, operator: 'sample', store: record });
  await verifyMissing(input, [...tasks, ...split.heldOut]);

  const samples = store.samples(runId, round);
  const plain = samples.filter((sample) => sample.kind === 'sample' && sample.split === 'train');
  let verdicts = store.verdicts(runId, round);
  let examples: SftExample[];
  if (settings.method === 'star') {
    const selection = selectStar(tasks, plain, verdicts);
    examples = [...selection.examples, ...(await rationalise(input, selection.needsRationalisation, sampling.temperature))];
  } else {
    examples = selectRest(tasks, plain, verdicts, { maxPerTask: settings.maxPerTask }).examples;
  }
  const human = humanExamples(tasks, examples.length, settings, round);
  examples = [...examples, ...human];
  verdicts = store.verdicts(runId, round);
  const pairs: PreferencePair[] = [
    ...(settings.pairs.includes('dpo') ? dpoPairs(tasks, plain, verdicts) : []),
    ...(settings.pairs.includes('spin') ? spinPairs(tasks, plain) : []),
    ...(settings.pairs.includes('scpo') ? scpoPairs(tasks, plain) : []),
  ];
  // Selection is a pure function of stored samples and verdicts: a resumed round gets the same.
  if (store.examples(runId, round).length === 0 && store.pairs(runId, round).length === 0) {
    store.recordSelection(runId, round, examples, pairs);
  }

  const figures: StoredFigures = {
    ...roundFigures(tasks, plain, verdicts, examples, { round, k: sampling.k }),
    temperature: sampling.temperature,
    ...heldOutAccuracy(split.heldOut, samples, verdicts),
    pairs: pairs.length,
    human: human.length,
    ...(sampling.reason ? { adaptation: sampling.reason } : {}),
    tokens: samples.reduce((sum, sample) => sum + sample.tokens, 0),
    costUsd: samples.reduce((sum, sample) => sum + sample.costUsd, 0),
  };
  const health = [...input.history.map((stored) => stored.figures as unknown as StoredFigures), figures].map((entry) => ({
    round: entry.round,
    answerDiversity: entry.answerDiversity,
    ...(entry.heldOutAccuracy === undefined ? {} : { heldOutAccuracy: entry.heldOutAccuracy }),
  }));
  const verdict = collapseCheck(health, { maxHeldOutDrop: settings.maxHeldOutDrop, minDiversity: settings.minDiversity });
  const exports = await writeExports(input, tasks, examples, pairs, figures);
  return {
    round,
    model: model.id,
    status: verdict.collapsed ? 'flagged' : 'complete',
    figures: figures as unknown as Record<string, unknown>,
    exports,
    ...(verdict.collapsed ? { message: verdict.reason } : {}),
    createdAt: Date.now(),
  };
}

/** Verifies every task whose samples lack a verdict, with the strongest verifier that accepts it. */
async function verifyMissing(input: RoundInput, tasks: readonly FlywheelTask[]): Promise<void> {
  const { runId, round, store } = input;
  const samples = store.samples(runId, round).filter((sample) => sample.kind === 'sample');
  const judged = new Set(store.verdicts(runId, round).map((verdict) => `${verdict.taskId}\0${verdict.index}`));
  const byTask = new Map<string, StoredSample[]>();
  for (const sample of samples) byTask.set(sample.taskId, [...(byTask.get(sample.taskId) ?? []), sample]);
  const work = tasks.flatMap((task) => {
    const mine = byTask.get(task.id) ?? [];
    const verifier = chooseVerifier(task, input.verifiers);
    const missing = mine.some((sample) => !judged.has(`${sample.taskId}\0${sample.index}`));
    return missing && verifier !== undefined ? [{ task, mine, verifier }] : [];
  });
  // Each task's verdicts are stored as they arrive, so a crash keeps every task already checked.
  await mapWithLimit(work, input.verifyConcurrency ?? 1, async ({ task, mine, verifier }) => {
    // Self-consistency reads all of a task's samples at once; only the verdicts still missing are written.
    const verdicts = await verifier.verify(task, mine);
    store.recordVerdicts(
      runId,
      verdicts.filter((verdict) => !judged.has(`${verdict.taskId}\0${verdict.index}`)),
    );
  });
}

/** STaR's rationalisation: each failed task asked again with its answer as a hint; replies that reach it are kept, hint stripped. */
async function rationalise(input: RoundInput, tasks: readonly FlywheelTask[], temperature: number): Promise<SftExample[]> {
  const { runId, round, store, model, settings } = input;
  const have = store.samples(runId, round);
  const jobs = missingJobs(tasks, 1, 'train', 'rationalised', temperature, have).map((job) => ({
    ...job,
    messages: taskMessages(job.task, rationalisationPrompt(job.task)),
  }));
  await runSampleJobs(jobs, {
    model,
    round,
    concurrency: settings.concurrency,
    operator: 'rationalise',
    store: (sample) => store.recordSample(runId, sample),
  });
  const replies = store.samples(runId, round).filter((sample) => sample.kind === 'rationalised');
  const kept: SftExample[] = [];
  for (const task of tasks) {
    const reply = replies.find((sample) => sample.taskId === task.id);
    const verifier = chooseVerifier(task, input.verifiers);
    if (reply === undefined || verifier === undefined) continue;
    const check = async (_task: FlywheelTask, text: string): Promise<boolean> => {
      const [verdict] = await verifier.verify(task, [{ ...reply, text }]);
      return verdict?.passed === true;
    };
    const example = await acceptRationalised(task, reply.text, check, { round, index: reply.index, verifier: verifier.name });
    if (example) kept.push(example);
  }
  return kept;
}

/** Real data mixed in: reference solutions of tasks that have one, so that they make `humanShare` of the SFT export. */
function humanExamples(tasks: readonly FlywheelTask[], selected: number, settings: FlywheelSettings, round: number): SftExample[] {
  if (settings.humanShare <= 0) return [];
  const wanted = Math.round((settings.humanShare * selected) / (1 - settings.humanShare));
  const withSolution = tasks.filter((task) => task.solution !== undefined && task.solution.trim() !== '');
  const rng = Rng.fromSeed(((settings.seed >>> 0) ^ Math.imul(round + 7, 0x85ebca6b)) >>> 0);
  return rng
    .shuffle([...withSolution])
    .slice(0, wanted)
    .map((task) => ({
      taskId: task.id,
      round,
      ...(task.system ? { system: task.system } : {}),
      prompt: task.prompt,
      completion: task.solution as string,
      origin: 'human' as const,
    }));
}

function heldOutAccuracy(
  heldOut: readonly FlywheelTask[],
  samples: readonly StoredSample[],
  verdicts: readonly Verdict[],
): { heldOutAccuracy?: number; heldOutTasks: number } {
  if (heldOut.length === 0) return { heldOutTasks: 0 };
  const ids = new Set(heldOut.map((task) => task.id));
  const scored = samples.filter((sample) => sample.split === 'heldout' && sample.kind === 'sample' && ids.has(sample.taskId));
  const passed = scored.filter((sample) =>
    verdicts.some((verdict) => verdict.taskId === sample.taskId && verdict.index === sample.index && verdict.passed),
  ).length;
  return { heldOutAccuracy: passed / heldOut.length, heldOutTasks: heldOut.length };
}

async function writeExports(
  input: RoundInput,
  tasks: readonly FlywheelTask[],
  examples: readonly SftExample[],
  pairs: readonly PreferencePair[],
  figures: RoundFigures,
): Promise<StoredRound['exports']> {
  const { settings, round, split } = input;
  const folder = join(settings.exportDir, `round-${round}`);
  const heldOut = new Set(split.heldOut.map((task) => task.id));
  const filters = [
    settings.method === 'star'
      ? 'STaR: every passing reply, and rationalised replies (hint stripped) that reach the answer'
      : `ReST-EM: at most ${settings.maxPerTask} distinct passing replies per task, near-duplicates dropped`,
    ...(settings.humanShare > 0 ? [`human data: reference solutions, ${settings.humanShare} of the export`] : []),
  ];
  const card = { round, model: input.model.id, tasks, filters, roundVerifiers: figures.verifiers };
  // The round's own folder: a resumed round rewrites what a crash may have left half done.
  const exports: StoredRound['exports'] = {};
  const sft = await exportSft(join(folder, 'sft.jsonl'), examples, settings.formats.sft, { heldOut, force: true, card });
  exports.sft = { file: sft.path, sha256: sft.sha256, rows: sft.lines };
  if (pairs.length > 0) {
    const written = await exportPairs(join(folder, 'pairs.jsonl'), pairs, settings.formats.pairs, { heldOut, force: true, card });
    exports.pairs = { file: written.path, sha256: written.sha256, rows: written.lines };
  }
  return exports;
}
