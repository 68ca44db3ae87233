import type { TokenLogprob } from '../core/model.ts';
import { answerOf, extractText, extractorFor, normalizeWhitespace, type ExtractorChoice, type Normalizer } from './extract.ts';
import { checkInteger, messagesFor, samplingOf, Spender } from './spend.ts';
import type { CommonOptions, HaltReason, InferCost, InferInput, ModelSource, Sample } from './types.ts';

export interface SoftSelfConsistencyOptions extends CommonOptions {
  /** Samples to draw (5 by default). */
  samples?: number;
  /** How the answer is read from each reply; the whole reply (`text`) by default, as for agent actions. */
  extract?: ExtractorChoice;
  normalize?: Normalizer;
  /** How a sample's token log-probabilities become one score: `mean` (default), `min` or `sum`. */
  tokens?: 'mean' | 'min' | 'sum';
}

export interface SoftScore {
  answer: string;
  /** The best score among the samples that gave this answer. */
  score: number;
  samples: number[];
}

export interface SoftSelfConsistencyResult {
  /** The highest-scoring answer, or null when no sample gave one. */
  answer: string | null;
  text: string | null;
  /** Each distinct answer with its score, best first. */
  scores: SoftScore[];
  samples: Array<Sample & { score: number }>;
  stopReason: 'samples' | HaltReason;
  halted?: HaltReason;
  cost: InferCost;
}

/** One sample's likelihood score from its token log-probabilities. */
export function sequenceScore(logprobs: readonly TokenLogprob[], aggregate: 'mean' | 'min' | 'sum' = 'mean'): number {
  if (logprobs.length === 0) return Number.NEGATIVE_INFINITY;
  if (aggregate === 'min') return Math.min(...logprobs.map((token) => token.logprob));
  const sum = logprobs.reduce((total, token) => total + token.logprob, 0);
  return aggregate === 'sum' ? sum : sum / logprobs.length;
}

/**
 * Soft self-consistency (Wang et al., 2024): instead of counting votes, each distinct answer is
 * scored by the likelihood the model gave it, by default the mean token log-probability of its
 * best sample, so that a sure answer can win even when sampled once. Needs a provider that
 * returns log-probabilities (OpenAI, OpenAI-compatible servers that implement them) and says so
 * clearly when it does not.
 *
 * @example
 * const result = await softSelfConsistency(model, 'Next shell command to list hidden files?', { samples: 4 });
 * result.answer; // the most likely command
 */
export async function softSelfConsistency(
  source: ModelSource,
  input: InferInput,
  options: SoftSelfConsistencyOptions = {},
): Promise<SoftSelfConsistencyResult> {
  const count = options.samples ?? 5;
  checkInteger('softSelfConsistency', 'samples', count, 1);
  const extract = extractorFor(options.extract, extractText);
  const normalize = options.normalize ?? normalizeWhitespace;
  const spender = new Spender('softSelfConsistency', source, options);
  spender.checkLogprobs();
  const messages = messagesFor(input, options.system);
  const samples: SoftSelfConsistencyResult['samples'] = [];
  let halted: HaltReason | undefined;
  while (samples.length < count) {
    const outcome = await spender.call({ messages, purpose: 'sample', logprobs: true, ...samplingOf(options) });
    if (!outcome.ok) {
      halted = outcome.halt;
      break;
    }
    const { reply } = outcome;
    const answer = answerOf(reply.text, extract, normalize);
    samples.push({
      index: samples.length,
      text: reply.text,
      usage: reply.usage,
      costUsd: reply.costUsd,
      score: sequenceScore(reply.logprobs ?? [], options.tokens),
      ...(answer === undefined ? {} : { answer }),
      ...(reply.logprobs === undefined ? {} : { logprobs: reply.logprobs }),
    });
  }
  const byAnswer = new Map<string, SoftScore>();
  for (const sample of samples) {
    if (sample.answer === undefined) continue;
    const entry = byAnswer.get(sample.answer);
    if (!entry) byAnswer.set(sample.answer, { answer: sample.answer, score: sample.score, samples: [sample.index] });
    else {
      entry.samples.push(sample.index);
      entry.score = Math.max(entry.score, sample.score);
    }
  }
  // Ties go to the answer seen first (Map order is first-seen order and the sort is stable).
  const scores = [...byAnswer.values()].sort((a, b) => b.score - a.score);
  const winner = scores[0];
  return {
    answer: winner?.answer ?? null,
    text:
      winner === undefined
        ? null
        : (samples.find((sample) => sample.answer === winner.answer && sample.score === winner.score)?.text ?? null),
    scores,
    samples,
    stopReason: halted ?? 'samples',
    ...(halted === undefined ? {} : { halted }),
    cost: { ...spender.cost },
  };
}
