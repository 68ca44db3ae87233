import { afterAll, describe, expect, it } from 'vitest';
import { TaskScorer } from '../task.ts';
import { checkNetwork } from './sorting-network.ts';
import { binPackingTask, circlePackingTask, sortingNetworkTask, tspTask } from './index.ts';

const scorer = new TaskScorer();
afterAll(() => scorer.dispose());

const BEST_FIT = `export function priority(item, bins) { return bins.map((room) => -(room - item)); }`;
const CIRCLES = `export function pack(n) {
  const out = [];
  for (let i = 0; i < 8; i++) out.push([0.125 + 0.25 * (i % 4), 0.125 + 0.25 * Math.floor(i / 4), 0.125]);
  out.push([0.25, 0.75, 0.25], [0.75, 0.75, 0.25]);
  return out.slice(0, n);
}`;
const NEAREST =
  `export function tour(points) {
  const order = [0]; const left = new Set(points.keys()); left.delete(0);
  while (left.size) {
    const [x, y] = points[order[order.length - 1]];
    let best; for (const i of left) if (best === undefined || Math.hypot(points[i][0] - x, points[i][1] - y) ` +
  `< Math.hypot(points[best][0] - x, points[best][1] - y)) best = i;
    order.push(best); left.delete(best);
  }
  return order;
}`;
// Batcher's odd-even merge sort for 8 inputs: 19 comparators.
const BATCHER = `export function network() {
  return [[0,1],[2,3],[4,5],[6,7],[0,2],[1,3],[4,6],[5,7],[1,2],[5,6],[0,4],[3,7],[1,5],[2,6],[1,4],[3,6],[2,4],[3,5],[3,4]];
}`;

describe('STOP downstream tasks', () => {
  it('score their initial programs and rank a better program above them', async () => {
    const cases: [ReturnType<typeof binPackingTask>, string][] = [
      [binPackingTask(), BEST_FIT],
      [circlePackingTask(), CIRCLES],
      [tspTask(), NEAREST],
      [sortingNetworkTask(), BATCHER],
    ];
    for (const [task, better] of cases) {
      const initial = await scorer.score(task, task.initial);
      const improved = await scorer.score(task, better);
      expect(initial.status, task.name).toBe('ok');
      expect(improved.status, `${task.name}: ${improved.message}`).toBe('ok');
      expect(improved.utility, task.name).toBeGreaterThan(initial.utility);
      expect(task.reference(), task.name).toBeGreaterThan(initial.utility);
    }
    expect((await scorer.score(sortingNetworkTask(), BATCHER)).utility).toBe(-19);
    expect((await scorer.score(circlePackingTask(), circlePackingTask().initial)).utility).toBeCloseTo(1.25, 12);
  });

  it('score the floor for a crash, a loop, an import and a wrong answer', async () => {
    const task = sortingNetworkTask();
    const programs = {
      crash: 'export function network() { throw new Error("no"); }',
      loop: 'export function network() { for (;;) {} }',
      import: 'import fs from "node:fs"; export function network() { return []; }',
      unsorted: 'export function network() { return [[0, 1]]; }',
      outOfRange: 'export function network() { return [[0, 9]]; }',
    };
    for (const [name, program] of Object.entries(programs)) {
      const scored = await scorer.score(task, program);
      expect(scored.utility, name).toBe(task.floor);
      expect(scored.status, name).not.toBe('ok');
    }
    const overlapping = await scorer.score(
      circlePackingTask(),
      'export function pack(n) { return Array.from({ length: n }, () => [0.5, 0.5, 0.1]); }',
    );
    expect(overlapping).toMatchObject({ utility: 0, status: 'invalid-result', message: expect.stringMatching(/overlap/) });
    const badChoice = await scorer.score(binPackingTask(), 'export function priority(item, bins) { return [NaN]; }');
    expect(badChoice.status).toBe('ok');
  });

  it('check networks by the 0-1 principle', () => {
    expect(() =>
      checkNetwork(
        [
          [0, 1],
          [1, 2],
          [0, 1],
        ],
        3,
      ),
    ).not.toThrow();
    expect(() =>
      checkNetwork(
        [
          [0, 1],
          [1, 2],
        ],
        3,
      ),
    ).toThrow(/does not sort/);
  });
});
