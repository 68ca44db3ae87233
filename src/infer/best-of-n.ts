import { answerOf, extractText, extractorFor, normalizeWhitespace, type ExtractorChoice, type Normalizer } from './extract.ts';
import { checkInteger, messagesFor, samplingOf, Spender } from './spend.ts';
import type { CommonOptions, HaltReason, InferCost, InferInput, ModelSource, Sample } from './types.ts';
import { inputText, verify, type Verdict, type Verifier } from './verifier.ts';
import { tally, type VoteCount } from './vote.ts';

export interface BestOfNOptions extends CommonOptions {
  verifier: Verifier;
  /** Candidates to draw (4 by default). */
  samples?: number;
  /** The score at which a verdict counts as passed, when the verifier does not say (1 by default). */
  passScore?: number;
  /** Stop drawing at the first candidate that passes. */
  stopOnPass?: boolean;
  /**
   * "Verify then vote": instead of the single best-scored candidate, the answer with the most
   * verifier-weighted votes wins (each sample votes for its extracted answer with its score;
   * scores at or below 0 do not vote).
   */
  vote?: boolean;
  /** How answers are read for the vote; the whole reply (`text`) by default. */
  extract?: ExtractorChoice;
  normalize?: Normalizer;
}

export interface ScoredSample extends Sample {
  verdict: Verdict;
}

export interface BestOfNResult {
  /** The chosen reply (best score), or the vote's winning answer; null when nothing was drawn. */
  answer: string | null;
  /** The reply that carried the answer. */
  text: string | null;
  /** Index of that reply among the samples. */
  chosen: number | null;
  selection: 'best-score' | 'weighted-vote';
  samples: ScoredSample[];
  /** The weighted votes, with `vote`. */
  votes?: VoteCount[];
  stopReason: 'samples' | 'passed' | HaltReason;
  halted?: HaltReason;
  cost: InferCost;
}

/**
 * Best of N: draws candidates, scores each with a verifier (a function, an evaluator-like object
 * or an LLM judge) and returns the best-scored one, or with `vote` the answer with the most
 * verifier-weighted votes. Ties go to the earlier candidate.
 *
 * @example
 * const best = await bestOfN(model, 'Write isPrime(n) in JavaScript.', {
 *   samples: 4,
 *   verifier: (reply) => (reply.includes('function isPrime') ? 1 : 0),
 *   stopOnPass: true,
 * });
 */
export async function bestOfN(source: ModelSource, input: InferInput, options: BestOfNOptions): Promise<BestOfNResult> {
  const count = options.samples ?? 4;
  checkInteger('bestOfN', 'samples', count, 1);
  const passScore = options.passScore ?? 1;
  const extract = extractorFor(options.extract, extractText);
  const normalize = options.normalize ?? normalizeWhitespace;
  const spender = new Spender('bestOfN', source, options);
  const messages = messagesFor(input, options.system);
  const text = inputText(input);
  const samples: ScoredSample[] = [];
  let stopReason: BestOfNResult['stopReason'] = 'samples';
  let halted: HaltReason | undefined;

  while (samples.length < count) {
    const outcome = await spender.call({ messages, purpose: 'sample', ...samplingOf(options) });
    if (!outcome.ok) {
      halted = outcome.halt;
      break;
    }
    const { reply } = outcome;
    const index = samples.length;
    const checked = await verify(
      options.verifier,
      reply.text,
      { input: text, index, ...(options.signal ? { signal: options.signal } : {}) },
      spender,
      passScore,
    );
    if (!checked.ok) {
      halted = checked.halt;
      break;
    }
    const answer = answerOf(reply.text, extract, normalize);
    samples.push({
      index,
      text: reply.text,
      usage: reply.usage,
      costUsd: reply.costUsd,
      verdict: checked.verdict,
      ...(answer === undefined ? {} : { answer }),
      ...(reply.logprobs === undefined ? {} : { logprobs: reply.logprobs }),
    });
    if (options.stopOnPass && checked.verdict.passed) {
      stopReason = 'passed';
      break;
    }
  }
  if (halted !== undefined) stopReason = halted;

  const best = samples.reduce<ScoredSample | undefined>(
    (top, sample) => (top === undefined || sample.verdict.score > top.verdict.score ? sample : top),
    undefined,
  );
  const base = { samples, stopReason, ...(halted === undefined ? {} : { halted }), cost: { ...spender.cost } };
  if (options.vote) {
    const votes = tally(
      samples.map((sample) => sample.answer),
      samples.map((sample) => sample.verdict.score),
    );
    const winner = votes[0]?.answer;
    const carrier =
      winner === undefined
        ? undefined
        : samples
            .filter((sample) => sample.answer === winner)
            .reduce((top, sample) => (sample.verdict.score > top.verdict.score ? sample : top));
    if (carrier !== undefined) {
      return { ...base, answer: winner as string, text: carrier.text, chosen: carrier.index, selection: 'weighted-vote', votes };
    }
    // No positively scored answer: fall back to the best-scored reply.
    return {
      ...base,
      answer: best ? (best.answer ?? null) : null,
      text: best?.text ?? null,
      chosen: best?.index ?? null,
      selection: 'best-score',
      votes,
    };
  }
  return { ...base, answer: best?.text ?? null, text: best?.text ?? null, chosen: best?.index ?? null, selection: 'best-score' };
}
