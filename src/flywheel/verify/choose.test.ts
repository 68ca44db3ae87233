import { describe, expect, it } from 'vitest';
import { scriptedModel } from '../../propose/llm/test-model.ts';
import type { FlywheelTask } from '../types.ts';
import { answerVerifier } from './answer.ts';
import { chooseVerifier } from './choose.ts';
import { executionVerifier } from './execution.ts';
import { judgeVerifier } from './judge.ts';
import { selfConsistencyVerifier } from './self-consistency.ts';

const base: FlywheelTask = { id: 't', source: 'test', prompt: 'Solve it.', kind: 'answer' };
const codeTask: FlywheelTask = {
  ...base,
  kind: 'code',
  code: { language: 'python', solutionFile: 'solution.py', tests: { 'test_solution.py': 'assert True' } },
};

describe('chooseVerifier', () => {
  // Given weakest first, so that the order of the list cannot be what decides.
  const all = [
    selfConsistencyVerifier(),
    judgeVerifier({ model: scriptedModel([]) }),
    executionVerifier(),
    answerVerifier({ mode: 'normalised' }),
    answerVerifier({ mode: 'numeric' }),
  ];

  it('picks the strongest verifier that accepts the task', () => {
    expect(chooseVerifier({ ...base, answer: '18' }, all)?.name).toBe('answer-numeric');
    expect(chooseVerifier({ ...base, answer: 'Paris' }, all)?.name).toBe('answer-normalised');
    expect(chooseVerifier(codeTask, all)?.name).toBe('execution');
    expect(chooseVerifier(base, all)?.name).toBe('judge');
    expect(
      chooseVerifier(
        base,
        all.filter((verifier) => verifier.name !== 'judge'),
      )?.name,
    ).toBe('self-consistency');
  });

  it('returns undefined when none accepts', () => {
    expect(chooseVerifier(codeTask, [answerVerifier({ mode: 'numeric' }), selfConsistencyVerifier()])).toBeUndefined();
    expect(chooseVerifier(base, [])).toBeUndefined();
  });
});
