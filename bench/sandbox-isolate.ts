// What the isolate tier costs: a first load on a new sandbox, a call once warm, a load per
// candidate on a warm sandbox, against the same function called in-process.
import { IsolateSandbox } from '../src/sandbox/isolate.ts';

const LIMITS = { memoryMb: 64, timeoutMs: 1000 };
const CANDIDATE = 'export function f(x) { return x + 1 }';
const BATCH = 1000;

export interface IsolateFigures {
  coldLoadMs: number;
  warmCallMsMedian: number;
  warmCallMsP95: number;
  loadPerCandidateMsMedian: number;
  inProcessCallMsMedian: number;
}

/** Times `calls` isolate calls (after a warm-up), up to `calls` candidate loads (at most 500) and in-process calls. */
export async function measureIsolate(calls: number): Promise<IsolateFigures> {
  const started = performance.now();
  const sandbox = IsolateSandbox.create(LIMITS);
  try {
    const candidate = await sandbox.load({ 'f.js': CANDIDATE }, 'f.js');
    const coldLoadMs = performance.now() - started;
    for (let index = 0; index < Math.min(calls, 200); index++) await candidate.call('f', index);
    const callTimes: number[] = [];
    for (let index = 0; index < calls; index++) {
      const before = performance.now();
      await candidate.call('f', index);
      callTimes.push(performance.now() - before);
    }

    // Each candidate differs, as in a run, so nothing is cached by its text.
    const loadTimes: number[] = [];
    const loads = Math.min(calls, 500);
    for (let index = 0; index < loads + 20; index++) {
      const genome = { 'f.js': `export function f(x) { return x + ${index} }` };
      const before = performance.now();
      await sandbox.load(genome, 'f.js');
      if (index >= 20) loadTimes.push(performance.now() - before);
    }

    return {
      coldLoadMs,
      warmCallMsMedian: quantile(callTimes, 0.5),
      warmCallMsP95: quantile(callTimes, 0.95),
      loadPerCandidateMsMedian: quantile(loadTimes, 0.5),
      inProcessCallMsMedian: measureInProcess(Math.max(10, Math.ceil(calls / BATCH))),
    };
  } finally {
    sandbox.dispose();
  }
}

// One in-process call is below the clock's resolution: time batches and divide.
function measureInProcess(batches: number): number {
  const f = (x: number) => x + 1;
  const perCall: number[] = [];
  let sink = 0;
  for (let batch = 0; batch < batches + 5; batch++) {
    const before = performance.now();
    for (let index = 0; index < BATCH; index++) sink = f(sink);
    if (batch >= 5) perCall.push((performance.now() - before) / BATCH);
  }
  if (sink < 0) throw new Error('unreachable');
  return quantile(perCall, 0.5);
}

function quantile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
}
