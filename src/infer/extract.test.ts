import { describe, expect, it } from 'vitest';
import {
  answerOf,
  extractChoice,
  extractCodeBlock,
  extractJsonField,
  extractNumber,
  extractorFor,
  normalizeWhitespace,
} from './extract.ts';

describe('extractors', () => {
  it('reads the final number, preferring a marked one', () => {
    expect(extractNumber('She had 3 apples, then 4 more, so 7 in all. The answer is 7.')).toBe('7');
    expect(extractNumber('Step 1: 12 * 3 = 36\n#### 36\nCheck: 40 - 4')).toBe('36');
    expect(extractNumber('The answer is $1,234.50 after tax of 12')).toBe('1234.5');
    expect(extractNumber('so \\boxed{-0.25} and 99 others')).toBe('-0.25');
    expect(extractNumber('Roughly 18 or maybe 19')).toBe('19');
    expect(extractNumber('no digits here')).toBeUndefined();
  });

  it('reads a choice letter', () => {
    const choice = extractChoice();
    expect(choice('Option (A) is wrong because ... so the answer is (c).')).toBe('C');
    expect(choice('Answer: B')).toBe('B');
    expect(choice('I pick (D) over (A) after all (B)')).toBe('B');
    expect(choice('A cat is an animal.')).toBeUndefined();
    expect(extractChoice('AB')('the answer is E')).toBeUndefined();
  });

  it('reads the last fenced code block, of a language when asked', () => {
    const text = 'First try:\n```python\nprint(1)\n```\nBetter:\n```js\nexport const f = (x) => x + 1;\n```\n';
    expect(extractCodeBlock()(text)).toBe('export const f = (x) => x + 1;');
    expect(extractCodeBlock('python')(text)).toBe('print(1)');
    expect(extractCodeBlock()('no code')).toBeUndefined();
  });

  it('reads a JSON field at a dot path from the largest object in the reply', () => {
    const field = extractJsonField('result.value');
    expect(field('Here: {"result": {"value": 42, "unit": "kg"}} done')).toBe('42');
    expect(extractJsonField('answer')('```json\n{"answer": "Paris", "note": "a {brace} in a string"}\n```')).toBe('Paris');
    expect(extractJsonField('answer')('{"answer": [1, 2]}')).toBe('[1,2]');
    expect(field('{"result": {}}')).toBeUndefined();
    expect(field('{broken')).toBeUndefined();
  });

  it('normalises before voting, and an empty answer is no answer', () => {
    expect(answerOf('```\n  a   b \n```', extractorFor('code', extractNumber), normalizeWhitespace)).toBe('a b');
    expect(answerOf('{"answer": "   "}', extractorFor({ jsonField: 'answer' }, extractNumber), normalizeWhitespace)).toBeUndefined();
    expect(() => extractorFor('words' as never, extractNumber)).toThrow(/extract must be/);
  });
});
