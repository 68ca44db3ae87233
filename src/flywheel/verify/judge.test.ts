import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../../core/model.ts';
import { scriptedModel } from '../../propose/llm/test-model.ts';
import type { FlywheelTask, Sample } from '../types.ts';
import { JUDGE_OPERATOR, JUDGE_SAMPLE_LIMIT, judgeVerifier } from './judge.ts';

const labelled: FlywheelTask = { id: 'j', source: 'test', prompt: 'What is the capital of France?', kind: 'answer', answer: 'Paris' };

function samples(...texts: string[]): Sample[] {
  return texts.map((text, index) => ({ taskId: 'j', round: 1, index, model: 'm', temperature: 1, text, tokens: 5, costUsd: 0 }));
}

describe('judgeVerifier', () => {
  it('asks at temperature 0 with the reference answer, and reads PASS and FAIL verdicts', async () => {
    const model = scriptedModel([
      'The response names Paris, which matches.\nScore: 9\nVerdict: PASS',
      'It says Lyon; the reference is Paris.\nScore: 1\n**Verdict:** FAIL',
    ]);
    const verdicts = await judgeVerifier({ model, concurrency: 1 }).verify(labelled, samples('It is Paris.', 'It is Lyon.'));
    expect(verdicts).toEqual([
      {
        taskId: 'j',
        round: 1,
        index: 0,
        verifier: 'judge',
        passed: true,
        score: 0.9,
        detail: 'PASS: The response names Paris, which matches.',
      },
      {
        taskId: 'j',
        round: 1,
        index: 1,
        verifier: 'judge',
        passed: false,
        score: 0.1,
        detail: 'FAIL: It says Lyon; the reference is Paris.',
      },
    ]);
    const request = model.requests[0];
    expect(request?.temperature).toBe(0);
    expect(request?.operator).toBe(JUDGE_OPERATOR);
    const prompt = request?.messages.at(-1)?.content ?? '';
    expect(prompt).toContain('## Problem\nWhat is the capital of France?');
    expect(prompt).toContain('## Reference answer\nParis');
    expect(prompt).toContain('## Response to check\nIt is Paris.');
    expect(prompt).toContain('Verdict: PASS or Verdict: FAIL');
    expect(model.requests[1]?.messages.at(-1)?.content).toContain('It is Lyon.');
  });

  it('judges without a reference, with the rubric given, and cuts a very long sample', async () => {
    const model = scriptedModel(['Looks right.\nVerdict: pass']);
    const unlabelled: FlywheelTask = { ...labelled, answer: undefined };
    const long = `Paris ${'x'.repeat(JUDGE_SAMPLE_LIMIT + 50)}`;
    const [verdict] = await judgeVerifier({ model, rubric: 'Pass only answers that name a city.' }).verify(unlabelled, samples(long));
    expect(verdict).toMatchObject({ passed: true, detail: 'PASS: Looks right.' });
    expect(verdict?.score).toBeUndefined();
    const prompt = model.requests[0]?.messages.at(-1)?.content ?? '';
    expect(prompt).not.toContain('## Reference answer');
    expect(prompt).toContain('Pass only answers that name a city.');
    expect(prompt).toContain('[... 56 more characters cut]');
  });

  it('fails a sample when the judge gives no verdict line, and takes the last verdict when it gives several', async () => {
    const model = scriptedModel(['I think it is fine, probably.', 'At first: Verdict: PASS. On reflection it is wrong.\nVerdict: FAIL']);
    const verdicts = await judgeVerifier({ model, concurrency: 1 }).verify(labelled, samples('Paris', 'Paris?'));
    expect(verdicts[0]).toMatchObject({
      passed: false,
      detail: 'no verdict: the judge gave no "Verdict: PASS|FAIL" line (I think it is fine, probably.)',
    });
    expect(verdicts[1]?.passed).toBe(false);
  });

  it('holds a PASS to the threshold when one is set', async () => {
    const model = scriptedModel(['Maybe.\nScore: 6\nVerdict: PASS', 'Sure.\nScore: 8/10\nVerdict: PASS', 'Yes.\nVerdict: PASS']);
    const verdicts = await judgeVerifier({ model, threshold: 0.7, concurrency: 1 }).verify(labelled, samples('a', 'b', 'c'));
    expect(verdicts.map((verdict) => verdict.passed)).toEqual([false, true, false]);
    expect(verdicts[0]?.detail).toBe('PASS with score 0.6, below the threshold 0.7: Maybe.');
    expect(verdicts[2]?.detail).toBe('PASS with no score, below the threshold 0.7: Yes.');
    expect(() => judgeVerifier({ model, threshold: 7 })).toThrow('threshold must be in [0, 1]');
  });

  it('lets a failed model call reject the verification', async () => {
    const model = scriptedModel([new ModelCallError('budget', 'the money budget is spent', 'compat:qwen')]);
    await expect(judgeVerifier({ model }).verify(labelled, samples('Paris'))).rejects.toThrow('the money budget is spent');
  });
});
