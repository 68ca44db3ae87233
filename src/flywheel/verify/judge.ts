/**
 * The LLM judge: a model at temperature 0 says whether a sample's answer is right. The weakest
 * verifier the flywheel has (see `judgeVerifier`), for tasks no program can check.
 */
import { OuroError } from '../../core/errors.ts';
import type { ModelHandle } from '../../core/model.ts';
import { parseJudgeScore } from '../../infer/verifier.ts';
import type { FlywheelTask, Sample, Verdict, Verifier } from '../types.ts';
import { checkSamplesOf, mapWithLimit, positiveInteger, verdictFor } from './verdicts.ts';

export interface JudgeVerifierOptions {
  model: ModelHandle;
  /** What a right answer is, shown to the judge; a default suits tasks with or without a reference answer. */
  rubric?: string;
  /** In [0, 1]: a PASS also needs the judge's `Score` (0 to 10, divided by 10) at least this high. Unset: the verdict alone decides. */
  threshold?: number;
  /** Judge calls at once for one task's samples (2 by default). */
  concurrency?: number;
  /** Cap on the judge's reply, in tokens (1,024 by default). */
  maxOutputTokens?: number;
}

/** The operator name the judge's calls are recorded under. */
export const JUDGE_OPERATOR = 'flywheel-judge';
/** Characters of a sample shown to the judge; the rest is cut, with a note, to keep the call inside the window. */
export const JUDGE_SAMPLE_LIMIT = 12_000;
const VERDICT_LINE = /verdict\W*(pass|fail)\b/gi;
const SCORE_OR_VERDICT_LINE = /^\W*(?:verdict|score)\b.*$/gim;
const WITH_REFERENCE = 'The response passes when its final answer agrees with the reference answer; its working may differ.';
const WITHOUT_REFERENCE = 'The response passes when its final answer is correct and its reasoning supports it.';

/**
 * Asks `model`, at temperature 0, whether each sample answers its task right, given the reference
 * answer when the task has one; the judge ends its reply with `Verdict: PASS` or `Verdict: FAIL`
 * (and a `Score: N` out of 10). A reply without a verdict line fails the sample.
 *
 * The weakest verifier here: a judge is fooled by confident wrong answers, agrees with its own
 * model's mistakes, and its verdicts drift with the prompt. Training on what it passes amplifies
 * its biases; prefer an answer check, tests, or self-consistency where they apply.
 *
 * A failed model call rejects `verify` (no verdict is better than a made-up one); the round loop
 * decides whether to retry or stop.
 *
 * @example
 * const judge = judgeVerifier({ model: handle, threshold: 0.7 });
 * await judge.verify(task, samples);
 * // [{ verifier: 'judge', passed: true, score: 0.9, detail: 'PASS: the steps and the total are right' }, ...]
 */
export function judgeVerifier(options: JudgeVerifierOptions): Verifier {
  const concurrency = positiveInteger(options.concurrency, 2, 'concurrency');
  const threshold = options.threshold;
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
    throw new OuroError('option-invalid', `threshold must be in [0, 1], got ${threshold}`, { field: 'threshold' });
  }
  return {
    name: 'judge',
    accepts: (task) => task.prompt.trim() !== '',
    async verify(task, samples) {
      checkSamplesOf(task, samples, 'judge');
      return mapWithLimit(samples, concurrency, async (sample): Promise<Verdict> => {
        const reply = await options.model.complete({
          messages: [
            { role: 'system', content: 'You check answers to problems. You are strict and brief.' },
            { role: 'user', content: judgePrompt(task, sample, options.rubric) },
          ],
          operator: JUDGE_OPERATOR,
          temperature: 0,
          maxOutputTokens: options.maxOutputTokens ?? 1_024,
        });
        return judged(sample, reply.text, threshold);
      });
    },
  };
}

/** What the judge is asked about one sample; exported so that users and tests can see it. */
export function judgePrompt(task: FlywheelTask, sample: Pick<Sample, 'text'>, rubric?: string): string {
  const response =
    sample.text.length <= JUDGE_SAMPLE_LIMIT
      ? sample.text
      : `${sample.text.slice(0, JUDGE_SAMPLE_LIMIT)}\n[... ${sample.text.length - JUDGE_SAMPLE_LIMIT} more characters cut]`;
  return [
    '## Problem',
    task.prompt.trim(),
    '',
    ...(task.answer === undefined ? [] : ['## Reference answer', task.answer.trim(), '']),
    '## Response to check',
    response.trim(),
    '',
    '## How to judge',
    rubric ?? (task.answer === undefined ? WITHOUT_REFERENCE : WITH_REFERENCE),
    'Say in a sentence or two what is right or wrong, then end with exactly these two lines:',
    'Score: N (0 to 10: how sure you are that the response is right)',
    'Verdict: PASS or Verdict: FAIL',
  ].join('\n');
}

/** The verdict a judge's reply gives: its last `Verdict:` line, the score against the threshold, its reason as the detail. */
export function judged(sample: Sample, reply: string, threshold?: number): Verdict {
  VERDICT_LINE.lastIndex = 0;
  let said: string | undefined;
  for (let match = VERDICT_LINE.exec(reply); match !== null; match = VERDICT_LINE.exec(reply)) said = (match[1] as string).toUpperCase();
  const score = parseJudgeScore(reply, 10);
  const reason = reasonOf(reply);
  if (said === undefined)
    return verdictFor(sample, 'judge', false, `no verdict: the judge gave no "Verdict: PASS|FAIL" line (${reason})`, score);
  if (said === 'PASS' && threshold !== undefined && (score === undefined || score < threshold)) {
    const scored = score === undefined ? 'no score' : `score ${round(score)}`;
    return verdictFor(sample, 'judge', false, `PASS with ${scored}, below the threshold ${threshold}: ${reason}`, score);
  }
  return verdictFor(sample, 'judge', said === 'PASS', `${said}: ${reason}`, score);
}

function reasonOf(reply: string): string {
  const text = reply.replace(SCORE_OR_VERDICT_LINE, '').replace(/\s+/g, ' ').trim();
  if (text === '') return 'no reason given';
  return text.length <= 300 ? text : `${text.slice(0, 297)}...`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
