import { describe, expect, it } from 'vitest';
import { mapLimited, type InstanceTrace } from './scoring.ts';
import { CarriedMinibatches } from './task-core.ts';
import { CallTally } from './task-model.ts';
import { recordingModels } from './test-kit.ts';
import { storedTraces, tracesText } from './traces.ts';

function trace(id: string, score: number, output = `output of ${id}`): InstanceTrace {
  return { id, split: 'train', input: `input of ${id}`, output, target: '42', score, cached: false, truncated: false };
}

describe('tracesText', () => {
  it('writes traces worst first with input, output, target and the metric word', () => {
    const text = tracesText(
      [trace('a', 1), { ...trace('b', 0), feedback: 'wrong unit', truncated: true }, { ...trace('c', 0.5), error: 'bad' }],
      4_000,
    );
    expect(text.indexOf('### Example b (score 0)')).toBeLessThan(text.indexOf('### Example c (score 0.5)'));
    expect(text.indexOf('### Example c')).toBeLessThan(text.indexOf('### Example a (score 1)'));
    expect(text).toContain(
      'Input: input of b\nOutput: output of b [cut off at the output-token cap]\nExpected: 42\nMetric says: wrong unit',
    );
    expect(text).toContain('Metric failed: bad');
  });

  it('stays near its limit by shortening long outputs, and always shows the worst trace', () => {
    const long = 'x'.repeat(10_000);
    const text = tracesText([trace('a', 0, long), trace('b', 0, long), trace('c', 1, long)], 1_500);
    expect(text.length).toBeLessThan(1_800);
    expect(text).toContain('### Example a');
    expect(text).toMatch(/more characters\]/);
    const tiny = tracesText([trace('a', 0, long), trace('b', 1, long)], 10);
    expect(tiny).toContain('### Example a');
    expect(tiny).toContain('(1 more examples not shown)');
  });
});

describe('storedTraces', () => {
  it('cuts outputs to the limit and inputs to half of it', () => {
    const [stored] = storedTraces([{ ...trace('a', 1, 'y'.repeat(500)), input: 'z'.repeat(500) }], 100);
    expect(stored?.output).toBe(`${'y'.repeat(100)}... [400 more characters]`);
    expect(stored?.input).toBe(`${'z'.repeat(50)}... [450 more characters]`);
  });
});

describe('mapLimited', () => {
  it('keeps results in item order with at most `limit` running', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimited([5, 1, 4, 2, 3], 2, async (item) => {
      running++;
      most = Math.max(most, running);
      for (let tick = 0; tick < item; tick++) await new Promise((resolve) => setImmediate(resolve));
      running--;
      return item * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('starts nothing after a failure and rejects with it once the running work settles', async () => {
    const started: number[] = [];
    let settled = 0;
    const outcome = mapLimited([1, 2, 3, 4, 5, 6], 2, async (item) => {
      started.push(item);
      await new Promise((resolve) => setImmediate(resolve));
      settled++;
      if (item === 2) throw new Error('call 2 failed');
      return item;
    });
    await expect(outcome).rejects.toThrow('call 2 failed');
    expect(started.length).toBeLessThan(6);
    expect(settled).toBe(started.length);
  });
});

describe('CarriedMinibatches', () => {
  it('gives a candidate its traces once, and keeps only the newest few', () => {
    const carried = new CarriedMinibatches(2);
    const tally = new CallTally(recordingModels(() => ''));
    carried.put('run-1', { traces: [trace('a', 1)], tally });
    expect(carried.take('run-1')?.traces).toHaveLength(1);
    expect(carried.take('run-1')).toBeUndefined();
    for (const id of ['run-2', 'run-3', 'run-4']) carried.put(id, { traces: [], tally });
    expect(carried.size).toBe(2);
    expect(carried.take('run-2')).toBeUndefined();
    expect(carried.take('run-4')).toBeDefined();
  });
});
