import { describe, expect, it } from 'vitest';
import { replyShingles, replySimilarity, similaritySettings } from './similarity.ts';

describe('reply similarity', () => {
  it('is 1 for the same reply, whatever the spacing and case of prose', () => {
    expect(replySimilarity('The answer is 7.', 'the   answer\nis 7.', 'answer')).toBe(1);
    expect(replySimilarity('', '', 'answer')).toBe(1);
  });

  it('falls as replies share fewer runs of words', () => {
    const base = 'Add three and four to get seven, so the answer is 7.';
    const close = replySimilarity(base, 'Add three and four to get seven, so the result is 7.', 'answer');
    const far = replySimilarity(base, 'Counting on from four: five, six, seven.', 'answer');
    expect(close).toBeGreaterThan(0.4);
    expect(close).toBeLessThan(1);
    expect(far).toBeLessThan(0.1);
    expect(replySimilarity(base, '', 'answer')).toBe(0);
  });

  it('reads code with the novelty filter’s tokenizer: comments and layout do not count, names do', () => {
    const code = 'function add(a, b) { return a + b; }';
    expect(replySimilarity(code, 'function add(a, b) {\n  // adds them\n  return a + b;\n}', 'code')).toBe(1);
    expect(replySimilarity(code, 'function add(x, y) { return x + y; }', 'code')).toBeLessThan(0.5);
  });

  it('keeps apostrophes as words in prose', () => {
    // The code tokenizer would read "'t add ... isn'" as one string literal.
    expect(replyShingles("don't add, isn't it", 'answer', 1).length).toBe(7);
  });

  it('counts a reply shorter than one n-gram as one n-gram', () => {
    expect(replyShingles('7', 'answer', 3).length).toBe(1);
    expect(replySimilarity('7', '8', 'answer', 3)).toBe(0);
  });

  it('checks its options', () => {
    expect(similaritySettings({})).toEqual({ threshold: 0.8, ngram: 3 });
    expect(() => similaritySettings({ threshold: 1.5 })).toThrow(/similarity.threshold/);
    expect(() => similaritySettings({ ngram: 0 })).toThrow(/similarity.ngram/);
  });
});
