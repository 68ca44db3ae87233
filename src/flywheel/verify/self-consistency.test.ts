import { describe, expect, it } from 'vitest';
import type { FlywheelTask, Sample } from '../types.ts';
import { selfConsistencyVerifier } from './self-consistency.ts';

const unlabelled: FlywheelTask = { id: 'u', source: 'test', prompt: 'How many?', kind: 'answer' };

function samples(...texts: string[]): Sample[] {
  return texts.map((text, index) => ({ taskId: 'u', round: 0, index, model: 'm', temperature: 1, text, tokens: 5, costUsd: 0 }));
}

describe('selfConsistencyVerifier', () => {
  it('passes the samples that give the majority answer, scoring each by its agreement', async () => {
    const verifier = selfConsistencyVerifier();
    const verdicts = await verifier.verify(
      unlabelled,
      samples('The answer is 18.', 'So 1,8 is... no: 18', '#### 18.0', 'It is 17', 'I do not know'),
    );
    expect(verdicts.map((verdict) => verdict.passed)).toEqual([true, true, true, false, false]);
    expect(verdicts.map((verdict) => verdict.score)).toEqual([0.75, 0.75, 0.75, 0.25, 0]);
    expect(verdicts[0]).toMatchObject({ verifier: 'self-consistency', detail: 'majority 18 (3 of 4 answers)' });
    expect(verdicts[3]?.detail).toBe('answered 17; majority 18 (3 of 4 answers)');
    expect(verdicts[4]?.detail).toBe('no answer; majority 18 (3 of 4 answers)');
  });

  it('fails every sample when no answer reaches minAgreement', async () => {
    const verifier = selfConsistencyVerifier({ minAgreement: 0.6 });
    const verdicts = await verifier.verify(unlabelled, samples('1', '1', '2', '3', '4'));
    expect(verdicts.every((verdict) => !verdict.passed)).toBe(true);
    expect(verdicts[0]?.detail).toBe('no majority: the most common answer is 1 (2 of 5 answers), below 0.6');
    expect(verdicts.map((verdict) => verdict.score)).toEqual([0.4, 0.4, 0.2, 0.2, 0.2]);
    const atHalf = await selfConsistencyVerifier().verify(unlabelled, samples('1', '1', '2', '3'));
    expect(atHalf.map((verdict) => verdict.passed)).toEqual([true, true, false, false]);
  });

  it('fails every sample on a tie for the top answer, or when no sample answers', async () => {
    const verifier = selfConsistencyVerifier();
    const tie = await verifier.verify(unlabelled, samples('7', '7', '9', '9'));
    expect(tie.every((verdict) => !verdict.passed)).toBe(true);
    expect(tie[0]?.detail).toBe('no majority: the most common answer is 7 (2 of 4 answers), tied with 9');
    const silent = await verifier.verify(unlabelled, samples('no idea', 'none'));
    expect(silent.map((verdict) => [verdict.passed, verdict.score, verdict.detail])).toEqual([
      [false, 0, 'no majority: no sample states an answer'],
      [false, 0, 'no majority: no sample states an answer'],
    ]);
    expect(await verifier.verify(unlabelled, [])).toEqual([]);
  });

  it('votes on normalised text answers in normalised mode', async () => {
    const verifier = selfConsistencyVerifier({ mode: 'normalised' });
    const verdicts = await verifier.verify(unlabelled, samples('Answer: Paris', 'The answer is paris.', 'Answer: Lyon'));
    expect(verdicts.map((verdict) => verdict.passed)).toEqual([true, true, false]);
    expect(verdicts[0]?.detail).toBe('majority paris (2 of 3 answers)');
  });

  it('accepts answer tasks, labelled or not, and checks its options', () => {
    const verifier = selfConsistencyVerifier();
    expect(verifier.accepts(unlabelled)).toBe(true);
    expect(verifier.accepts({ ...unlabelled, answer: '3' })).toBe(true);
    expect(verifier.accepts({ ...unlabelled, kind: 'code' })).toBe(false);
    expect(() => selfConsistencyVerifier({ minAgreement: 0 })).toThrow('minAgreement must be in (0, 1]');
    expect(() => selfConsistencyVerifier({ minAgreement: 1.5 })).toThrow('minAgreement must be in (0, 1]');
  });
});
