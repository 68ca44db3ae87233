/**
 * Diagnosis: pick one failure from a parent's evaluation (an unresolved task, or a systematic
 * failure across tasks) and ask a model to turn the agent's code and that failure's log into a
 * problem statement the agent can implement in its own code.
 */
import type { AgentGenome } from '../agent.ts';
import type { ChatMessage, ModelHandle } from '../../core/model.ts';
import type { Rng } from '../../core/rng.ts';
import type { Benchmark } from '../coding-bench/tasks.ts';
import type { AgentDiagnosis, AgentTaskResult } from './store.ts';

export interface Failure {
  kind: AgentDiagnosis['kind'];
  /** The task whose logs the prompt shows. */
  taskId?: string;
  /** What went wrong, in words, with the logs of the tasks it concerns. */
  report: string;
}

const CONTEXT_OVERFLOW = /context (length|window|overflow)|maximum context|too many tokens|prompt is too long/i;
const SYSTEMATIC: Record<string, string> = {
  'empty-patches': 'The agent left the workspace unchanged (an empty patch) on most tasks.',
  stochastic: 'The agent solved these tasks in some repeats and failed them in others: its results are stochastic.',
  timeouts: 'The agent ran past its time limit on several tasks.',
  'context-overflow': "The agent's conversation overflowed the model's context window.",
};

/**
 * Picks the failure to diagnose. A systematic failure (empty patches on at least half the tasks,
 * stochastic repeats, two or more timeouts, any context overflow) is chosen with probability 1/2
 * when one exists; otherwise, or on the other half, one unresolved task at random. With neither,
 * kind `none`: a random task, for a general improvement.
 */
export function pickFailure(results: readonly AgentTaskResult[], benchmark: Benchmark, rng: Rng): Failure {
  const systematic: Array<[Failure['kind'], AgentTaskResult[]]> = [];
  const empty = results.filter((result) => result.changed.every((changed) => !changed));
  if (empty.length >= 2 && empty.length * 2 >= results.length) systematic.push(['empty-patches', empty]);
  const mixed = results.filter((result) => result.attempts.includes('resolved') && result.attempts.some((status) => status !== 'resolved'));
  if (mixed.length > 0) systematic.push(['stochastic', mixed]);
  const timeouts = results.filter((result) => result.attempts.includes('timeout'));
  if (timeouts.length >= 2) systematic.push(['timeouts', timeouts]);
  const overflow = results.filter((result) => CONTEXT_OVERFLOW.test(`${result.reason ?? ''}\n${result.log}`));
  if (overflow.length > 0) systematic.push(['context-overflow', overflow]);
  const unresolved = results.filter((result) => result.status !== 'resolved');
  if (systematic.length > 0 && (unresolved.length === 0 || rng.next() < 0.5)) {
    const [kind, affected] = rng.pick(systematic);
    const shown = affected.slice(0, 3);
    return {
      kind,
      taskId: shown[0]?.taskId,
      report:
        `${SYSTEMATIC[kind]} Affected tasks: ${affected.map((result) => result.taskId).join(', ')}.\n\n` +
        `${shown.map((result) => taskReport(result, benchmark)).join('\n\n')}`,
    };
  }
  if (unresolved.length > 0) {
    const result = rng.pick(unresolved);
    return {
      kind: 'unresolved-task',
      taskId: result.taskId,
      report: `The agent did not resolve this task (status ${result.status}).\n\n${taskReport(result, benchmark)}`,
    };
  }
  if (results.length === 0) return { kind: 'none', report: 'The agent has not been evaluated on any task yet.' };
  const result = rng.pick(results);
  return {
    kind: 'none',
    taskId: result.taskId,
    report: `The agent resolved every task it was given. One of them, for reference:\n\n${taskReport(result, benchmark)}`,
  };
}

function taskReport(result: AgentTaskResult, benchmark: Benchmark): string {
  const statement = benchmark.tasks.find((task) => task.id === result.taskId)?.statement ?? '(statement not available)';
  return [
    `## Task ${result.taskId}`,
    statement.trim(),
    `## The agent's run log (runs ended: ${result.runStatus.join(', ')}${result.reason ? `; ${result.reason}` : ''})`,
    result.log.trim() || '(empty)',
    "## The hidden tests' output",
    result.output.trim() || '(empty)',
  ].join('\n\n');
}

/** The diagnosis prompt: the agent's files, then the failure, then what to answer. */
export function diagnosisMessages(agent: AgentGenome, failure: Failure, model: ModelHandle): ChatMessage[] {
  const window = model.contextWindow - (model.maxOutputTokens ?? 4_096) - 2_000;
  const codeLimit = Math.max(8_000, window * 3 - failure.report.length);
  let code = Object.keys(agent)
    .sort()
    .map((file) => `### ${file}\n\`\`\`\n${agent[file] as string}\n\`\`\``)
    .join('\n\n');
  if (code.length > codeLimit) code = `${code.slice(0, codeLimit)}\n... (the code is cut here: ${code.length - codeLimit} more characters)`;
  return [
    {
      role: 'system',
      content:
        'You diagnose a coding agent that improves itself by editing its own source code. ' +
        'The agent solves programming tasks with an LLM and tools. ' +
        'Given its code and one failure, find the cause in the agent (its prompts, tools, loop or limits) ' +
        'and state one concrete, general improvement to its code.',
    },
    {
      role: 'user',
      content:
        `# The agent's code\n\n${code}\n\n# The failure\n\n${failure.report}\n\n# Your answer\n\n` +
        'Write a problem statement addressed to the agent, asking it to make one improvement to its own code ' +
        'that would fix this kind of failure on tasks in general ' +
        '(not only this task). Name the files and the behaviour to change. Reply with the statement between <problem> and </problem>.',
    },
  ];
}

/** The problem statement in a diagnosis reply: the <problem> block, or the whole reply; undefined when empty. */
export function problemOf(reply: string): string | undefined {
  const block = /<problem>([\s\S]*?)<\/problem>/i.exec(reply);
  const text = (block ? (block[1] as string) : reply).trim();
  return text === '' ? undefined : text;
}
