// Replays recorded samples (bench/data/infer-samples.json, synthetic: see its generator) through
// selfConsistency with each stopping rule, and measures accuracy and samples drawn per question.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Rng } from '../src/core/rng.ts';
import { selfConsistency } from '../src/infer/self-consistency.ts';
import type { StoppingOptions } from '../src/infer/stopping.ts';
import type { SampleFunction } from '../src/infer/types.ts';

interface Question {
  id: number;
  kind: string;
  gold: string;
  answers: string[];
  confidences: number[];
}

export interface InferRow {
  name: string;
  /** Accuracy per seed, in seed order. */
  accuracy: number[];
  /** Mean samples per question, per seed. */
  samples: number[];
  /** Accuracy per question kind, pooled over seeds. */
  byKind: Record<string, number>;
}

export const INFER_CONFIGS: Array<{ name: string; stop: StoppingOptions }> = [
  { name: 'single sample (fixed N=1)', stop: { rule: 'fixed', samples: 1 } },
  { name: 'SC, fixed N=40', stop: { rule: 'fixed', samples: 40 } },
  { name: 'ESC, window 5, max 40', stop: { rule: 'esc', window: 5, maxSamples: 40 } },
  { name: 'ESC, window 8, max 40', stop: { rule: 'esc', window: 8, maxSamples: 40 } },
  { name: 'ASC, Beta, threshold 0.95, max 40', stop: { rule: 'asc', threshold: 0.95, maxSamples: 40 } },
  {
    name: 'ASC, Dirichlet (500 draws), threshold 0.95, max 40',
    stop: { rule: 'asc', threshold: 0.95, maxSamples: 40, model: 'dirichlet', draws: 500 },
  },
  {
    name: 'DSC, one-sample confidence probe, easy <= 0.2, window 4, max 40',
    stop: { rule: 'dsc', window: 4, maxSamples: 40, easyAtMost: 0.2 },
  },
];

export function loadInferSamples(): { questions: Question[]; samplesPerQuestion: number } {
  return JSON.parse(readFileSync(resolve(import.meta.dirname, 'data/infer-samples.json'), 'utf8')) as {
    questions: Question[];
    samplesPerQuestion: number;
  };
}

/**
 * Serves one question's recorded samples in an order shuffled by `seed`, as a model sampled at a
 * temperature would give them. The recorded confidence rides on a one-token log-probability, so
 * DSC reads it the way it reads a real model's (exp of the mean token log-probability).
 */
function recordedSampler(question: Question, seed: number): SampleFunction {
  const order = Rng.fromSeed(seed * 100_003 + question.id).shuffle(question.answers.map((_, index) => index));
  let next = 0;
  return async () => {
    const index = order[next++];
    if (index === undefined) throw new Error(`question ${question.id}: asked for more than ${question.answers.length} recorded samples`);
    const answer = question.answers[index] as string;
    return {
      text: `... so the answer is ${answer}.`,
      logprobs: [{ token: answer, logprob: Math.log(question.confidences[index] as number) }],
    };
  };
}

export async function measureInfer(seeds: number[]): Promise<{ rows: InferRow[]; questions: number; kinds: Record<string, number> }> {
  const { questions } = loadInferSamples();
  const kinds: Record<string, number> = {};
  for (const question of questions) kinds[question.kind] = (kinds[question.kind] ?? 0) + 1;
  const rows: InferRow[] = [];
  for (const config of INFER_CONFIGS) {
    const row: InferRow = { name: config.name, accuracy: [], samples: [], byKind: {} };
    const rightByKind: Record<string, number> = {};
    for (const seed of seeds) {
      let right = 0;
      let drawn = 0;
      for (const question of questions) {
        const result = await selfConsistency(recordedSampler(question, seed), `question ${question.id}`, { stop: config.stop });
        const correct = result.answer === question.gold;
        if (correct) right++;
        rightByKind[question.kind] = (rightByKind[question.kind] ?? 0) + (correct ? 1 : 0);
        drawn += result.samples.length;
      }
      row.accuracy.push(right / questions.length);
      row.samples.push(drawn / questions.length);
    }
    for (const [kind, count] of Object.entries(kinds)) row.byKind[kind] = (rightByKind[kind] ?? 0) / (count * seeds.length);
    rows.push(row);
  }
  return { rows, questions: questions.length, kinds };
}
