/**
 * The proposer's reply format: named fenced blocks. A block opens with a line of three or more
 * backticks followed by its name (```statement) and closes with a line of exactly the same
 * backticks; a block whose content holds ``` opens and closes with four. Text outside blocks
 * is ignored, and so are blocks with other names, so a model that talks around its blocks still
 * parses. The first block of a name wins.
 *
 * | form    | blocks                                                                             |
 * | ------- | ---------------------------------------------------------------------------------- |
 * | coding  | meta, statement, stub, tests, reference (all JavaScript modules; entry solution.js) |
 * | math    | meta, statement, answer (the value alone), program (`export function answer()`)   |
 * | triple  | meta, program (`export function f(...)`), input (JSON argument list, or for        |
 * |         | induction a JSON array of 3 to 5 argument lists); an `output` block is ignored     |
 *
 * `meta` is JSON: `{"title": string, "topic": string, "difficulty": "easy" | "medium" | "hard"}`, and for
 * induction optionally `"hint"`, one line shown with the examples. The task keeps the category that
 * asked for it: the meta's own topic and difficulty are not used to move it to another arm.
 */
import type { GeneratorKind, TripleMode } from '../types.ts';

/** The shape a reply takes, whichever generator asked for it: LADDER keeps its parent's, SwS picks one. */
export type TaskForm = 'coding' | 'math' | 'triple';
export const TASK_FORMS: readonly TaskForm[] = ['coding', 'math', 'triple'];

/** The blocks each form must hold, in the order the prompt lists them. */
export const REQUIRED_BLOCKS: Record<TaskForm, readonly string[]> = {
  coding: ['meta', 'statement', 'stub', 'tests', 'reference'],
  math: ['meta', 'statement', 'answer', 'program'],
  triple: ['meta', 'program', 'input'],
};

/** The file a coding task's solution lives in; the tests import it as `./solution.js`. */
export const SOLUTION_FILE = 'solution.js';

/** The form a generator's own replies take (ladder and sws take theirs from the task or the caller). */
export function formOfKind(kind: GeneratorKind): TaskForm | undefined {
  if (kind === 'coding') return 'coding';
  if (kind === 'math') return 'math';
  if (kind === 'triple') return 'triple';
  return undefined;
}

/** The mode a triple category asks for: its topic when the topic names a mode, else by turn (seq modulo 3). */
export function tripleModeFor(topic: string, seq: number): TripleMode {
  if (topic === 'deduction' || topic === 'abduction' || topic === 'induction') return topic;
  return (['deduction', 'abduction', 'induction'] as const)[((seq % 3) + 3) % 3] as TripleMode;
}

/**
 * The named blocks of a reply, first of each name.
 *
 * @example
 * readBlocks('```meta\n{"title":"x"}\n```').get('meta'); // '{"title":"x"}'
 */
export function readBlocks(reply: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  for (let index = 0; index < lines.length; index++) {
    const open = /^\s*(`{3,})\s*([A-Za-z][\w-]*)\s*$/.exec(lines[index] as string);
    if (!open) continue;
    const fence = open[1] as string;
    const name = (open[2] as string).toLowerCase();
    const body: string[] = [];
    let closed = false;
    for (index++; index < lines.length; index++) {
      if ((lines[index] as string).trim() === fence) {
        closed = true;
        break;
      }
      body.push(lines[index] as string);
    }
    // An unclosed block runs to the end of the reply: a reply cut short keeps what it had.
    if (!blocks.has(name) && (closed || body.length > 0)) blocks.set(name, body.join('\n'));
  }
  return blocks;
}

/** One block as the reply format writes it, with a longer fence when the content holds one. */
export function writeBlock(name: string, content: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`{3,}/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${name}\n${content.replace(/\n+$/, '')}\n${fence}`;
}
