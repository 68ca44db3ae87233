/**
 * STaR selection (Zelikman et al., 2022): every reply a verifier passed becomes a supervised
 * example; a task the model never solved goes back to it with the answer as a hint
 * (rationalise.ts), which is how STaR learns from the problems it could not solve alone.
 */
import type { FlywheelTask, Sample, SftExample, Verdict } from '../types.ts';
import { type JudgedSample, judgeByTask, passed } from './judged.ts';

export interface StarSelection {
  /** Every passing reply, task by task in the order of `tasks`, then by round and index. */
  examples: SftExample[];
  /** Tasks with no passing reply and a reference answer: the loop asks again with `rationalisationPrompt`. */
  needsRationalisation: FlywheelTask[];
  /** Tasks with no passing reply and no reference answer to hint with: nothing more STaR can do this round. */
  unsolved: FlywheelTask[];
}

/**
 * Keeps all of a task's passing replies, unthinned (ReST's `selectRest` caps and de-duplicates
 * them instead). A reply no verifier checked is not kept.
 *
 * @example
 * const { examples, needsRationalisation } = selectStar(tasks, samples, verdicts);
 * // ask the model again for each task in needsRationalisation, with rationalisationPrompt(task)
 */
export function selectStar(tasks: readonly FlywheelTask[], samples: readonly Sample[], verdicts: readonly Verdict[]): StarSelection {
  const byTask = judgeByTask(samples, verdicts);
  const selection: StarSelection = { examples: [], needsRationalisation: [], unsolved: [] };
  for (const task of tasks) {
    const passing = (byTask.get(task.id) ?? []).filter(passed);
    if (passing.length > 0) selection.examples.push(...passing.map((judged) => sampleExample(task, judged)));
    else if (task.answer !== undefined && task.answer.trim() !== '') selection.needsRationalisation.push(task);
    else selection.unsolved.push(task);
  }
  return selection;
}

/** A passing reply as a supervised example under the task's own prompt. */
export function sampleExample(task: FlywheelTask, judged: JudgedSample): SftExample {
  const { sample, verdict } = judged;
  return {
    taskId: task.id,
    round: sample.round,
    index: sample.index,
    system: task.system,
    prompt: task.prompt,
    completion: sample.text,
    origin: 'sample',
    verifier: verdict?.verifier,
  };
}
