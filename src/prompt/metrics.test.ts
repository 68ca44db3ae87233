import { describe, expect, it } from 'vitest';
import { parseJudgeReply } from './judge.ts';
import { exactMatch, gsm8kTarget, lastNumber, markedAnswer, numericMatch, targetNumber } from './metrics.ts';

describe('lastNumber', () => {
  it('reads the last number, with thousands commas, decimals and signs', () => {
    expect(lastNumber('So she makes 9 * 2 = $18.')).toBe(18);
    expect(lastNumber('It costs 1,250,000 dollars')).toBe(1250000);
    expect(lastNumber('The answer is -3.5')).toBe(-3.5);
    expect(lastNumber('about .75 of it')).toBe(0.75);
    expect(lastNumber('#### 2,125')).toBe(2125);
    expect(lastNumber('no digits here')).toBeUndefined();
  });

  it('does not read a subtraction as a negative number, nor a list as one number', () => {
    expect(lastNumber('10-3')).toBe(3);
    expect(lastNumber('the terms are 1,2,3')).toBe(3);
    expect(lastNumber('on 2024-05-01')).toBe(1);
  });
});

describe('exactMatch', () => {
  it('compares the whole output, trimmed and ignoring case', () => {
    expect(exactMatch('  Paris \n', 'paris')).toBe(1);
    expect(exactMatch('Paris, France', 'Paris')).toBe(0);
  });

  it('compares the answer after the last Answer: or #### marker', () => {
    expect(exactMatch('Thinking about capitals.\nAnswer: PARIS', 'Paris')).toBe(1);
    expect(exactMatch('Answer: Lyon\nNo wait.\nanswer:  Paris  ', 'Paris')).toBe(1);
    expect(exactMatch('steps...\n#### 42', '42')).toBe(1);
    expect(exactMatch('Answer: Lyon', 'Paris')).toBe(0);
    expect(markedAnswer('no marker')).toBeUndefined();
  });
});

describe('numericMatch', () => {
  it('compares the last number with the target within 1e-6 relative', () => {
    expect(numericMatch('She pays 1,000 dollars in all: 1000', '1,000')).toBe(1);
    expect(numericMatch('That is 18.0000001', '18')).toBe(1);
    expect(numericMatch('That is 18.001', '18')).toBe(0);
    expect(numericMatch('18 first, then 19', '18')).toBe(0);
    expect(numericMatch('I cannot tell', '18')).toBe(0);
    expect(numericMatch('0', '0')).toBe(1);
  });

  it('reads a target that is not a bare number by its last number, and throws without one', () => {
    expect(targetNumber('$18')).toBe(18);
    expect(numericMatch('18', 'eighteen (18)')).toBe(1);
    expect(() => numericMatch('18', 'eighteen')).toThrow('holds no number');
  });
});

describe('gsm8kTarget', () => {
  it('takes the text after the last ####', () => {
    expect(gsm8kTarget({ answer: 'She makes 9 * 2 = $<<9*2=18>>18.\n#### 18' })).toBe('18');
    expect(gsm8kTarget({ answer: 'x\n#### 2,125 ' })).toBe('2,125');
    expect(() => gsm8kTarget({ answer: 'no marker' })).toThrow('no ####');
    expect(() => gsm8kTarget({ question: 'q' })).toThrow('answer field is missing');
  });
});

describe('parseJudgeReply', () => {
  it('reads the last score line, as a fraction when written X/N, and keeps the rest as feedback', () => {
    expect(parseJudgeReply('Correct and concise.\nScore: 0.9')).toEqual({ score: 0.9, feedback: 'Correct and concise.' });
    expect(parseJudgeReply('Misses a step.\n**Score:** 7/10')).toEqual({ score: 0.7, feedback: 'Misses a step.' });
    expect(parseJudgeReply('score = 1')).toEqual({ score: 1, feedback: '' });
  });

  it('gives an error quoting the reply when there is no score line or the score is out of range', () => {
    const missing = parseJudgeReply('Looks fine to me.');
    expect(missing).toEqual({ error: 'the judge gave no "Score: X" line: "Looks fine to me."' });
    const high = parseJudgeReply('Great.\nScore: 8');
    expect('error' in high && high.error).toContain('is not in [0, 1]');
  });
});
