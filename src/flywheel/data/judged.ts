/**
 * Joins a round's samples to their verdicts, task by task. Every selection, pairing and figure in
 * this folder starts here, so they all agree on which verdict decides a sample and in which order
 * a task's samples are taken.
 */
import { type Sample, type Verdict, VERIFIER_STRENGTH, type VerifierName } from '../types.ts';

/** Verifiers whose pass is an opinion (a judge's, the majority's) rather than a checked fact. */
export const WEAK_VERIFIERS: ReadonlySet<VerifierName> = new Set<VerifierName>(['judge', 'self-consistency']);

/** A sample with the verdict that decides it; `verdict` is undefined when no verifier checked it. */
export interface JudgedSample {
  sample: Sample;
  verdict?: Verdict;
}

/** The key of one sample (and of its verdicts) within a run: task, round and index. */
export function sampleKey(taskId: string, round: number, index: number): string {
  return `${taskId}\u0000${round}\u0000${index}`;
}

/**
 * The deciding verdict of every sample, by `sampleKey`. When several verifiers checked the same
 * sample, the strongest one decides (a reference answer outranks the majority vote); between two
 * verdicts of the same verifier, the first one listed.
 */
export function decidingVerdicts(verdicts: readonly Verdict[]): Map<string, Verdict> {
  const deciding = new Map<string, Verdict>();
  for (const verdict of verdicts) {
    const key = sampleKey(verdict.taskId, verdict.round, verdict.index);
    const held = deciding.get(key);
    if (held === undefined || strength(verdict.verifier) < strength(held.verifier)) deciding.set(key, verdict);
  }
  return deciding;
}

/**
 * The samples of each task, in round then index order, each with its deciding verdict.
 *
 * @example
 * const byTask = judgeByTask(samples, verdicts);
 * const passing = (byTask.get('gsm8k-17') ?? []).filter((judged) => judged.verdict?.passed === true);
 */
export function judgeByTask(samples: readonly Sample[], verdicts: readonly Verdict[]): Map<string, JudgedSample[]> {
  const deciding = decidingVerdicts(verdicts);
  const byTask = new Map<string, JudgedSample[]>();
  for (const sample of samples) {
    const judged: JudgedSample = { sample, verdict: deciding.get(sampleKey(sample.taskId, sample.round, sample.index)) };
    const list = byTask.get(sample.taskId);
    if (list === undefined) byTask.set(sample.taskId, [judged]);
    else list.push(judged);
  }
  for (const list of byTask.values()) list.sort((a, b) => a.sample.round - b.sample.round || a.sample.index - b.sample.index);
  return byTask;
}

/** Whether the sample's deciding verdict passed it. */
export function passed(judged: JudgedSample): boolean {
  return judged.verdict?.passed === true;
}

/** Whether a verifier checked the sample and failed it (an unchecked sample is neither passed nor failed). */
export function failed(judged: JudgedSample): boolean {
  return judged.verdict?.passed === false;
}

/** The sample's final answer as the vote and diversity figures compare it, or undefined when none was read. */
export function answerOf(sample: Sample): string | undefined {
  const answer = sample.answer?.trim();
  return answer === undefined || answer === '' ? undefined : answer;
}

/** The reply with runs of whitespace collapsed, so that two replies differing only in spacing count as one. */
export function responseOf(sample: Sample): string {
  return sample.text.trim().replace(/\s+/g, ' ');
}

function strength(verifier: VerifierName): number {
  const rank = VERIFIER_STRENGTH.indexOf(verifier);
  return rank === -1 ? VERIFIER_STRENGTH.length : rank;
}
