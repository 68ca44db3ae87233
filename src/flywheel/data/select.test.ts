import { describe, expect, it } from 'vitest';
import { OuroError } from '../../core/errors.ts';
import { acceptRationalised, rationalisationPrompt } from './rationalise.ts';
import { replies, sample, task, verdict } from './round.fixtures.ts';
import { selectRest } from './select-rest.ts';
import { selectStar } from './select-star.ts';

describe('selectStar', () => {
  const tasks = [task('solved', { system: 'Be brief.' }), task('failed'), task('open', { answer: undefined })];
  const solved = replies('solved', ['7', '8', '7'], '7');
  const failed = replies('failed', ['5', '6'], '7');
  const open = replies('open', ['1', '2'], '9');

  it('keeps every passing reply under the task prompt and lists unsolved tasks by whether they can be hinted', () => {
    const selection = selectStar(
      tasks,
      [...solved.samples, ...failed.samples, ...open.samples],
      [...solved.verdicts, ...failed.verdicts, ...open.verdicts],
    );
    expect(selection.examples).toEqual([
      {
        taskId: 'solved',
        round: 1,
        index: 0,
        system: 'Be brief.',
        prompt: 'Question solved?',
        completion: solved.samples[0]?.text,
        origin: 'sample',
        verifier: 'answer-numeric',
      },
      expect.objectContaining({ taskId: 'solved', index: 2, completion: solved.samples[2]?.text, origin: 'sample' }),
    ]);
    expect(selection.needsRationalisation.map((entry) => entry.id)).toEqual(['failed']);
    expect(selection.unsolved.map((entry) => entry.id)).toEqual(['open']);
  });

  it('keeps no reply that no verifier checked, and lets the strongest verdict decide', () => {
    const samples = [sample('solved', 0, 'says 7', '7'), sample('solved', 1, 'says 8', '8')];
    const verdicts = [
      // The majority vote passed reply 1, but the reference answer failed it: the reference decides.
      verdict('solved', 1, true, 'self-consistency'),
      verdict('solved', 1, false, 'answer-normalised'),
    ];
    const selection = selectStar([task('solved')], samples, verdicts);
    expect(selection.examples).toEqual([]);
    expect(selection.needsRationalisation.map((entry) => entry.id)).toEqual(['solved']);
  });
});

describe('rationalisation', () => {
  const hinted = task('r1', { prompt: 'What is 3 + 4?', answer: '7', system: 'Show your work.' });
  const reachesSeven = (_task: unknown, reply: string): boolean => /= 7\b/.test(reply);

  it('adds the answer as a hint to the prompt, and refuses a task with no answer', () => {
    const prompt = rationalisationPrompt(hinted);
    expect(prompt.startsWith('What is 3 + 4?\n\n')).toBe(true);
    expect(prompt).toContain('the correct answer is 7');
    expect(() => rationalisationPrompt(task('none', { answer: undefined }))).toThrow(OuroError);
    expect(() => rationalisationPrompt(task('blank', { answer: '  ' }))).toThrow(/task blank: rationalisation needs a reference answer/);
  });

  it('stores an accepted reply under the original prompt, hint stripped, as rationalised', async () => {
    const example = await acceptRationalised(hinted, '3 + 4 = 7, so the answer is 7.', reachesSeven, {
      round: 2,
      index: 0,
      verifier: 'answer-numeric',
    });
    expect(example).toEqual({
      taskId: 'r1',
      round: 2,
      index: 0,
      system: 'Show your work.',
      prompt: 'What is 3 + 4?',
      completion: '3 + 4 = 7, so the answer is 7.',
      origin: 'rationalised',
      verifier: 'answer-numeric',
    });
    expect(example?.prompt).not.toContain('Hint');
  });

  it('rejects a reply that misses the answer, is empty, or leans on the hint', async () => {
    expect(await acceptRationalised(hinted, '3 + 4 = 8.', reachesSeven, { round: 2 })).toBeUndefined();
    expect(await acceptRationalised(hinted, '   ', () => true, { round: 2 })).toBeUndefined();
    const leaning = 'The hint says 7, and indeed 3 + 4 = 7.';
    expect(await acceptRationalised(hinted, leaning, reachesSeven, { round: 2 })).toBeUndefined();
    expect(await acceptRationalised(hinted, leaning, reachesSeven, { round: 2, allowHintMention: true })).toBeDefined();
  });

  it('waits for an asynchronous check', async () => {
    const slowYes = async (): Promise<boolean> => true;
    const slowNo = async (): Promise<boolean> => false;
    expect(await acceptRationalised(hinted, '3 + 4 = 7', slowYes, { round: 1 })).toBeDefined();
    expect(await acceptRationalised(hinted, '3 + 4 = 7', slowNo, { round: 1 })).toBeUndefined();
  });
});

describe('selectRest', () => {
  const base = 'First add three and four to get seven, then check the sum once more, and the final answer is 7.';
  const samples = [
    sample('t', 0, base, '7'),
    // Two words differ from reply 0: a near-duplicate (3-gram Jaccard 0.75).
    sample('t', 1, base.replace('once more', 'once again'), '7'),
    sample('t', 2, 'Wrong: 3 + 4 = 8.', '8'),
    sample('t', 3, 'Counting up from four by three steps: five, six, seven. Seven it is.', '7'),
    sample('t', 4, 'Since 4 + 3 = 7 by commutativity, we conclude the result equals 7.', '7'),
    sample('u', 0, 'u says 7', '7'),
  ];
  const verdicts = [
    verdict('t', 0, true),
    verdict('t', 1, true),
    verdict('t', 2, false),
    verdict('t', 3, true),
    verdict('t', 4, true),
    verdict('u', 0, true),
  ];

  it('drops near-duplicates of a reply already kept, then caps each task', () => {
    const selection = selectRest([task('t'), task('u')], samples, verdicts, { maxPerTask: 2, similarity: { threshold: 0.5 } });
    expect(selection.examples.map((example) => `${example.taskId}#${example.index}`)).toEqual(['t#0', 't#3', 'u#0']);
    expect(selection.nearDuplicates).toBe(1);
    expect(selection.overCap).toBe(1);
  });

  it('keeps the near-duplicate when the threshold is above its similarity', () => {
    const selection = selectRest([task('t')], samples, verdicts, { maxPerTask: 10, similarity: { threshold: 1 } });
    expect(selection.examples.map((example) => example.index)).toEqual([0, 1, 3, 4]);
    expect(selection.nearDuplicates).toBe(0);
  });

  it('treats exact copies, whitespace aside, as duplicates even at threshold 1', () => {
    const copies = [sample('t', 0, 'x = 3 + 4 = 7', '7'), sample('t', 1, 'x  =  3 + 4\n= 7', '7')];
    const selection = selectRest([task('t')], copies, [verdict('t', 0, true), verdict('t', 1, true)], {
      maxPerTask: 5,
      similarity: { threshold: 1 },
    });
    expect(selection.examples).toHaveLength(1);
    expect(selection.nearDuplicates).toBe(1);
  });

  it('refuses a cap or threshold out of range, naming the field', () => {
    expect(() => selectRest([], [], [], { maxPerTask: 0 })).toThrow(/maxPerTask/);
    expect(() => selectRest([], [], [], { maxPerTask: 1, similarity: { threshold: 0 } })).toThrow(/similarity.threshold/);
  });
});
