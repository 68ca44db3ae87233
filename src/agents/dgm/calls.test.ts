import { describe, expect, it } from 'vitest';
import type { LlmExchange } from '../../core/model.ts';
import { unserved } from '../../llm/replay.ts';
import { callTag, committedCalls, modelIdsOf, nextSession } from './calls.ts';

const call = (prompt: string, proposal?: string, model = 'm'): LlmExchange => ({
  model,
  operator: 'agent',
  ...(proposal === undefined ? {} : { proposal }),
  request: { messages: [{ role: 'user', content: prompt }] },
  reply: `reply to ${prompt}`,
  finishReason: 'stop',
  usage: { inputTokens: 1, outputTokens: 1 },
  costUsd: 0,
  latencyMs: 1,
  attempts: 1,
  startedAt: 1,
});

describe('the exchanges of a DGM run', () => {
  // Session 0 made d1-0 and d1-1, started d1-2 and was killed; session 1 made d1-2 again.
  const calls = [
    call('a', callTag('d1-0', 0)),
    call('b', callTag('d1-1', 0)),
    call('c', callTag('d1-2', 0)),
    call('c', callTag('d1-2', 0)),
    call('c', callTag('d1-2', 1)),
    call('d', callTag('d1-2', 1)),
  ];

  it('numbers a new session one past the last and keeps, per stored agent, the last session that made it', () => {
    expect(nextSession([])).toBe(0);
    expect(nextSession(calls)).toBe(2);
    expect(nextSession([call('x')])).toBe(0);
    expect(committedCalls(calls, ['d1-0', 'd1-1', 'd1-2'])).toEqual([calls[0], calls[1], calls[4], calls[5]]);
    // An agent that was never stored (abandoned and not made again) contributes nothing.
    expect(committedCalls(calls, ['d1-0', 'd1-1'])).toEqual([calls[0], calls[1]]);
    // An agent id that is a prefix of another is not confused with it.
    expect(committedCalls([call('e', callTag('d1-1', 0)), call('f', callTag('d1-10', 0))], ['d1-1'])).toHaveLength(1);
  });

  it('leaves out of a replay the recorded exchanges already served, the first of each prompt first', () => {
    const recorded = [call('a'), call('b'), call('a'), call('c')];
    expect(unserved(recorded, [call('a', 'x/0')])).toEqual([recorded[1], recorded[2], recorded[3]]);
    expect(unserved(recorded, [call('a'), call('a'), call('b')])).toEqual([recorded[3]]);
    expect(unserved(recorded, [call('a', undefined, 'other')])).toEqual(recorded);
  });

  it('lists the models of a run, the diagnosing one first', () => {
    expect(modelIdsOf('m', [call('a', undefined, 'n'), call('b', undefined, 'm'), call('c', undefined, 'n')])).toEqual(['m', 'n']);
  });
});
