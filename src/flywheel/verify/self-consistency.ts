/**
 * Self-consistency as a verifier, for unlabelled tasks: the answer most of a task's samples give is
 * taken as its label (the pseudo-label of ScPO and of majority-vote self-training).
 */
import { OuroError } from '../../core/errors.ts';
import { tally } from '../../infer/vote.ts';
import type { Sample, Verdict, Verifier } from '../types.ts';
import { normaliseAnswer, numberValue, numericAnswer, textAnswer } from './final-answer.ts';
import { checkSamplesOf, notAccepted, verdictFor } from './verdicts.ts';

export interface SelfConsistencyVerifierOptions {
  /** The share of the samples with an answer that must give the majority answer, in (0, 1]; 0.5 by default. */
  minAgreement?: number;
  /** How answers are read and compared: the final number (default) or the final answer as normalised text. */
  mode?: 'numeric' | 'normalised';
}

/**
 * Passes the samples that give the majority answer among a task's samples. With no majority (the
 * top answer below `minAgreement` of the samples that state one, tied with another, or no answer
 * at all) every sample fails, with that as the detail. Every verdict's `score` is the share of the
 * answering samples that agree with that sample (0 when it states none): the consistency that
 * ScPO pairs most against least consistent by.
 *
 * A label voted by the model is only as good as the model: a confident systematic mistake passes.
 * One sample always agrees with itself; give it several.
 *
 * @example
 * const verifier = selfConsistencyVerifier({ minAgreement: 0.6 });
 * await verifier.verify(task, samples);
 * // [{ verifier: 'self-consistency', passed: true, score: 0.75, detail: 'majority 18 (6 of 8 answers)' }, ...]
 */
export function selfConsistencyVerifier(options: SelfConsistencyVerifierOptions = {}): Verifier {
  const minAgreement = options.minAgreement ?? 0.5;
  if (!(minAgreement > 0 && minAgreement <= 1)) {
    throw new OuroError('option-invalid', `minAgreement must be in (0, 1], got ${minAgreement}`, { field: 'minAgreement' });
  }
  const mode = options.mode ?? 'numeric';
  if (mode !== 'numeric' && mode !== 'normalised') {
    throw new OuroError('option-invalid', `mode must be 'numeric' or 'normalised', got ${JSON.stringify(mode)}`, { field: 'mode' });
  }
  const answerOf = mode === 'numeric' ? numericKey : textKey;
  return {
    name: 'self-consistency',
    accepts: (task) => task.kind === 'answer',
    async verify(task, samples) {
      if (task.kind !== 'answer') throw notAccepted(task, 'self-consistency', `it is a ${task.kind} task`);
      checkSamplesOf(task, samples, 'self-consistency');
      const answers = samples.map((sample) => answerOf(sample.text));
      const counts = tally(answers);
      const answered = counts.reduce((sum, count) => sum + count.votes, 0);
      const votesFor = new Map(counts.map((count) => [count.answer, count.votes]));
      const share = (answer: string | undefined): number => (answer === undefined ? 0 : (votesFor.get(answer) ?? 0) / answered);
      const top = counts[0];
      if (top === undefined)
        return samples.map((sample) => verdictFor(sample, 'self-consistency', false, 'no majority: no sample states an answer', 0));
      const standing = `${top.answer} (${top.votes} of ${answered} answers)`;
      const runnerUp = counts[1];
      const tied = runnerUp !== undefined && runnerUp.votes === top.votes;
      if (tied || top.votes / answered < minAgreement) {
        const why = tied ? `tied with ${runnerUp.answer}` : `below ${minAgreement}`;
        const detail = `no majority: the most common answer is ${standing}, ${why}`;
        return samples.map((sample, index) => verdictFor(sample, 'self-consistency', false, detail, share(answers[index])));
      }
      return samples.map((sample, index): Verdict => {
        const answer = answers[index];
        const passed = answer === top.answer;
        const detail = passed
          ? `majority ${standing}`
          : `${answer === undefined ? 'no answer' : `answered ${answer}`}; majority ${standing}`;
        return verdictFor(sample as Sample, 'self-consistency', passed, detail, share(answer));
      });
    },
  };
}

/** The final number, written canonically (`1,000.0` and `1000` vote together). */
function numericKey(text: string): string | undefined {
  const written = numericAnswer(text);
  if (written === undefined) return undefined;
  const value = numberValue(written);
  return Number.isFinite(value) ? String(value === 0 ? 0 : value) : undefined;
}

function textKey(text: string): string | undefined {
  const raw = textAnswer(text);
  const answer = raw === undefined ? '' : normaliseAnswer(raw);
  return answer === '' ? undefined : answer;
}
