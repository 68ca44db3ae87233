import { describe, expect, it } from 'vitest';
import { OuroError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { betaLeaderProbability, dirichletLeaderProbability } from './posterior.ts';
import { selfConsistency } from './self-consistency.ts';
import { stoppingRule, type StoppingOptions } from './stopping.ts';
import type { SampleFunction } from './types.ts';

/** Feeds a rule a hand-built answer stream, drawing exactly what it asks for; returns where it stopped. */
function runOn(options: StoppingOptions, stream: Array<string | undefined>, confidences: Array<number | undefined> = []) {
  const rule = stoppingRule(options);
  let drawn = 0;
  for (;;) {
    const check = rule.check({ answers: stream.slice(0, drawn), confidences: confidences.slice(0, drawn) });
    if (check.decision === 'stop') return { drawn, reason: check.reason, leader: check.leader, statistic: check.statistic };
    drawn += check.draw ?? 0;
    if (drawn > stream.length) throw new Error(`the rule asked for ${drawn} samples, the stream has ${stream.length}`);
  }
}

const repeat = (answer: string, times: number) => Array<string>(times).fill(answer);
/** A stream where no window of `size` (aligned at 0) is unanimous: A, B alternate. */
const alternating = (length: number) => Array.from({ length }, (_, index) => (index % 2 === 0 ? 'A' : 'B'));

describe('stopping rules on hand-built streams', () => {
  it('fixed draws exactly N', () => {
    expect(runOn({ rule: 'fixed', samples: 5 }, repeat('7', 5))).toMatchObject({ drawn: 5, reason: 'fixed-samples', leader: '7' });
  });

  it('esc stops at the first unanimous window, and at N when none is', () => {
    const options: StoppingOptions = { rule: 'esc', window: 4, maxSamples: 40 };
    expect(runOn(options, repeat('A', 40))).toMatchObject({ drawn: 4, reason: 'window-unanimous' });
    // First window split, second unanimous: stops at 8, not at 5 where four A's in a row already appear.
    expect(runOn(options, ['A', 'B', 'A', 'A', 'A', 'A', 'A', 'A', ...repeat('B', 32)])).toMatchObject({ drawn: 8, leader: 'A' });
    expect(runOn(options, alternating(40))).toMatchObject({ drawn: 40, reason: 'max-samples' });
    // N = 10 with windows of 4: the last window is 2 samples long and is checked too.
    expect(runOn({ rule: 'esc', window: 4, maxSamples: 10 }, [...alternating(8), 'C', 'C'])).toMatchObject({
      drawn: 10,
      reason: 'window-unanimous',
    });
    // A sample with no answer breaks a window's unanimity.
    expect(runOn(options, ['A', 'A', undefined, 'A', ...repeat('A', 4)])).toMatchObject({ drawn: 8 });
  });

  it('asc (beta) stops when P(leader stays leader) first passes the threshold', () => {
    const options: StoppingOptions = { rule: 'asc', threshold: 0.95, maxSamples: 40 };
    // Unanimous k: P = 1 - 2^-(k+1); 0.9375 at k = 3, 0.96875 at k = 4.
    expect(runOn(options, repeat('A', 40))).toMatchObject({
      drawn: 4,
      reason: 'leader-settled',
      statistic: expect.closeTo(1 - 2 ** -5, 12),
    });
    // One dissent, then A's: with counts (k, 1) P = 1 - (k + 3) / 2^(k+2); 0.9375 at k = 5, 0.9648 at k = 6.
    expect(runOn(options, ['A', 'B', ...repeat('A', 38)])).toMatchObject({ drawn: 7, leader: 'A' });
    expect(runOn(options, alternating(40))).toMatchObject({ drawn: 40, reason: 'max-samples' });
    expect(runOn({ ...options, threshold: 0.99 }, repeat('A', 40)).drawn).toBe(6);
  });

  it('asc (dirichlet) agrees with the closed form for two answers and is reproducible by seed', () => {
    const estimate = dirichletLeaderProbability([6, 1], 20_000, Rng.fromSeed(3));
    expect(Math.abs(estimate - betaLeaderProbability(6, 1))).toBeLessThan(0.01);
    const options: StoppingOptions = { rule: 'asc', threshold: 0.95, maxSamples: 40, model: 'dirichlet', seed: 5 };
    const stream = ['A', 'B', 'C', ...repeat('A', 37)];
    const first = runOn(options, stream);
    expect(runOn(options, stream)).toEqual(first);
    // A third answer makes the leader less sure than the two-answer model says, so it stops no earlier.
    expect(first.drawn).toBeGreaterThanOrEqual(runOn({ rule: 'asc', threshold: 0.95, maxSamples: 40 }, stream).drawn);
    expect(runOn(options, repeat('A', 40))).toMatchObject({ drawn: 4 });
  });

  it('dsc gives an easy input one sample and harder inputs difficulty-sized windows', () => {
    expect(runOn({ rule: 'dsc', window: 4, maxSamples: 40, prior: 0.1 }, repeat('A', 40))).toMatchObject({ drawn: 1, reason: 'easy' });
    expect(runOn({ rule: 'dsc', window: 4, maxSamples: 40 }, repeat('A', 40), [0.95])).toMatchObject({ drawn: 1, reason: 'easy' });
    // Difficulty 0.5 (or an unknown confidence): windows of round(4 * (1 + 0.3 / 0.8)) = 6, the probe included.
    expect(runOn({ rule: 'dsc', window: 4, maxSamples: 40, prior: 0.5 }, repeat('A', 40))).toMatchObject({
      drawn: 6,
      reason: 'window-unanimous',
    });
    expect(runOn({ rule: 'dsc', window: 4, maxSamples: 40 }, repeat('A', 40))).toMatchObject({ drawn: 6 });
    // Difficulty 1: windows of 8.
    expect(runOn({ rule: 'dsc', window: 4, maxSamples: 40, prior: 1 }, repeat('A', 40))).toMatchObject({ drawn: 8 });
    expect(runOn({ rule: 'dsc', window: 4, maxSamples: 40, prior: 1 }, ['A', 'B', ...repeat('C', 38)])).toMatchObject({
      drawn: 16,
      leader: 'C',
    });
    // Just above easy (0.25): windows of 4.
    expect(runOn({ rule: 'dsc', window: 4, maxSamples: 40, prior: 0.25 }, ['A', 'B', 'C', 'C', ...repeat('C', 36)])).toMatchObject({
      drawn: 8,
      leader: 'C',
    });
  });

  it('rejects options out of range, naming the option', () => {
    const fieldOf = (options: StoppingOptions) => {
      try {
        stoppingRule(options);
      } catch (error) {
        expect(error).toBeInstanceOf(OuroError);
        return { field: (error as OuroError).field, message: (error as Error).message };
      }
      throw new Error('no error');
    };
    expect(fieldOf({ rule: 'fixed', samples: 0 })).toMatchObject({ field: 'stop.samples', message: expect.stringContaining('at least 1') });
    expect(fieldOf({ rule: 'esc', window: 8, maxSamples: 4 })).toMatchObject({ field: 'stop.window' });
    expect(fieldOf({ rule: 'asc', threshold: 1, maxSamples: 10 })).toMatchObject({
      field: 'stop.threshold',
      message: expect.stringContaining('between 0 and 1'),
    });
    expect(fieldOf({ rule: 'asc', threshold: 0, maxSamples: 10 })).toMatchObject({ field: 'stop.threshold' });
    expect(fieldOf({ rule: 'dsc', window: 4, maxSamples: 40, prior: 2 })).toMatchObject({ field: 'stop.prior' });
  });
});

describe('selfConsistency over a sampler function', () => {
  /** Serves the stream's replies in order and counts the calls. */
  function streamSampler(replies: string[]): SampleFunction & { calls: number } {
    const sampler = Object.assign(
      async () => {
        const reply = replies[sampler.calls];
        sampler.calls += 1;
        if (reply === undefined) throw new Error('stream exhausted');
        return { text: reply, usage: { inputTokens: 10, outputTokens: 5 }, costUsd: 0.001 };
      },
      { calls: 0 },
    );
    return sampler;
  }

  it('draws exactly as many samples as each rule asks for on a known stream', async () => {
    const replies = ['The answer is 3.', 'The answer is 5.', ...Array<string>(38).fill('So the answer is 5.')];
    const cases: Array<[StoppingOptions, number]> = [
      [{ rule: 'fixed', samples: 10 }, 10],
      [{ rule: 'esc', window: 4, maxSamples: 40 }, 8],
      [{ rule: 'asc', threshold: 0.95, maxSamples: 40 }, 7],
      [{ rule: 'dsc', window: 4, maxSamples: 40, prior: 0.05 }, 1],
    ];
    for (const [stop, expected] of cases) {
      const sampler = streamSampler(replies);
      const result = await selfConsistency(sampler, 'q', { stop });
      expect({ rule: stop.rule, drawn: sampler.calls, samples: result.samples.length }).toEqual({
        rule: stop.rule,
        drawn: expected,
        samples: expected,
      });
      expect(result.cost).toEqual({
        calls: expected,
        inputTokens: 10 * expected,
        outputTokens: 5 * expected,
        costUsd: expect.closeTo(0.001 * expected, 9),
      });
      expect(result.answer).toBe(stop.rule === 'dsc' ? '3' : '5');
    }
  });

  it('returns no answer, with the samples, when no sample states one', async () => {
    const result = await selfConsistency(streamSampler(['I am not sure.', 'No idea.', 'Hmm.']), 'q', {
      stop: { rule: 'fixed', samples: 3 },
    });
    expect(result).toMatchObject({ answer: null, text: null, votes: [], stopReason: 'fixed-samples' });
    expect(result.samples.map((sample) => sample.text)).toEqual(['I am not sure.', 'No idea.', 'Hmm.']);
  });

  it('stops cleanly at a call, token or money budget, and on abort', async () => {
    const replies = Array<string>(40).fill('#### 12');
    const byCalls = await selfConsistency(streamSampler(replies), 'q', { stop: { rule: 'fixed', samples: 20 }, budget: { calls: 3 } });
    expect(byCalls).toMatchObject({ answer: '12', stopReason: 'budget-calls', halted: 'budget-calls' });
    expect(byCalls.samples).toHaveLength(3);
    const byTokens = await selfConsistency(streamSampler(replies), 'q', { stop: { rule: 'fixed', samples: 20 }, budget: { tokens: 40 } });
    expect(byTokens.samples).toHaveLength(3); // 15 tokens a call: 45 >= 40 after the third
    const byMoney = await selfConsistency(streamSampler(replies), 'q', {
      stop: { rule: 'fixed', samples: 20 },
      budget: { costUsd: 0.0045 },
    });
    expect(byMoney.samples).toHaveLength(5);
    const controller = new AbortController();
    let calls = 0;
    const aborting: SampleFunction = async () => {
      if (++calls === 2) controller.abort();
      return '#### 1';
    };
    const aborted = await selfConsistency(aborting, 'q', { stop: { rule: 'fixed', samples: 10 }, signal: controller.signal });
    expect(aborted).toMatchObject({ halted: 'aborted', answer: '1' });
    expect(aborted.samples).toHaveLength(2);
  });
});
