import { describe, expect, it } from 'vitest';
import { LoadFailures, MAX_CONSECUTIVE_LOAD_FAILURES } from './load-failures.ts';

describe('LoadFailures', () => {
  it('counts loads that were already in flight when a failure was counted only once', () => {
    const loads = new LoadFailures();
    const first = loads.stamp();
    const second = loads.stamp(); // started before either failed: the same stall
    expect(loads.record(first)).toBe(true);
    expect(loads.record(second)).toBe(false);
    expect(loads.streak).toBe(1);
    const probe = loads.stamp(); // started after the failure: a fresh attempt
    expect(loads.record(probe)).toBe(true);
    expect(loads.streak).toBe(2);
  });

  it('is exhausted after the documented number of failures in a row, and a success starts over', () => {
    const loads = new LoadFailures();
    for (let index = 1; index < MAX_CONSECUTIVE_LOAD_FAILURES; index++) loads.record(loads.stamp());
    expect(loads.exhausted).toBe(false);
    loads.succeeded();
    expect(loads.streak).toBe(0);
    for (let index = 0; index < MAX_CONSECUTIVE_LOAD_FAILURES; index++) loads.record(loads.stamp());
    expect(loads.exhausted).toBe(true);
  });

  it('waits twice as long after each failure, up to 5 s', () => {
    const loads = new LoadFailures();
    const waits: number[] = [];
    for (let index = 0; index < 6; index++) {
      loads.record(loads.stamp());
      waits.push(loads.backoffMs());
    }
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 5000]);
  });
});
