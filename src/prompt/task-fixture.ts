// A small arithmetic dataset and a scripted model whose accuracy depends on the prompt, for the task tests.
import type { TaskModelRequest } from '../core/evaluator.ts';
import { jsonl, promptGenome, type ScriptedAnswer } from './test-kit.ts';

/** Row `index` asks for a + b; every question is unique, so a request can be traced back to its row. */
export function sumRows(count: number): Array<{ question: string; answer: number }> {
  return Array.from({ length: count }, (_, index) => {
    const a = 10 + index;
    const b = 3 + ((index * 7) % 11);
    return { question: `Item ${index}: what is ${a} + ${b}?`, answer: a + b };
  });
}

export const sumDataset = (count: number): string => jsonl(sumRows(count));

/** Always right. */
export const CAREFUL = promptGenome('Add the two numbers. CAREFUL');
/** Right when the first number is even. */
export const HALF = promptGenome('Add the two numbers. HALF');
/** Always off by one. */
export const SLOPPY = promptGenome('Add the two numbers quickly.');

/**
 * The scripted task model: it reads a + b from the user message and answers right or off by one
 * as the system prompt's keyword says (see CAREFUL, HALF, SLOPPY).
 */
export function sumModel(request: TaskModelRequest): ScriptedAnswer {
  const system = request.messages.find((message) => message.role === 'system')?.content ?? '';
  const user = request.messages.find((message) => message.role === 'user')?.content ?? '';
  const match = /what is (\d+) \+ (\d+)\?/.exec(user);
  if (match === null) return 'I do not understand.';
  const a = Number(match[1]);
  const sum = a + Number(match[2]);
  const right = system.includes('CAREFUL') || (system.includes('HALF') && a % 2 === 0);
  return `Adding them gives ${right ? sum : sum + 1}.`;
}
