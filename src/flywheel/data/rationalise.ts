/**
 * STaR's rationalisation: a task the model failed is asked again with the reference answer given
 * as a hint, and a reply that reaches the answer is kept as if the model had found it alone: the
 * stored example carries the original prompt, with the hint stripped, so the model learns to
 * produce the rationale without the hint.
 */
import { OuroError } from '../../core/errors.ts';
import type { FlywheelTask, SftExample, VerifierName } from '../types.ts';

/** Checks a rationalised reply against the task's answer; the loop passes its answer verifier here. */
export type RationaleCheck = (task: FlywheelTask, reply: string) => boolean | Promise<boolean>;

export interface RationaliseOptions {
  /** The round the reply was sampled in. */
  round: number;
  /** The reply's index among the task's rationalised replies, if the loop numbers them. */
  index?: number;
  /** The verifier behind `verify`, recorded on the example for the dataset card. */
  verifier?: VerifierName;
  /**
   * Keep a reply that mentions the hint ("as the hint says, ..."). Default false: with the hint
   * stripped from the stored prompt, such a reply would teach the model to cite a hint it never saw.
   */
  allowHintMention?: boolean;
}

const HINT_MENTION = /\bhint(?:s|ed)?\b/i;

/**
 * The task's prompt with its reference answer added as a hint. Throws an OuroError when the task
 * has no reference answer, since there is nothing to hint with.
 *
 * @example
 * rationalisationPrompt({ id: 't1', prompt: 'What is 6 x 7?', answer: '42', ... });
 * // 'What is 6 x 7?\n\nHint: the correct answer is 42. ...'
 */
export function rationalisationPrompt(task: FlywheelTask): string {
  const answer = task.answer?.trim();
  if (answer === undefined || answer === '') {
    throw new OuroError('option-invalid', `task ${task.id}: rationalisation needs a reference answer, and the task has none`, {
      field: 'answer',
    });
  }
  return (
    `${task.prompt}\n\nHint: the correct answer is ${answer}. Work through the problem step by step and arrive at this ` +
    'answer by your own reasoning. Do not mention that you were given a hint.'
  );
}

/**
 * The supervised example for a rationalised reply, under the original prompt (hint stripped) with
 * origin `rationalised`, or undefined when the reply does not reach the answer, is empty, or
 * mentions the hint (see `allowHintMention`).
 *
 * @example
 * const reply = await model.complete(rationalisationPrompt(task));
 * const example = await acceptRationalised(task, reply, (t, text) => extractAnswer(text) === t.answer, { round: 2 });
 */
export async function acceptRationalised(
  task: FlywheelTask,
  reply: string,
  verify: RationaleCheck,
  options: RationaliseOptions,
): Promise<SftExample | undefined> {
  if (reply.trim() === '') return undefined;
  if (options.allowHintMention !== true && HINT_MENTION.test(reply)) return undefined;
  if (!(await verify(task, reply))) return undefined;
  return {
    taskId: task.id,
    round: options.round,
    index: options.index,
    system: task.system,
    prompt: task.prompt,
    completion: reply,
    origin: 'rationalised',
    verifier: options.verifier,
  };
}
