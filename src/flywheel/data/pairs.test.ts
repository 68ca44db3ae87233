import { describe, expect, it } from 'vitest';
import { dpoPairs, spinPairs } from './pairs.ts';
import { replies, sample, task, verdict } from './round.fixtures.ts';
import { scpoPairs } from './scpo.ts';

describe('dpoPairs', () => {
  // Replies 0 and 3 are right; 1, 2 and 4 are wrong.
  const { samples, verdicts } = replies('t', ['7', '8', '9', '7', '6'], '7');
  const text = (index: number): string => samples[index]?.text as string;

  it('pairs right against wrong, shift by shift, so every reply is used before any is used twice', () => {
    const pairs = dpoPairs([task('t', { system: 'Be brief.' })], samples, verdicts, { maxPerTask: 4 });
    expect(pairs.map((pair) => [pair.chosen, pair.rejected])).toEqual([
      [text(0), text(1)],
      [text(3), text(2)],
      [text(0), text(2)],
      [text(3), text(4)],
    ]);
    expect(pairs[0]).toMatchObject({ taskId: 't', round: 1, system: 'Be brief.', prompt: 'Question t?', method: 'dpo' });
  });

  it('makes every distinct pair once at most, and one pair per task by default', () => {
    const all = dpoPairs([task('t')], samples, verdicts, { maxPerTask: 100 });
    expect(all).toHaveLength(6);
    expect(new Set(all.map((pair) => `${pair.chosen}|${pair.rejected}`)).size).toBe(6);
    expect(dpoPairs([task('t')], samples, verdicts)).toHaveLength(1);
  });

  it('makes no pair for a task that is all right, all wrong, or unchecked', () => {
    const allRight = replies('a', ['7', '7'], '7');
    const allWrong = replies('b', ['1', '2'], '7');
    const unchecked = replies('c', ['7', '1'], undefined);
    const pairs = dpoPairs(
      [task('a'), task('b'), task('c')],
      [...allRight.samples, ...allWrong.samples, ...unchecked.samples],
      [...allRight.verdicts, ...allWrong.verdicts],
      { maxPerTask: 5 },
    );
    expect(pairs).toEqual([]);
  });

  it('skips a pair whose two texts are the same', () => {
    const same = [sample('t', 0, 'print(7)'), sample('t', 1, 'print(7)'), sample('t', 2, 'print(8)')];
    const checks = [verdict('t', 0, true, 'execution'), verdict('t', 1, false, 'execution'), verdict('t', 2, false, 'execution')];
    const pairs = dpoPairs([task('t', { kind: 'code' })], same, checks, { maxPerTask: 5 });
    expect(pairs.map((pair) => [pair.chosen, pair.rejected])).toEqual([['print(7)', 'print(8)']]);
  });
});

describe('spinPairs', () => {
  it('sets the reference solution against the model’s own replies, right or wrong, for tasks with a solution', () => {
    const tasks = [task('s', { solution: '3 + 4 = 7. Answer: 7' }), task('n')];
    const samples = [
      sample('s', 0, 'I think 3 + 4 = 7.', '7'),
      sample('s', 1, '3 + 4 = 7. Answer: 7', '7'),
      sample('s', 2, '3 + 4 = 8.', '8'),
      sample('n', 0, 'no solution to pair with', '7'),
    ];
    const pairs = spinPairs(tasks, samples, { maxPerTask: 5 });
    expect(pairs.map((pair) => [pair.taskId, pair.chosen, pair.rejected, pair.method])).toEqual([
      ['s', '3 + 4 = 7. Answer: 7', 'I think 3 + 4 = 7.', 'spin'],
      ['s', '3 + 4 = 7. Answer: 7', '3 + 4 = 8.', 'spin'],
    ]);
    expect(spinPairs(tasks, samples)).toHaveLength(1);
  });
});

describe('scpoPairs', () => {
  const unlabelled = (id: string) => task(id, { answer: undefined });

  it('prefers a reply with the most voted answer to one with the least voted answer, with the votes', () => {
    const { samples } = replies('u', ['12', '15', '12', '9', '12', '15'], undefined);
    const pairs = scpoPairs([unlabelled('u')], samples);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({
      taskId: 'u',
      method: 'scpo',
      chosen: samples[0]?.text,
      rejected: samples[3]?.text,
      votes: { chosen: 3, rejected: 1, total: 6 },
      answers: { chosen: '12', rejected: '9' },
    });
  });

  it('skips a tie for the most votes and a task where every reply agrees', () => {
    const tie = replies('tie', ['1', '2', '1', '2', '3'], undefined);
    const agreed = replies('agreed', ['4', '4', '4'], undefined);
    expect(scpoPairs([unlabelled('tie'), unlabelled('agreed')], [...tie.samples, ...agreed.samples])).toEqual([]);
  });

  it('takes the first-given answer among those tied for fewest votes, and ignores replies with no answer', () => {
    const samples = [
      sample('u', 0, 'no answer here'),
      sample('u', 1, 'b', 'B'),
      sample('u', 2, 'a', 'A'),
      sample('u', 3, 'a again', 'A'),
      sample('u', 4, 'c', 'C'),
    ];
    const [pair] = scpoPairs([unlabelled('u')], samples);
    expect(pair).toMatchObject({ chosen: 'a', rejected: 'b', votes: { chosen: 2, rejected: 1, total: 4 } });
  });

  it('leaves labelled and code tasks alone', () => {
    const { samples } = replies('l', ['1', '1', '2'], undefined);
    const code = replies('c', ['x', 'x', 'y'], undefined);
    expect(scpoPairs([task('l'), task('c', { kind: 'code', answer: undefined })], [...samples, ...code.samples])).toEqual([]);
  });
});
