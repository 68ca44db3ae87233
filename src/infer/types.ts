/**
 * Shared shapes of the test-time methods: what they sample from, what they spend, and why they
 * stopped. Every method takes a `ModelSource`, an input and options, and returns its answer
 * with the samples it drew, a trace of its decisions and its cost.
 */
import type { ChatMessage, ModelHandle, TokenLogprob, TokenUsage } from '../core/model.ts';

/** What a method asks of its model for one call. */
export interface SampleRequest {
  messages: ChatMessage[];
  /** Which step of the method makes the call: `sample`, `judge`, `critique`, `revise`, `repair`, ... */
  purpose: string;
  signal?: AbortSignal;
  temperature?: number;
  maxOutputTokens?: number;
  logprobs?: boolean;
  topLogprobs?: number;
}

/** A sampler function's reply: the text alone, or the text with what it cost. */
export interface SampleReply {
  text: string;
  usage?: TokenUsage;
  costUsd?: number;
  logprobs?: TokenLogprob[];
}

/** Any async function that answers a prompt: a stub, a cache of recorded samples, another client. */
export type SampleFunction = (request: SampleRequest) => Promise<SampleReply | string>;

/** A model handle from `llm/` (with its retries, prices and ledger), or a plain sampler function. */
export type ModelSource = ModelHandle | SampleFunction;

/** What a method may spend; a limit left unset is unbounded. */
export interface InferBudget {
  /** Model calls. */
  calls?: number;
  /** Input plus output tokens. */
  tokens?: number;
  /** US dollars, from the model's price table. */
  costUsd?: number;
}

/** What a method spent, summed from the completions it received. */
export interface InferCost {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/**
 * Why a method stopped before its own rule told it to: a budget limit was reached, the caller
 * aborted, or the model handle refused the call because the run's ledger is spent.
 */
export type HaltReason = 'budget-calls' | 'budget-tokens' | 'budget-cost' | 'aborted' | 'model-budget';

/** One reply a method drew, with the answer extracted from it (absent when none was found). */
export interface Sample {
  index: number;
  text: string;
  answer?: string;
  usage: TokenUsage;
  costUsd: number;
  logprobs?: TokenLogprob[];
}

/** Options every method accepts. */
export interface CommonOptions {
  signal?: AbortSignal;
  budget?: InferBudget;
  /** A system message put before the input. */
  system?: string;
  /** Sampling temperature of the method's samples; the model's own when omitted. */
  temperature?: number;
  maxOutputTokens?: number;
  /** The operator name the ledger records the calls under; the method's name by default. */
  operator?: string;
}

/** The input of a method: a user message, or a whole conversation. */
export type InferInput = string | ChatMessage[];
