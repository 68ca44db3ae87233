// The LLM-judge metric: a model grades an output against a rubric and ends with a score line.
import type { ChatMessage } from '../core/model.ts';

const JUDGE_SYSTEM = [
  'You grade one answer to a task against a rubric and a reference answer.',
  'Write at most three sentences on what the answer gets right or wrong, then end with one line',
  'of the form "Score: X", where X is a number from 0 (fails the rubric) to 1 (fully meets it).',
].join(' ');

/** The score line: `Score: 0.8`, `score = 1`, `**Score:** 7/10`. */
const SCORE_LINE = /score\s*\**\s*[:=]\s*\**\s*(\d*\.?\d+)\s*(?:\/\s*(\d*\.?\d+))?/gi;

/** The messages of one judge call: the rubric, the task's input, the reference answer and the output to grade. */
export function judgeMessages(rubric: string, input: string, target: string, output: string): ChatMessage[] {
  const user = [`Rubric:\n${rubric.trim()}`, `Task input:\n${input}`, `Reference answer:\n${target}`, `Answer to grade:\n${output}`];
  return [
    { role: 'system', content: JUDGE_SYSTEM },
    { role: 'user', content: user.join('\n\n') },
  ];
}

/** A judge's verdict read from its reply: the score, and the reply without its score line as feedback. */
export type JudgeVerdict = { score: number; feedback: string } | { error: string };

/**
 * Reads the last score line of a judge's reply. `X/N` is read as X divided by N; a score
 * outside [0, 1], or a reply with no score line, is an error quoting the reply.
 *
 * @example
 * parseJudgeReply('Correct and concise.\nScore: 0.9') // { score: 0.9, feedback: 'Correct and concise.' }
 */
export function parseJudgeReply(reply: string): JudgeVerdict {
  const match = [...reply.matchAll(SCORE_LINE)].at(-1);
  const quoted = JSON.stringify(reply.length > 300 ? `${reply.slice(0, 300)}...` : reply);
  if (match === undefined) return { error: `the judge gave no "Score: X" line: ${quoted}` };
  const value = Number(match[1]);
  const scale = match[2] === undefined ? 1 : Number(match[2]);
  const score = scale > 0 ? value / scale : Number.NaN;
  if (!(score >= 0 && score <= 1)) return { error: `the judge's score ${match[0].trim()} is not in [0, 1]: ${quoted}` };
  // The feedback is the reply without the score's whole line (markdown around it included).
  const lineStart = reply.lastIndexOf('\n', match.index) + 1;
  const lineEnd = reply.indexOf('\n', (match.index ?? 0) + match[0].length);
  const feedback = (reply.slice(0, lineStart) + (lineEnd < 0 ? '' : reply.slice(lineEnd))).trim();
  return { score, feedback };
}
