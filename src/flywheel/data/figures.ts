/**
 * A round's figures in the terms of B-STaR (Zeng et al., 2024, "B-STaR: Monitoring and Balancing
 * Exploration and Exploitation in Self-Taught Reasoners"): exploration, how many different correct
 * replies the model can still produce, and exploitation, how much of what the verifier lets through
 * is right. The paper found both falling over self-training rounds; these figures are what the
 * loop watches for that, and what `adaptSettings` and `collapseCheck` read.
 */
import type { FlywheelTask, Sample, SftExample, Verdict, VerifierName } from '../types.ts';
import { VERIFIER_STRENGTH } from '../types.ts';
import { answerOf, decidingVerdicts, judgeByTask, passed, responseOf, sampleKey, WEAK_VERIFIERS } from './judged.ts';
import { passAtK } from './pass-at-k.ts';

export interface RoundFigures {
  round: number;
  /** Tasks with at least one checked reply: the tasks every per-task mean below is taken over. */
  tasks: number;
  /** Replies to the listed tasks. */
  samples: number;
  /** Replies a verifier checked. */
  checked: number;
  /** The K of `passAtK`. */
  k: number;
  // Exploration.
  /** Mean over tasks of the unbiased pass@1, c / n. */
  passAt1: number;
  /** Mean over tasks of the unbiased pass@K (a task with fewer than K checked replies counts with k = n). */
  passAtK: number;
  /** Mean over tasks of the distinct final answers among passing replies (at most 1 on a task with one right answer). */
  distinctCorrectAnswers: number;
  /** Mean over tasks of the distinct passing replies, whitespace aside: B-STaR's "unique correct responses". */
  distinctCorrectResponses: number;
  /** Distinct final answers over replies, summed over tasks; replies with no answer read count in the denominator only. */
  answerDiversity: number;
  // Exploitation.
  /** Kept examples passed in as `selected`. */
  kept: number;
  /** Kept examples that came from a reply with a verdict: the ones `selectedAccuracy` is over. */
  keptChecked: number;
  /** The share of `keptChecked` whose deciding verdict passed; undefined when there is none. */
  selectedAccuracy?: number;
  /** The verifiers behind `selectedAccuracy`, strongest first. */
  accuracyVerifiers: VerifierName[];
  /** Set when a weak verifier (a judge, self-consistency) decided any kept example: then the accuracy is agreement, not truth. */
  accuracyNote?: string;
  /** Mean over tasks of min(distinct correct replies / targetDistinct, 1) x (correct kept / kept); see `roundFigures`. */
  balance: number;
  /** Every verdict given to the listed tasks' replies, by verifier. */
  verifiers: Partial<Record<VerifierName, { checked: number; passed: number }>>;
  keptByOrigin: Record<SftExample['origin'], number>;
}

export interface FigureOptions {
  /** The round the figures describe. Default: the first sample's round, or 0. */
  round?: number;
  /** The K of pass@K. Default: the most checked replies any task has. */
  k?: number;
  /** B-STaR's n*: distinct correct replies per task that count as full exploration. Default ceil(K / 2). */
  targetDistinct?: number;
}

/**
 * The figures of one round. `selected` is what the loop kept (from `selectStar` or `selectRest`);
 * a kept example is judged by the deciding verdict of the reply it came from, which is worth
 * most when the verdicts include a stronger verifier than the one selection used.
 *
 * The balance figure follows the idea of B-STaR's balance score, in our own form: per task,
 * exploration is min(u / n*, 1), with u the distinct correct replies and n* `targetDistinct`, and
 * exploitation is the share of the task's checked kept examples that are correct (0 when none was
 * kept); their product is 1 only for a task with enough distinct correct replies and nothing
 * wrong kept, and the figure is its mean over tasks.
 *
 * @example
 * const figures = roundFigures(tasks, samples, verdicts, selectRest(tasks, samples, verdicts, { maxPerTask: 4 }).examples);
 * figures.passAtK; figures.selectedAccuracy; figures.balance;
 */
