// Replays real model samples (the ESC release's GPT-3.5 answers to Last Letters) through
// selfConsistency with each stopping rule: once in the stored order, and over seeded
// permutations of each question's samples, since an early-stopping rule's cost depends on order.
import { Rng } from '../src/core/rng.ts';
import { selfConsistency } from '../src/infer/self-consistency.ts';
import type { StoppingOptions } from '../src/infer/stopping.ts';
import { lastLettersAnswer, lettersOnly, readRecordedSamples, replaySampler, type RecordedQuestion } from './esc-samples.ts';

export const REAL_CONFIGS: Array<{ name: string; stop: StoppingOptions }> = [
  { name: 'single sample (fixed N=1)', stop: { rule: 'fixed', samples: 1 } },
  { name: 'SC, fixed N=40', stop: { rule: 'fixed', samples: 40 } },
  { name: 'ESC, window 5, max 40', stop: { rule: 'esc', window: 5, maxSamples: 40 } },
  { name: 'ASC, Beta, threshold 0.95, max 40', stop: { rule: 'asc', threshold: 0.95, maxSamples: 40 } },
  {
    name: 'ASC, Dirichlet (500 draws), threshold 0.95, max 40',
    stop: { rule: 'asc', threshold: 0.95, maxSamples: 40, model: 'dirichlet', draws: 500 },
  },
  // The release has no log-probabilities, so the probe's confidence is unknown: difficulty 0.5.
  { name: 'DSC, one-sample probe, easy <= 0.2, window 4, max 40', stop: { rule: 'dsc', window: 4, maxSamples: 40, easyAtMost: 0.2 } },
];

/** One pass over every question: accuracy and mean samples drawn per question. */
export interface Pass {
  accuracy: number;
  samples: number;
}

export interface RealRow {
  name: string;
  /** The samples in the order the release stored them. */
  stored: Pass;
  /** One pass per permutation seed, in seed order. */
  shuffled: Pass[];
}

export interface RealInfer {
  rows: RealRow[];
  questions: number;
  samplesPerQuestion: number;
  /** Replies with no answer by the extractor's convention, of all replies. */
  unanswered: number;
  total: number;
  /** Gold answers that are not already lower-case a-z (compared in that form). */
  goldRewritten: Array<{ line: number; gold: string; compared: string }>;
}

async function pass(
  questions: RecordedQuestion[],
  stop: StoppingOptions,
  orderOf: (question: RecordedQuestion) => number[] | undefined,
): Promise<Pass> {
  let right = 0;
  let drawn = 0;
  for (const question of questions) {
    const result = await selfConsistency(replaySampler(question, orderOf(question)), question.question, {
      extract: lastLettersAnswer,
      stop,
    });
    if (result.answer === lettersOnly(question.gold)) right++;
    drawn += result.samples.length;
  }
  return { accuracy: right / questions.length, samples: drawn / questions.length };
}

/** A seeded permutation of one question's sample indices, the same for every method. */
function permutation(question: RecordedQuestion, seed: number): number[] {
  return Rng.fromSeed(seed * 100_003 + question.line).shuffle(question.samples.map((_, index) => index));
}

/**
 * Measures every method of `REAL_CONFIGS` on a file of recorded samples, in stored order and
 * under each permutation seed.
 *
 * @example
 * const real = await measureInferReal(ESC_LAST_LETTERS_FILE, [1, 2, 3]);
 * real.rows[1].stored.accuracy; // fixed N=40, stored order
 */
export async function measureInferReal(file: string, seeds: number[]): Promise<RealInfer> {
  const questions = readRecordedSamples(file);
  const total = questions.reduce((sum, question) => sum + question.samples.length, 0);
  const unanswered = questions.reduce(
    (sum, question) => sum + question.samples.filter((sample) => lastLettersAnswer(sample) === undefined).length,
    0,
  );
  const rows: RealRow[] = [];
  for (const config of REAL_CONFIGS) {
    const stored = await pass(questions, config.stop, () => undefined);
    const shuffled: Pass[] = [];
    for (const seed of seeds) shuffled.push(await pass(questions, config.stop, (question) => permutation(question, seed)));
    rows.push({ name: config.name, stored, shuffled });
  }
  return {
    rows,
    questions: questions.length,
    samplesPerQuestion: Math.max(...questions.map((question) => question.samples.length)),
    unanswered,
    total,
    goldRewritten: questions
      .filter((question) => lettersOnly(question.gold) !== question.gold)
      .map((question) => ({ line: question.line, gold: question.gold, compared: lettersOnly(question.gold) })),
  };
}
