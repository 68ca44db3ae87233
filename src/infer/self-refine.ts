import { checkInteger, checkOpenUnit, meanTokenProbability, messagesFor, samplingOf, Spender, type Reply } from './spend.ts';
import type { CommonOptions, HaltReason, InferCost, InferInput, ModelSource } from './types.ts';
import { inputText, verify, type Verdict, type Verifier } from './verifier.ts';

export interface SelfRefineOptions extends CommonOptions {
  /** Critique-and-revise rounds at most (3 by default). */
  maxRounds?: number;
  /** Checked on every draft; a pass ends the loop. Its feedback is shown to the critic. */
  verifier?: Verifier;
  passScore?: number;
  /** The critique counts as "done" when it matches this (a line `DONE` by default). */
  done?: RegExp;
  critiquePrompt?: (task: string, draft: string, feedback?: string) => string;
  revisePrompt?: (task: string, draft: string, critique: string) => string;
  /**
   * Revise only when confidence is low: a draft whose confidence is at least `below` is kept as
   * it is. Confidence is `confidence(draft)` or, by default, exp(mean token log-probability),
   * which needs a model that returns log-probabilities.
   */
  reviseWhen?: { below: number; confidence?: (draft: { text: string; logprobs?: Reply['logprobs'] }) => number | undefined };
}

export interface RefineStep {
  round: number;
  draft: string;
  confidence?: number;
  verdict?: Verdict;
  critique?: string;
}

export interface SelfRefineResult {
  /** The last draft, or null when not even the first could be drawn. */
  answer: string | null;
  /** Every draft in order, with what was said about it. */
  steps: RefineStep[];
  stopReason: 'critique-done' | 'verifier-passed' | 'confident' | 'max-rounds' | HaltReason;
  halted?: HaltReason;
  cost: InferCost;
}

export const DONE_MARKER = /^\s*DONE\s*$/m;

export function defaultCritiquePrompt(task: string, draft: string, feedback?: string): string {
  return [
    'Review the draft answer to the task below. List concrete problems and how to fix them.',
    'If the draft needs no change, reply with a single line: DONE',
    '',
    '## Task',
    task,
    '',
    '## Draft',
    draft,
    ...(feedback === undefined ? [] : ['', '## Checker feedback', feedback]),
  ].join('\n');
}

export function defaultRevisePrompt(task: string, draft: string, critique: string): string {
  return [
    'Rewrite the draft so that it answers the task and fixes every point of the critique. Reply with the new answer only.',
    '',
    '## Task',
    task,
    '',
    '## Draft',
    draft,
    '',
    '## Critique',
    critique,
  ].join('\n');
}

/**
 * Self-refine (Madaan et al., 2023): draft, critique, revise, repeat. Stops when the critique says
 * the draft is done, when the verifier passes it, when it is confident enough (with
 * `reviseWhen`), after `maxRounds`, or when the budget runs out.
 *
 * @example
 * const result = await selfRefine(model, 'Write a haiku about rivers.', { maxRounds: 2 });
 * result.answer; // the last draft
 */
export async function selfRefine(source: ModelSource, input: InferInput, options: SelfRefineOptions = {}): Promise<SelfRefineResult> {
  const maxRounds = options.maxRounds ?? 3;
  checkInteger('selfRefine', 'maxRounds', maxRounds, 0);
  if (options.reviseWhen) checkOpenUnit('selfRefine', 'reviseWhen.below', options.reviseWhen.below);
  const spender = new Spender('selfRefine', source, options);
  const needsLogprobs = options.reviseWhen !== undefined && options.reviseWhen.confidence === undefined;
  if (needsLogprobs) spender.checkLogprobs();
  const task = inputText(input);
  const done = options.done ?? DONE_MARKER;
  const steps: RefineStep[] = [];
  const finish = (stopReason: SelfRefineResult['stopReason']): SelfRefineResult => ({
    answer: steps.at(-1)?.draft ?? null,
    steps,
    stopReason,
    ...(['budget-calls', 'budget-tokens', 'budget-cost', 'aborted', 'model-budget'].includes(stopReason)
      ? { halted: stopReason as HaltReason }
      : {}),
    cost: { ...spender.cost },
  });
  const draw = (messages: ReturnType<typeof messagesFor>, purpose: string) =>
    spender.call({ messages, purpose, ...samplingOf(options), ...(needsLogprobs && purpose !== 'critique' ? { logprobs: true } : {}) });

  let outcome = await draw(messagesFor(input, options.system), 'draft');
  for (let round = 0; ; round++) {
    if (!outcome.ok) return finish(outcome.halt);
    const step: RefineStep = { round, draft: outcome.reply.text };
    steps.push(step);
    if (options.verifier) {
      const checked = await verify(
        options.verifier,
        step.draft,
        { input: task, index: round, ...(options.signal ? { signal: options.signal } : {}) },
        spender,
        options.passScore ?? 1,
      );
      if (!checked.ok) return finish(checked.halt);
      step.verdict = checked.verdict;
      if (checked.verdict.passed) return finish('verifier-passed');
    }
    if (options.reviseWhen) {
      const confidence = (options.reviseWhen.confidence ?? ((draft) => meanTokenProbability(draft.logprobs)))(outcome.reply);
      if (confidence !== undefined) step.confidence = confidence;
      if (confidence !== undefined && confidence >= options.reviseWhen.below) return finish('confident');
    }
    if (round >= maxRounds) return finish('max-rounds');
    const critiqued = await draw(
      messagesFor((options.critiquePrompt ?? defaultCritiquePrompt)(task, step.draft, step.verdict?.feedback), options.system),
      'critique',
    );
    if (!critiqued.ok) return finish(critiqued.halt);
    step.critique = critiqued.reply.text;
    if (done.test(step.critique)) return finish('critique-done');
    outcome = await draw(
      messagesFor((options.revisePrompt ?? defaultRevisePrompt)(task, step.draft, step.critique), options.system),
      'revise',
    );
  }
}
