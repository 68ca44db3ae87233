import { answerOf, extractNumber, extractorFor, normalizeWhitespace, type ExtractorChoice, type Normalizer } from './extract.ts';
import { checkInteger, meanTokenProbability, messagesFor, samplingOf, Spender, type Reply } from './spend.ts';
import { stoppingRule, type StopCheck, type StoppingOptions } from './stopping.ts';
import type { CommonOptions, HaltReason, InferCost, InferInput, ModelSource, Sample } from './types.ts';
import { tally, type VoteCount } from './vote.ts';

export interface SelfConsistencyOptions extends CommonOptions {
  /** How the answer is read from each reply: `number` (default), `choice`, `code`, `text`, `{ jsonField }` or a function. */
  extract?: ExtractorChoice;
  /** Applied to each extracted answer before voting; trims and collapses white space by default. */
  normalize?: Normalizer;
  /** When to stop sampling; `{ rule: 'fixed', samples: 5 }` by default. */
  stop?: StoppingOptions;
  /** Samples drawn at once within a batch the rule asks for (1 by default, which keeps replies in order). */
  concurrency?: number;
  /**
   * A sample's confidence in [0, 1], for DSC's difficulty probe. By default exp(mean token
   * log-probability) when the sample carries log-probabilities; ask for them with `logprobs`.
   */
  confidence?: (sample: Sample) => number | undefined;
  /** Ask the model for token log-probabilities with every sample (for the default confidence). */
  logprobs?: boolean;
}

export interface SelfConsistencyResult {
  /** The majority answer, or null when no sample stated one ("no answer"). */
  answer: string | null;
  /** The first sample that gave the majority answer, as the model wrote it. */
  text: string | null;
  votes: VoteCount[];
  samples: Sample[];
  /** Every look the stopping rule took, in order. */
  trace: StopCheck[];
  /** The rule's reason (`fixed-samples`, `window-unanimous`, `leader-settled`, `easy`, `max-samples`) or a halt. */
  stopReason: string;
  /** Set when a budget, the abort signal or the model's ledger cut sampling short. */
  halted?: HaltReason;
  cost: InferCost;
}

/**
 * Self-consistency: samples several replies, extracts an answer from each and returns the
 * majority answer, stopping as the chosen rule says (fixed N, ESC, ASC or DSC).
 *
 * @example
 * const result = await selfConsistency(model, 'Tom has 3 apples and buys 4 more. How many? End with "The answer is N".', {
 *   extract: 'number',
 *   stop: { rule: 'esc', window: 5, maxSamples: 40 },
 *   temperature: 0.7,
 * });
 * result.answer; // '7'
 */
export async function selfConsistency(
  source: ModelSource,
  input: InferInput,
  options: SelfConsistencyOptions = {},
): Promise<SelfConsistencyResult> {
  const rule = stoppingRule(options.stop ?? { rule: 'fixed', samples: 5 });
  const concurrency = options.concurrency ?? 1;
  checkInteger('selfConsistency', 'concurrency', concurrency, 1);
  const extract = extractorFor(options.extract, extractNumber);
  const normalize = options.normalize ?? normalizeWhitespace;
  const confidenceOf = options.confidence ?? ((sample: Sample) => meanTokenProbability(sample.logprobs));
  const spender = new Spender('selfConsistency', source, options);
  if (options.logprobs) spender.checkLogprobs();
  const messages = messagesFor(input, options.system);
  const samples: Sample[] = [];
  const trace: StopCheck[] = [];
  let halted: HaltReason | undefined;

  const toSample = (reply: Reply, index: number): Sample => {
    const answer = answerOf(reply.text, extract, normalize);
    return {
      index,
      text: reply.text,
      usage: reply.usage,
      costUsd: reply.costUsd,
      ...(answer === undefined ? {} : { answer }),
      ...(reply.logprobs === undefined ? {} : { logprobs: reply.logprobs }),
    };
  };

  let check: StopCheck;
  for (;;) {
    check = rule.check({ answers: samples.map((sample) => sample.answer), confidences: samples.map(confidenceOf) });
    trace.push(check);
    if (check.decision === 'stop') break;
    halted = await drawBatch(check.draw ?? 1);
    if (halted !== undefined) break;
  }

  async function drawBatch(count: number): Promise<HaltReason | undefined> {
    for (let done = 0; done < count; ) {
      const size = Math.min(concurrency, count - done);
      const outcomes = await Promise.all(
        Array.from({ length: size }, () =>
          spender.call({ messages, purpose: 'sample', ...samplingOf(options), ...(options.logprobs ? { logprobs: true } : {}) }),
        ),
      );
      for (const outcome of outcomes) {
        if (outcome.ok) samples.push(toSample(outcome.reply, samples.length));
      }
      const stopped = outcomes.find((outcome) => !outcome.ok);
      if (stopped && !stopped.ok) return stopped.halt;
      done += size;
    }
    return undefined;
  }

  const votes = tally(samples.map((sample) => sample.answer));
  const answer = votes[0]?.answer ?? null;
  return {
    answer,
    text: answer === null ? null : (samples.find((sample) => sample.answer === answer)?.text ?? null),
    votes,
    samples,
    trace,
    stopReason: halted ?? check.reason ?? 'stopped',
    ...(halted === undefined ? {} : { halted }),
    cost: { ...spender.cost },
  };
}
