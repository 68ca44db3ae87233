/**
 * A SIMULATED solver for the scripted proposer's tasks (task-proposer.ts): it knows every pool
 * task's right answer and, for each task, gets a fixed number of its attempts right (the first
 * `skill(title)` times it is asked), then answers wrongly. No model is involved: it exists to show
 * the learnability filter, LADDER and the curriculum working on pass rates a test can predict.
 */
import { CODING_POOL, MATH_POOL, type ProposalBody } from './task-proposer.ts';
import type { ScriptedRequest, ScriptStep } from './scripted-llm-server.ts';

export interface TaskSolverOptions {
  /** Right attempts per task, by its title; the rest are wrong. Default: a spread from the title's hash, 0 to 4. */
  skill?: (title: string) => number;
}

/** A stable spread of right attempts (0 to 4) from a title. */
export function hashedSkill(title: string): number {
  let hash = 2166136261;
  for (const char of title) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash % 5;
}

/** The pool task a solver prompt is about, found by its statement. */
function bodyOf(prompt: string): ProposalBody | undefined {
  return [...CODING_POOL, ...MATH_POOL].find((body) => prompt.includes(body.statement.trim().slice(0, 80)));
}

/**
 * A responder that answers solver prompts (any request without the proposer's `Kind:` line): the
 * reference solution in a fenced block, or `Answer: <value>`, while the task's right attempts
 * last; a wrong one after, or for a task it does not know.
 */
export function createTaskSolver(options: TaskSolverOptions = {}): { respond: (request: ScriptedRequest) => ScriptStep; asked: number } {
  const skill = options.skill ?? hashedSkill;
  const seen = new Map<string, number>();
  const state = {
    asked: 0,
    respond: (request: ScriptedRequest): ScriptStep => {
      state.asked++;
      const prompt = request.messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
      const body = bodyOf(prompt);
      if (body === undefined) return { text: 'Answer: 0\n```js\nexport {};\n```' };
      const times = seen.get(body.title) ?? 0;
      seen.set(body.title, times + 1);
      const right = times < skill(body.title);
      if (body.form === 'coding') return { text: right ? `\`\`\`js\n${body.reference}\n\`\`\`` : '```js\nexport {};\n```' };
      if (body.form === 'math') return { text: `Let me work it out.\nAnswer: ${right ? body.answer : `${body.answer}1`}` };
      return { text: 'Answer: 0' };
    },
  };
  return state;
}
