import { Emitter, type RunEvents } from '../src/core/events.ts';
import { evolve } from '../src/engine/evolve.ts';
import { noOpExperiment, tempDb } from './fixtures.ts';

export interface ScaleRow {
  candidates: number;
  perSecond: number;
  rssMb: number;
}

/** One long run with a no-op evaluator: throughput and the engine's RSS for every 10k candidates. */
export async function measureScale(total: number, archive: string): Promise<ScaleRow[]> {
  const events = new Emitter<RunEvents>();
  const rows: ScaleRow[] = [];
  let mark = performance.now();
  let count = 0;
  events.on('candidate-recorded', () => {
    count++;
    if (count % 10_000 === 0) {
      const now = performance.now();
      rows.push({ candidates: count, perSecond: 10_000 / ((now - mark) / 1000), rssMb: process.memoryUsage().rss / 2 ** 20 });
      mark = now;
    }
  });
  await evolve(noOpExperiment(archive), { db: tempDb(), seed: 1, concurrency: 2, budget: { evaluations: total }, events });
  return rows;
}
