import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gsm8kSource } from '../sources/gsm8k.ts';
import type { FlywheelTask, Sample } from '../types.ts';
import { answerVerifier } from './answer.ts';

const GSM8K = join(import.meta.dirname, '../../../../shared/data/gsm8k-test.jsonl');

function task(answer: string | undefined, kind: FlywheelTask['kind'] = 'answer'): FlywheelTask {
  return { id: 't1', source: 'test', prompt: 'What is it?', kind, ...(answer === undefined ? {} : { answer }) };
}

function samples(...texts: string[]): Sample[] {
  return texts.map((text, index) => ({ taskId: 't1', round: 2, index, model: 'm', temperature: 0.8, text, tokens: 10, costUsd: 0 }));
}

describe('answerVerifier numeric', () => {
  const verifier = answerVerifier({ mode: 'numeric' });

  it('passes replies whose final number equals the reference, within a relative 1e-6', async () => {
    const verdicts = await verifier.verify(
      task('1,250'),
      samples(
        'She pays $1,250.00 in all.',
        'The answer is 1250.000001',
        'So 3 * 400 = 1200.\n#### 1200',
        'I cannot tell.',
        'Answer: 1250.01',
      ),
    );
    expect(verdicts.map((verdict) => verdict.passed)).toEqual([true, true, false, false, false]);
    expect(verdicts[0]).toEqual({
      taskId: 't1',
      round: 2,
      index: 0,
      verifier: 'answer-numeric',
      passed: true,
      detail: 'expected 1250, extracted 1250',
    });
    expect(verdicts[2]?.detail).toBe('expected 1250, extracted 1200');
    expect(verdicts[3]?.detail).toBe('expected 1250, no answer found');
    expect(verdicts.map((verdict) => verdict.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('holds whole numbers to exact equality, where the tolerance would take an off-by-one for right', async () => {
    const large = await verifier.verify(task('1450000'), samples('#### 1,450,000', '#### 1,450,001', '#### 1450000.4'));
    expect(large.map((verdict) => verdict.passed)).toEqual([true, false, true]);
    const third = await verifier.verify(task('0.3333333'), samples('about 0.33333333', 'about 0.3333'));
    expect(third.map((verdict) => verdict.passed)).toEqual([true, false]);
  });

  it('compares zero and negative numbers', async () => {
    const zero = await verifier.verify(task('0'), samples('It is -0', 'It is 0.0000001'));
    expect(zero.map((verdict) => verdict.passed)).toEqual([true, false]);
    const negative = await verifier.verify(task('-3'), samples('x = -3', 'x = 3'));
    expect(negative.map((verdict) => verdict.passed)).toEqual([true, false]);
  });

  it('accepts only labelled answer tasks whose answer is a number', async () => {
    expect(verifier.accepts(task('42'))).toBe(true);
    expect(verifier.accepts(task('$1,000'))).toBe(true);
    expect(verifier.accepts(task('Paris'))).toBe(false);
    expect(verifier.accepts(task(undefined))).toBe(false);
    expect(verifier.accepts(task('42', 'code'))).toBe(false);
    await expect(verifier.verify(task('Paris'), samples('Paris'))).rejects.toThrow(
      'cannot check task "t1": its answer "Paris" is not a number',
    );
    await expect(verifier.verify(task(undefined), samples('1'))).rejects.toThrow('it has no reference answer');
  });

  it('refuses samples of another task', async () => {
    const other = { ...samples('42')[0], taskId: 'other' } as Sample;
    await expect(verifier.verify(task('42'), [other])).rejects.toThrow('was given a sample of task "other" with task "t1"');
  });

  it.skipIf(!existsSync(GSM8K))('passes every GSM8K reference solution, and fails it with the answer changed', async () => {
    const tasks = await gsm8kSource(GSM8K).load();
    for (const gsm of tasks) {
      const reply = `${gsm.solution}\nSo the answer is ${gsm.answer}.`;
      const wrong = `${gsm.solution}\nSo the answer is ${Number(gsm.answer) + 1}.`;
      const verdicts = await verifier.verify(gsm, [
        { ...samples(reply)[0], taskId: gsm.id } as Sample,
        { ...samples(wrong)[0], taskId: gsm.id } as Sample,
      ]);
      expect(
        verdicts.map((verdict) => verdict.passed),
        gsm.id,
      ).toEqual([true, false]);
    }
  });
});

describe('answerVerifier normalised', () => {
  const verifier = answerVerifier({ mode: 'normalised' });

  it('compares the final answer ignoring case, white space and end punctuation', async () => {
    const verdicts = await verifier.verify(
      task('The Eiffel Tower'),
      samples('Thinking.\nThe answer is **the  eiffel tower**.', 'It is the Louvre.', '#### THE EIFFEL TOWER!', ''),
    );
    expect(verdicts.map((verdict) => verdict.passed)).toEqual([true, false, true, false]);
    expect(verdicts[0]?.verifier).toBe('answer-normalised');
    expect(verdicts[1]?.detail).toBe('expected the eiffel tower, extracted it is the louvre');
    expect(verdicts[3]?.detail).toBe('expected the eiffel tower, no answer found');
  });

  it('reads multiple-choice letters and boxed answers', async () => {
    const verdicts = await verifier.verify(task('B'), samples('The answer is (B).', 'So \\boxed{b}', 'Answer: C'));
    expect(verdicts.map((verdict) => verdict.passed)).toEqual([true, true, false]);
  });

  it('accepts labelled answer tasks, numeric ones too, and rejects a bad mode', () => {
    expect(verifier.accepts(task('Paris'))).toBe(true);
    expect(verifier.accepts(task('42'))).toBe(true);
    expect(verifier.accepts(task('...'))).toBe(false);
    expect(verifier.accepts(task(undefined))).toBe(false);
    expect(() => answerVerifier({ mode: 'fuzzy' as 'numeric' })).toThrow("mode must be 'numeric' or 'normalised'");
  });
});
