import { describe, expect, it } from 'vitest';
import { checkJsonl, EXPORT_SCHEMAS } from './schemas.ts';

const line = (value: unknown): string => JSON.stringify(value);

describe('export schemas', () => {
  it('accept the documented examples of each format', () => {
    const valid: Record<keyof typeof EXPORT_SCHEMAS, unknown> = {
      'openai-chat': {
        messages: [
          { role: 'system', content: 'Marv is sarcastic.' },
          { role: 'user', content: 'Capital of France?' },
          { role: 'assistant', content: 'Paris.', weight: 1 },
        ],
      },
      'trl-messages': {
        messages: [
          { role: 'user', content: 'What colour is the sky?' },
          { role: 'assistant', content: 'Blue.' },
        ],
      },
      'trl-prompt-completion': { prompt: 'The sky is', completion: ' blue.' },
      'trl-prompt-completion-conversational': {
        prompt: [{ role: 'user', content: 'What colour is the sky?' }],
        completion: [{ role: 'assistant', content: 'Blue.' }],
      },
      'trl-dpo': { prompt: 'The sky is', chosen: ' blue.', rejected: ' green.' },
      'trl-dpo-conversational': {
        prompt: [{ role: 'user', content: 'What colour is the sky?' }],
        chosen: [{ role: 'assistant', content: 'Blue.' }],
        rejected: [{ role: 'assistant', content: 'Green.' }],
      },
      'openai-dpo': {
        input: { messages: [{ role: 'user', content: 'How cold is it?' }] },
        preferred_output: [{ role: 'assistant', content: 'About 12 degrees.' }],
        non_preferred_output: [{ role: 'assistant', content: 'Cold.' }],
      },
    };
    for (const [format, value] of Object.entries(valid)) {
      expect(EXPORT_SCHEMAS[format as keyof typeof EXPORT_SCHEMAS].safeParse(value).success, format).toBe(true);
    }
  });

  it('reject what the providers reject', () => {
    const rejects = (format: keyof typeof EXPORT_SCHEMAS, value: unknown): boolean => !EXPORT_SCHEMAS[format].safeParse(value).success;
    expect(rejects('openai-chat', { messages: [{ role: 'user', content: 'no reply' }] })).toBe(true);
    expect(rejects('openai-chat', { messages: [] })).toBe(true);
    expect(
      rejects('openai-chat', {
        messages: [
          { role: 'robot', content: 'x' },
          { role: 'assistant', content: 'y' },
        ],
      }),
    ).toBe(true);
    expect(rejects('openai-chat', { messages: [{ role: 'assistant', content: 3 }] })).toBe(true);
    expect(rejects('openai-chat', { messages: [{ role: 'assistant', content: 'y', weight: 2 }] })).toBe(true);
    expect(rejects('trl-dpo', { prompt: 'p', chosen: 'c' })).toBe(true);
    expect(rejects('trl-dpo', { prompt: 'p', chosen: 'c', rejected: 'r', messages: [] })).toBe(true);
    expect(
      rejects('trl-dpo-conversational', {
        prompt: [{ role: 'user', content: 'p' }],
        chosen: [{ role: 'user', content: 'c' }],
        rejected: [],
      }),
    ).toBe(true);
    expect(
      rejects('openai-dpo', {
        input: { messages: [{ role: 'user', content: 'p' }] },
        preferred_output: [
          { role: 'assistant', content: 'a' },
          { role: 'assistant', content: 'b' },
        ],
        non_preferred_output: [{ role: 'assistant', content: 'c' }],
      }),
    ).toBe(true);
    expect(rejects('trl-prompt-completion', { prompt: ['p'], completion: 'c' })).toBe(true);
  });
});

describe('checkJsonl', () => {
  it('names each bad line and the field at fault', () => {
    const text = [
      line({ prompt: 'p', chosen: 'c', rejected: 'r' }),
      '{not json',
      line({ prompt: 'p', chosen: 'c' }),
      '',
      line({ prompt: 'p', chosen: 'c', rejected: 'r' }),
    ].join('\n');
    const problems = checkJsonl(`${text}\n`, 'trl-dpo');
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^line 2: not JSON/);
    expect(problems[1]).toMatch(/^line 3: rejected: /);
    expect(problems[2]).toMatch(/^line 4: not JSON/);
  });

  it('passes an empty file and a valid file with or without a final newline', () => {
    expect(checkJsonl('', 'trl-dpo')).toEqual([]);
    const valid = line({ prompt: 'p', chosen: 'c', rejected: 'r' });
    expect(checkJsonl(valid, 'trl-dpo')).toEqual([]);
    expect(checkJsonl(`${valid}\n${valid}\n`, 'trl-dpo')).toEqual([]);
  });
});
