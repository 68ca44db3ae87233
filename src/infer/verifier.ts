/**
 * Verifiers score a candidate answer. Three kinds are accepted wherever a method takes one:
 * - a function returning a number (higher is better), a boolean (passed or not), or a verdict;
 * - an evaluator-like object whose `evaluate` returns an `EvaluationResult` (score, feedback);
 * - an LLM judge (`llmJudge(...)`), whose calls are charged to the method's budget and cost.
 */
import type { EvaluationResult } from '../core/evaluator.ts';
import { messagesFor, type Spender } from './spend.ts';
import type { HaltReason, InferInput, ModelSource } from './types.ts';

export interface Verdict {
  score: number;
  /** Whether the candidate is good enough; by default, a score at or above the method's `passScore`. */
  passed?: boolean;
  /** What is wrong, for methods that feed it back (self-refine). */
  feedback?: string;
}

export interface VerifyContext {
  /** The input the candidate answers, as text. */
  input: string;
  /** The candidate's index among the samples. */
  index: number;
  signal?: AbortSignal;
}

export type VerifyFunction = (
  candidate: string,
  context: VerifyContext,
) => number | boolean | Verdict | Promise<number | boolean | Verdict>;

export interface EvaluatorLike {
  evaluate(candidate: string, context: VerifyContext): EvaluationResult | Promise<EvaluationResult>;
}

export interface LlmJudge {
  kind: 'llm-judge';
  /** What a good answer is, shown to the judge. */
  rubric: string;
  /** The judge's model; the method's own model when omitted. */
  model?: ModelSource;
  /** The top of the judge's scale (10 by default); its score is divided by it, so verdicts are in [0, 1]. */
  scale: number;
}

export type Verifier = VerifyFunction | EvaluatorLike | LlmJudge;

/**
 * An LLM judge that rates a candidate from 0 to `scale` against a rubric, ending with
 * `Score: N`. A reply without a readable score counts as 0.
 *
 * @example
 * const judge = llmJudge({ rubric: 'The reply is a correct, runnable JavaScript function.' });
 * const best = await bestOfN(model, task, { samples: 4, verifier: judge });
 */
export function llmJudge(options: { rubric: string; model?: ModelSource; scale?: number }): LlmJudge {
  return { kind: 'llm-judge', rubric: options.rubric, scale: options.scale ?? 10, ...(options.model ? { model: options.model } : {}) };
}

export function inputText(input: InferInput): string {
  return typeof input === 'string' ? input : input.map((message) => `${message.role}: ${message.content}`).join('\n\n');
}

/** The judge's prompt; exported so that tests and users can see what the judge is asked. */
export function judgePrompt(judge: LlmJudge, input: string, candidate: string): string {
  return [
    `You are grading a response. ${judge.rubric}`,
    '',
    '## Task',
    input,
    '',
    '## Response',
    candidate,
    '',
    `Briefly say what is right and wrong, then end with a line "Score: N", N from 0 to ${judge.scale}.`,
  ].join('\n');
}

/** The judge's score, or undefined when the reply has none. */
export function parseJudgeScore(text: string, scale: number): number | undefined {
  const match = [...text.matchAll(/score\s*[:=]\s*(\d+(?:\.\d+)?)(?:\s*\/\s*(\d+(?:\.\d+)?))?/gi)].at(-1);
  if (!match) return undefined;
  const top = match[2] === undefined ? scale : Number(match[2]);
  return Math.min(1, Math.max(0, Number(match[1]) / top));
}

function isJudge(verifier: Verifier): verifier is LlmJudge {
  return typeof verifier === 'object' && (verifier as LlmJudge).kind === 'llm-judge';
}

export type VerifyOutcome = { ok: true; verdict: Verdict } | { ok: false; halt: HaltReason };

/** Runs any kind of verifier on one candidate; `passScore` decides `passed` when the verifier does not. */
export async function verify(
  verifier: Verifier,
  candidate: string,
  context: VerifyContext,
  spender: Spender,
  passScore: number,
): Promise<VerifyOutcome> {
  let verdict: Verdict;
  if (isJudge(verifier)) {
    const outcome = await spender.call(
      { messages: messagesFor(judgePrompt(verifier, context.input, candidate)), purpose: 'judge', temperature: 0 },
      verifier.model,
    );
    if (!outcome.ok) return outcome;
    const score = parseJudgeScore(outcome.reply.text, verifier.scale);
    verdict = { score: score ?? 0, feedback: outcome.reply.text };
  } else if (typeof verifier === 'function') {
    const raw = await verifier(candidate, context);
    verdict = typeof raw === 'number' ? { score: raw } : typeof raw === 'boolean' ? { score: raw ? 1 : 0, passed: raw } : raw;
  } else {
    const result = await verifier.evaluate(candidate, context);
    verdict = { score: result.score, ...(result.feedback === undefined ? {} : { feedback: result.feedback }) };
  }
  if (!Number.isFinite(verdict.score)) verdict = { ...verdict, score: Number.NEGATIVE_INFINITY, passed: false };
  return { ok: true, verdict: { ...verdict, passed: verdict.passed ?? verdict.score >= passScore } };
}