export function roundFigures(
  tasks: readonly FlywheelTask[],
  samples: readonly Sample[],
  verdicts: readonly Verdict[],
  selected: readonly SftExample[],
  options: FigureOptions = {},
): RoundFigures {
  const listed = new Set(tasks.map((task) => task.id));
  const byTask = judgeByTask(
    samples.filter((sample) => listed.has(sample.taskId)),
    verdicts,
  );
  const checkedPerTask = [...byTask.values()].map((judged) => judged.filter((entry) => entry.verdict !== undefined));
  const k = options.k ?? Math.max(1, ...checkedPerTask.map((judged) => judged.length));
  const targetDistinct = options.targetDistinct ?? Math.ceil(k / 2);
  const keptByTask = keptCorrectness(selected, decidingVerdicts(verdicts));

  let judgedTasks = 0;
  let sampleCount = 0;
  let checked = 0;
  let distinctAnswers = 0;
  const sums = { passAt1: 0, passAtK: 0, correctAnswers: 0, correctResponses: 0, balance: 0 };
  for (const [taskId, judged] of byTask) {
    sampleCount += judged.length;
    distinctAnswers += new Set(judged.map((entry) => answerOf(entry.sample)).filter((answer) => answer !== undefined)).size;
    const checkedReplies = judged.filter((entry) => entry.verdict !== undefined);
    if (checkedReplies.length === 0) continue;
    judgedTasks++;
    checked += checkedReplies.length;
    const correct = checkedReplies.filter(passed);
    const n = checkedReplies.length;
    sums.passAt1 += passAtK(n, correct.length, 1);
    sums.passAtK += passAtK(n, correct.length, Math.min(k, n));
    sums.correctAnswers += new Set(correct.map((entry) => answerOf(entry.sample)).filter((answer) => answer !== undefined)).size;
    const uniqueCorrect = new Set(correct.map((entry) => responseOf(entry.sample))).size;
    sums.correctResponses += uniqueCorrect;
    const kept = keptByTask.get(taskId);
    const exploitation = kept === undefined || kept.checked === 0 ? 0 : kept.correct / kept.checked;
    sums.balance += Math.min(uniqueCorrect / Math.max(1, targetDistinct), 1) * exploitation;
  }
  const mean = (sum: number): number => (judgedTasks === 0 ? 0 : sum / judgedTasks);
  const accuracy = selectedAccuracy(selected, decidingVerdicts(verdicts));
  return {
    round: options.round ?? samples[0]?.round ?? 0,
    tasks: judgedTasks,
    samples: sampleCount,
    checked,
    k,
    passAt1: mean(sums.passAt1),
    passAtK: mean(sums.passAtK),
    distinctCorrectAnswers: mean(sums.correctAnswers),
    distinctCorrectResponses: mean(sums.correctResponses),
    answerDiversity: sampleCount === 0 ? 0 : distinctAnswers / sampleCount,
    kept: selected.length,
    ...accuracy,
    balance: mean(sums.balance),
    verifiers: verifierCounts(verdicts, listed),
    keptByOrigin: originCounts(selected),
  };
}

type Accuracy = Pick<RoundFigures, 'keptChecked' | 'selectedAccuracy' | 'accuracyVerifiers' | 'accuracyNote'>;

function selectedAccuracy(selected: readonly SftExample[], deciding: Map<string, Verdict>): Accuracy {
  let keptChecked = 0;
  let correct = 0;
  const used = new Set<VerifierName>();
  for (const example of selected) {
    const verdict = verdictOf(example, deciding);
    if (verdict === undefined) continue;
    keptChecked++;
    if (verdict.passed) correct++;
    used.add(verdict.verifier);
  }
  const accuracyVerifiers = VERIFIER_STRENGTH.filter((verifier) => used.has(verifier));
  const weak = accuracyVerifiers.filter((verifier) => WEAK_VERIFIERS.has(verifier));
  return {
    keptChecked,
    selectedAccuracy: keptChecked === 0 ? undefined : correct / keptChecked,
    accuracyVerifiers,
    accuracyNote:
      weak.length === 0
        ? undefined
        : `checked in part by ${weak.join(' and ')}, a weak verifier: the share measures agreement with it, not correctness`,
  };
}

function keptCorrectness(
  selected: readonly SftExample[],
  deciding: Map<string, Verdict>,
): Map<string, { checked: number; correct: number }> {
  const byTask = new Map<string, { checked: number; correct: number }>();
  for (const example of selected) {
    const verdict = verdictOf(example, deciding);
    if (verdict === undefined) continue;
    const entry = byTask.get(example.taskId) ?? { checked: 0, correct: 0 };
    entry.checked++;
    if (verdict.passed) entry.correct++;
    byTask.set(example.taskId, entry);
  }
  return byTask;
}

function verdictOf(example: SftExample, deciding: Map<string, Verdict>): Verdict | undefined {
  if (example.index === undefined || example.origin !== 'sample') return undefined;
  return deciding.get(sampleKey(example.taskId, example.round, example.index));
}

function verifierCounts(verdicts: readonly Verdict[], listed: ReadonlySet<string>): RoundFigures['verifiers'] {
  const counts: RoundFigures['verifiers'] = {};
  for (const verdict of verdicts) {
    if (!listed.has(verdict.taskId)) continue;
    const entry = (counts[verdict.verifier] ??= { checked: 0, passed: 0 });
    entry.checked++;
    if (verdict.passed) entry.passed++;
  }
  return counts;
}

function originCounts(selected: readonly SftExample[]): RoundFigures['keptByOrigin'] {
  const counts: RoundFigures['keptByOrigin'] = { sample: 0, rationalised: 0, human: 0 };
  for (const example of selected) counts[example.origin]++;
  return counts;
}
