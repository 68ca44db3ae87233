import { describe, expect, it } from 'vitest';
import type { SftExample } from '../types.ts';
import { roundFigures } from './figures.ts';
import { replies, sample, task, verdict } from './round.fixtures.ts';

function kept(taskId: string, index: number | undefined, origin: SftExample['origin'] = 'sample'): SftExample {
  return { taskId, round: 1, index, prompt: `Question ${taskId}?`, completion: 'kept', origin };
}

describe('roundFigures', () => {
  const tasks = [task('a'), task('b', { answer: '9' }), task('c')];
  const samples = [
    sample('a', 0, 'x gives 7', '7'),
    sample('a', 1, 'x   gives 7', '7'), // the same reply as 0, whitespace aside
    sample('a', 2, 'y gives 8', '8'),
    sample('a', 3, 'z gives 7', '7'),
    ...replies('b', ['1', '2', '3', '4'], '9').samples,
    sample('c', 0, 'unchecked', '5'),
    sample('c', 1, 'unchecked too', '5'),
  ];
  const verdicts = [
    verdict('a', 0, true),
    verdict('a', 1, true),
    // The majority passed reply 2, the reference answer failed it; the reference decides.
    verdict('a', 2, true, 'self-consistency'),
    verdict('a', 2, false),
    verdict('a', 3, true),
    ...replies('b', ['1', '2', '3', '4'], '9').verdicts,
  ];
  const selected = [kept('a', 0), kept('a', 2), kept('a', 3), kept('b', undefined, 'rationalised'), kept('h', undefined, 'human')];

  it('computes exploration, exploitation, balance and verifier counts on a hand-checked round', () => {
    const figures = roundFigures(tasks, samples, verdicts, selected);
    expect(figures).toMatchObject({
      round: 1,
      tasks: 2,
      samples: 10,
      checked: 8,
      k: 4,
      distinctCorrectAnswers: 0.5,
      distinctCorrectResponses: 1,
      kept: 5,
      keptChecked: 3,
      accuracyVerifiers: ['answer-numeric'],
      verifiers: { 'answer-numeric': { checked: 8, passed: 3 }, 'self-consistency': { checked: 1, passed: 1 } },
      keptByOrigin: { sample: 3, rationalised: 1, human: 1 },
    });
    // Task a: 3 of 4 right, so pass@1 = 0.75 and pass@4 = 1; task b: none right.
    expect(figures.passAt1).toBeCloseTo(0.375, 12);
    expect(figures.passAtK).toBeCloseTo(0.5, 12);
    // Distinct answers: {7, 8} + {1, 2, 3, 4} + {5} over 10 replies.
    expect(figures.answerDiversity).toBeCloseTo(0.7, 12);
    expect(figures.selectedAccuracy).toBeCloseTo(2 / 3, 12);
    expect(figures.accuracyNote).toBeUndefined();
    // Task a: min(2 distinct right / n* = 2, 1) x 2 of 3 kept right; task b: nothing right, nothing checked kept.
    expect(figures.balance).toBeCloseTo((1 * (2 / 3) + 0) / 2, 12);
  });

  it('takes K and n* from the options, and a task with fewer replies than K counts with k = n', () => {
    const figures = roundFigures(tasks, samples, verdicts, selected, { k: 2, targetDistinct: 4, round: 7 });
    expect(figures.round).toBe(7);
    // Task a at k = 2: 1 - C(1, 2) / C(4, 2) = 1.
    expect(figures.passAtK).toBeCloseTo(0.5, 12);
    expect(figures.balance).toBeCloseTo((0.5 * (2 / 3)) / 2, 12);
    const short = roundFigures(
      [task('s')],
      replies('s', ['7', '1', '2', '3'], '7').samples,
      replies('s', ['7', '1', '2', '3'], '7').verdicts,
      [],
      {
        k: 2,
      },
    );
    expect(short.passAtK).toBeCloseTo(0.5, 12);
    const fewer = roundFigures([task('s')], replies('s', ['7', '1'], '7').samples, replies('s', ['7', '1'], '7').verdicts, [], { k: 8 });
    expect(fewer.passAtK).toBe(1);
  });

  it('says so when a weak verifier decided what was kept', () => {
    const { samples: voted, verdicts: votes } = replies('v', ['3', '3', '4'], '3', 'self-consistency');
    const figures = roundFigures([task('v', { answer: undefined })], voted, votes, [kept('v', 0), kept('v', 1)]);
    expect(figures.selectedAccuracy).toBe(1);
    expect(figures.accuracyVerifiers).toEqual(['self-consistency']);
    expect(figures.accuracyNote).toMatch(/self-consistency, a weak verifier/);
  });

  it('leaves out replies and verdicts of tasks not listed, and gives zeros for an empty round', () => {
    const figures = roundFigures([task('a')], samples, verdicts, []);
    expect(figures.samples).toBe(4);
    expect(figures.verifiers['answer-numeric']).toEqual({ checked: 4, passed: 3 });
    const empty = roundFigures([], [], [], []);
    expect(empty).toMatchObject({ tasks: 0, samples: 0, passAt1: 0, passAtK: 0, answerDiversity: 0, balance: 0, kept: 0 });
    expect(empty.selectedAccuracy).toBeUndefined();
  });
});
