import { OuroError } from '../core/errors.ts';
import type { TokenLogprob } from '../core/model.ts';
import { answerOf, extractText, extractorFor, normalizeWhitespace, type ExtractorChoice, type Normalizer } from './extract.ts';
import { checkInteger, messagesFor, samplingOf, Spender } from './spend.ts';
import type { CommonOptions, HaltReason, InferCost, InferInput, ModelSource, Sample } from './types.ts';
import { tally, type VoteCount } from './vote.ts';

export interface SelfCertaintyOptions extends CommonOptions {
  /** Samples to draw (5 by default). */
  samples?: number;
  /** Alternatives per token to ask for (5 by default; OpenAI allows up to 20). */
  topLogprobs?: number;
  /**
   * `most-certain` (default) returns the single most certain sample. `borda` votes over extracted
   * answers, each sample weighing (N - rank + 1)^power by its certainty rank (rank 1 = most certain).
   */
  select?: 'most-certain' | 'borda';
  /** The Borda exponent (0.5 by default). */
  power?: number;
  extract?: ExtractorChoice;
  normalize?: Normalizer;
}

export interface SelfCertaintyResult {
  answer: string | null;
  text: string | null;
  chosen: number | null;
  selection: 'most-certain' | 'borda';
  samples: Array<Sample & { certainty: number; rank: number }>;
  votes?: VoteCount[];
  stopReason: 'samples' | HaltReason;
  halted?: HaltReason;
  cost: InferCost;
}

/**
 * Self-certainty of one reply (Kang et al., 2025): the mean over its tokens of KL(U || p), the
 * divergence of the model's next-token distribution from uniform. The API gives only the top-k
 * alternatives, so p is that top-k renormalised and U is uniform over the same k tokens:
 * KL = log-sum-exp(l) - mean(l) - log k for the k log-probabilities l. It is 0 for a flat
 * distribution and grows as the model is surer.
 */
export function selfCertainty(logprobs: readonly TokenLogprob[]): number {
  let total = 0;
  for (const token of logprobs) {
    const values = (token.topLogprobs ?? []).map((alternative) => alternative.logprob);
    if (values.length === 0)
      throw new OuroError('option-invalid', 'selfCertainty needs the top-k log-probabilities of every token', { field: 'topLogprobs' });
    const top = Math.max(...values);
    const logSum = top + Math.log(values.reduce((sum, value) => sum + Math.exp(value - top), 0));
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    total += logSum - mean - Math.log(values.length);
  }
  return logprobs.length === 0 ? 0 : total / logprobs.length;
}

/**
 * Best of N by self-certainty: draws N replies with their top-k token log-probabilities and
 * picks the one the model was surest of, or with `select: 'borda'` combines certainty ranks with
 * votes over extracted answers. Needs top-k log-probabilities and says so where they are missing.
 *
 * @example
 * const result = await selfCertaintyBestOfN(model, 'Prove that 17 is prime.', { samples: 4, topLogprobs: 5 });
 */
export async function selfCertaintyBestOfN(
  source: ModelSource,
  input: InferInput,
  options: SelfCertaintyOptions = {},
): Promise<SelfCertaintyResult> {
  const count = options.samples ?? 5;
  checkInteger('selfCertaintyBestOfN', 'samples', count, 1);
  const topLogprobs = options.topLogprobs ?? 5;
  checkInteger('selfCertaintyBestOfN', 'topLogprobs', topLogprobs, 2, 20);
  const power = options.power ?? 0.5;
  const selection = options.select ?? 'most-certain';
  const extract = extractorFor(options.extract, extractText);
  const normalize = options.normalize ?? normalizeWhitespace;
  const spender = new Spender('selfCertaintyBestOfN', source, options);
  spender.checkLogprobs();
  const messages = messagesFor(input, options.system);
  const drawn: Array<Sample & { certainty: number }> = [];
  let halted: HaltReason | undefined;
  while (drawn.length < count) {
    const outcome = await spender.call({ messages, purpose: 'sample', logprobs: true, topLogprobs, ...samplingOf(options) });
    if (!outcome.ok) {
      halted = outcome.halt;
      break;
    }
    const { reply } = outcome;
    const answer = answerOf(reply.text, extract, normalize);
    drawn.push({
      index: drawn.length,
      text: reply.text,
      usage: reply.usage,
      costUsd: reply.costUsd,
      certainty: selfCertainty(reply.logprobs ?? []),
      ...(answer === undefined ? {} : { answer }),
      ...(reply.logprobs === undefined ? {} : { logprobs: reply.logprobs }),
    });
  }
  // Rank 1 is the most certain; ties keep draw order.
  const order = [...drawn].sort((a, b) => b.certainty - a.certainty || a.index - b.index);
  const ranks = new Map(order.map((sample, position) => [sample.index, position + 1]));
  const samples = drawn.map((sample) => ({ ...sample, rank: ranks.get(sample.index) as number }));
  const base = {
    samples,
    stopReason: halted ?? ('samples' as const),
    ...(halted === undefined ? {} : { halted }),
    cost: { ...spender.cost },
  };
  if (selection === 'borda') {
    const votes = tally(
      samples.map((sample) => sample.answer),
      samples.map((sample) => (samples.length - sample.rank + 1) ** power),
    );
    const winner = votes[0]?.answer;
    const carrier = order.find((sample) => sample.answer === winner);
    return { ...base, answer: winner ?? null, text: carrier?.text ?? null, chosen: carrier?.index ?? null, selection, votes };
  }
  const best = order[0];
  return { ...base, answer: best ? (best.answer ?? best.text) : null, text: best?.text ?? null, chosen: best?.index ?? null, selection };
}
