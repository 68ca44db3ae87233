import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalNumber, extractNumber } from '../../infer/extract.ts';
import { normaliseAnswer, numberValue, numericAnswer, textAnswer } from './final-answer.ts';

const GSM8K = join(import.meta.dirname, '../../../../shared/data/gsm8k-test.jsonl');

/** The answer as infer/extract.ts reads it, and as the fast reader does, both canonical. */
function both(text: string): [string | undefined, string | undefined] {
  const fast = numericAnswer(text);
  return [extractNumber(text), fast === undefined ? undefined : canonicalNumber(fast)];
}

/** A small seeded generator, so that the random replies are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('numericAnswer', () => {
  it.each([
    ['The answer is 42.', '42'],
    ['So 3 + 4 = 7.\n#### 7', '7'],
    ['First 12, then #### 1,234 and later 99', '1234'],
    ['Answer: **-3.5** even though 10 came later', '-3.5'],
    ['We get \\boxed{17} in the end, not 18', '17'],
    ['Total: $1,250.50 spent', '1250.5'],
    ['It is .5 of 8', '8'],
    ['Versions 1.2.3', '0.3'],
    ['no digits at all', undefined],
    ['-0 degrees', '0'],
    ['ends with 18.', '18'],
    ['ends with 1,000,', '1000'],
    ['a-5', '-5'],
  ])('reads %j as %s, as extractNumber does', (text, expected) => {
    const [reference, fast] = both(text);
    expect(fast).toBe(expected);
    expect(fast).toBe(reference);
  });

  it('agrees with extractNumber on thousands of seeded random replies', () => {
    const random = seeded(7);
    const pieces = ['answer is ', 'Answer: ', '#### ', '\\boxed{', '}', ' ', '\n', '-', '$', ',', '.', '**', 'x', 'is', '=', '(', ')'];
    for (let round = 0; round < 5_000; round++) {
      let text = '';
      const length = 1 + Math.floor(random() * 14);
      for (let part = 0; part < length; part++) {
        text +=
          random() < 0.45
            ? String(Math.floor(random() * 10_000) / (random() < 0.3 ? 100 : 1))
            : pieces[Math.floor(random() * pieces.length)];
      }
      const [reference, fast] = both(text);
      expect(fast, JSON.stringify(text)).toBe(reference);
    }
  });

  it.skipIf(!existsSync(GSM8K))('agrees with extractNumber on every GSM8K worked answer, and reads its final number', () => {
    const rows = readFileSync(GSM8K, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { answer: string });
    for (const row of rows) {
      const [reference, fast] = both(row.answer);
      expect(fast).toBe(reference);
      expect(fast).toBe(canonicalNumber(row.answer.split('####').at(-1) as string));
      const withoutMark = row.answer.replace(/####.*$/s, '');
      expect(both(withoutMark)[1]).toBe(both(withoutMark)[0]);
    }
  });
});

describe('numberValue', () => {
  it('reads written numbers and refuses others', () => {
    expect(numberValue('$1,234.50')).toBe(1234.5);
    expect(numberValue('-7')).toBe(-7);
    expect(numberValue('1e3')).toBe(1000);
    expect(numberValue('')).toBeNaN();
    expect(numberValue('Paris')).toBeNaN();
  });
});

describe('textAnswer and normaliseAnswer', () => {
  it.each([
    ['Thinking...\nSo the result is \\boxed{\\frac{1}{2}}.', '\\frac{1}{2}'],
    ['Work\n#### Paris\nthanks', 'Paris'],
    ['It must be B.\nThe answer is: (B)\n', '(B)'],
    ['Let me see.\n\nParis.\n\n', 'Paris.'],
    ['The answer is unknown; \\boxed{x^2', 'unknown; \\boxed{x^2'],
    ['', undefined],
  ])('reads %j as %j', (text, expected) => {
    expect(textAnswer(text)).toBe(expected);
  });

  it('ignores case, runs of white space and punctuation at the ends, but keeps signs', () => {
    expect(normaliseAnswer('  **The   Eiffel\tTower.** ')).toBe('the eiffel tower');
    expect(normaliseAnswer('(B)')).toBe('b');
    expect(normaliseAnswer('“Yes!”')).toBe('yes');
    expect(normaliseAnswer('-5')).toBe('-5');
    expect(normaliseAnswer('C++')).toBe('c++');
    expect(normaliseAnswer('...')).toBe('');
  });
});
