import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ESC_LAST_LETTERS_FILE, lastLettersAnswer, readRecordedSamples, replaySampler } from '../bench/esc-samples.ts';
import { measureInferReal } from '../bench/infer-real.ts';
import { selfConsistency } from '../src/infer/self-consistency.ts';

const dir = mkdtempSync(join(tmpdir(), 'ouro-esc-samples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const said = (answer: string) => `The last letters are ... The answer is ${answer}.`;
const record = (question: string, answer: string, samples: string[]) => JSON.stringify({ question, answer, generated_answer: samples });

// Question 1: a unanimous first window of the right answer, then a wrong majority, so the stored
// order decides the outcome. Question 2: two answers alternating, so no window is ever unanimous.
const early = [...Array(5).fill(said('abc')), ...Array(35).fill(said('xyz'))];
const alternating = Array.from({ length: 40 }, (_, index) => said(index % 2 === 0 ? 'ab' : 'cd'));

describe('recorded samples in the ESC release layout', () => {
  it('reads each line into a question, its gold answer and its replies in stored order, skipping blank lines', () => {
    const file = fixture('three.jsonl', [
      record('Q: "Whitney Erika"', 'ya', [said('ya'), 'A: no idea']),
      '',
      record('Q: "Tj Benito"', 'jo', [said('jo')]),
    ]);
    const questions = readRecordedSamples(file);
    expect(questions).toEqual([
      { line: 1, question: 'Q: "Whitney Erika"', gold: 'ya', samples: [said('ya'), 'A: no idea'] },
      { line: 3, question: 'Q: "Tj Benito"', gold: 'jo', samples: [said('jo')] },
    ]);
  });

  it('rejects a malformed line, naming the file and the line number', () => {
    const notJson = fixture('broken.jsonl', [
      record('Q1', 'ab', [said('ab')]),
      record('Q2', 'cd', [said('cd')]),
      '{"question": "Q3", "answer": "ef", "generated_answer": [',
    ]);
    expect(() => readRecordedSamples(notJson)).toThrow(
      expect.objectContaining({ code: 'replay-invalid', file: notJson, message: expect.stringContaining(`${notJson}:3: not JSON`) }),
    );
    const badReply = fixture('bad-reply.jsonl', [
      record('Q1', 'ab', [said('ab')]),
      JSON.stringify({ question: 'Q2', answer: 'cd', generated_answer: [said('cd'), 7] }),
    ]);
    expect(() => readRecordedSamples(badReply)).toThrow(`${badReply}:2: "generated_answer"[1] must be a string`);
    const noGold = fixture('no-gold.jsonl', [JSON.stringify({ question: 'Q1', generated_answer: [said('ab')] })]);
    expect(() => readRecordedSamples(noGold)).toThrow(`${noGold}:1: "answer" must be a string`);
    expect(() => readRecordedSamples(join(dir, 'absent.jsonl'))).toThrow(expect.objectContaining({ code: 'replay-invalid' }));
  });

  it('reads the answer after the last "the answer is", lower-cased, letters only', () => {
    expect(lastLettersAnswer('The answer is \'ab\'. Wait, the answer is "Y-a J".')).toBe('yaj');
    expect(lastLettersAnswer('Concatenating them gives "anna".')).toBeUndefined();
    expect(lastLettersAnswer('The answer is 42.')).toBeUndefined();
  });

  it('replays the stored order: ESC stops at the first unanimous window that the stored order gives it', async () => {
    const [question] = readRecordedSamples(fixture('early.jsonl', [record('Q1', 'abc', early)]));
    const esc = await selfConsistency(replaySampler(question!), question!.question, {
      extract: lastLettersAnswer,
      stop: { rule: 'esc', window: 5, maxSamples: 40 },
    });
    expect(esc.samples.map((sample) => sample.text)).toEqual(early.slice(0, 5));
    expect(esc.answer).toBe('abc');
    const ask = replaySampler(question!, [39, 0]);
    expect([await ask({ messages: [], purpose: 'sample' }), await ask({ messages: [], purpose: 'sample' })]).toEqual([early[39], early[0]]);
    await expect(ask({ messages: [], purpose: 'sample' })).rejects.toThrow('line 1: asked for more than the 2 recorded samples');
  });

  it('measures accuracy and samples per question for each method, in stored order and permuted', async () => {
    const file = fixture('two.jsonl', [record('Q1', 'abc', early), record('Q2', 'AB', alternating)]);
    const real = await measureInferReal(file, [1, 2]);
    const row = (name: string) => real.rows.find((entry) => entry.name.startsWith(name))!;
    // Fixed N=40 votes the wrong majority of question 1; the tie of question 2 goes to the answer seen first.
    expect(row('SC, fixed N=40').stored).toEqual({ accuracy: 0.5, samples: 40 });
    expect(row('ESC, window 5').stored).toEqual({ accuracy: 1, samples: (5 + 40) / 2 });
    expect(row('SC, fixed N=40').shuffled.map((pass) => pass.samples)).toEqual([40, 40]);
    expect(real.goldRewritten).toEqual([{ line: 2, gold: 'AB', compared: 'ab' }]);
    expect(real).toMatchObject({ questions: 2, samplesPerQuestion: 40, unanswered: 0, total: 80 });
  });
});

const haveRelease = existsSync(ESC_LAST_LETTERS_FILE);

describe("the ESC release's GPT-3.5 Last Letters samples", () => {
  it.skipIf(!haveRelease)(
    haveRelease
      ? 'holds 500 questions of 40 replies, nearly all with a stated answer'
      : `holds 500 questions of 40 replies (skipped: expects the file at ${ESC_LAST_LETTERS_FILE})`,
    () => {
      const questions = readRecordedSamples(ESC_LAST_LETTERS_FILE);
      expect(questions).toHaveLength(500);
      expect(questions.every((question) => question.samples.length === 40)).toBe(true);
      const unanswered = questions.flatMap((question) => question.samples).filter((sample) => lastLettersAnswer(sample) === undefined);
      expect(unanswered).toHaveLength(73);
    },
  );
});
