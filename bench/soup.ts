import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '../src/core/rng.ts';
import { DEFAULT_MAX_STEPS, runTape, TAPE_LENGTH } from '../src/soup/bff.ts';
import { DEFAULT_MUTATION, DEFAULT_SOUP_SIZE, fillRandomBytes, Soup } from '../src/soup/soup.ts';
import { SoupThreads } from '../src/soup/workers.ts';
import { median } from './fixtures.ts';

const SOURCE = resolve(import.meta.dirname, 'soup-ref.c');
const INSTRUCTIONS = [...'<>{}+-.,[]'].map((c) => c.charCodeAt(0));

export interface SoupSpeedOptions {
  /** Programs in the soup; 2^17 by default. */
  size?: number;
  /** Timed epochs per run, after `warmup` untimed ones. */
  epochs?: number;
  warmup?: number;
  /** Runs of every measurement; the figures are their medians. */
  repeats?: number;
  seed?: number;
  mutation?: number;
  /** Fixed-tape workload: this many tapes, each run `tapeRounds[name]` times in place. */
  tapes?: number;
  tapeRounds?: Partial<Record<TapeKind, number>>;
}

export type TapeKind = 'uniform' | 'instructions';

/** One way of running the soup, as medians over the repeats. */
export interface SoupRate {
  /** Seconds of each run, for the timed epochs only. */
  seconds: number[];
  interactionsPerSecond: number;
  stepsPerSecond: number;
  msPerEpoch: number;
}

export interface TapeRate {
  kind: TapeKind;
  tapes: number;
  rounds: number;
  /** Total steps of one run of the workload (identical in TS and C, checked). */
  steps: number;
  tsSeconds: number[];
  cSeconds: number[];
  tsStepsPerSecond: number;
  cStepsPerSecond: number;
}

export interface SoupSpeedResult {
  /** 1-minute load average when the measurement started (other jobs share the machine). */
  loadAverage: number;
  size: number;
  epochs: number;
  warmup: number;
  repeats: number;
  mutation: number;
  /** Steps and interactions of one run's timed epochs (identical in every run and implementation, checked). */
  steps: number;
  interactions: number;
  /** How the C reference was compiled. */
  compiler: string;
  ts1: SoupRate;
  ts2: SoupRate;
  c: SoupRate;
  /** Time of the serial part of a TS epoch (shuffle and mutation), ms: the bound on thread scaling. */
  serialMsPerEpoch: number;
  tapes: TapeRate[];
}

interface Run {
  seconds: number;
  steps: number;
  interactions: number;
  bytes: Uint8Array;
}

/**
 * BFF soup throughput: TypeScript on 1 thread (`soup.epoch`) and on 2 (`SoupThreads`), against a
 * minimal single-thread C reference (bench/soup-ref.c) compiled here, on the same soup and epochs
 * (the C program reproduces the TS RNG draw for draw, so all three end with the same bytes; this
 * throws if they do not). Then a fixed workload of tapes run by `runTape` and by the C
 * interpreter, to compare the inner loop alone; it throws unless steps and final tapes agree.
 */
export async function measureSoupSpeed(options: SoupSpeedOptions = {}): Promise<SoupSpeedResult> {
  const size = options.size ?? DEFAULT_SOUP_SIZE;
  const epochs = options.epochs ?? 40;
  const warmup = options.warmup ?? 2;
  const repeats = options.repeats ?? 3;
  const seed = options.seed ?? 1;
  const mutation = options.mutation ?? DEFAULT_MUTATION;
  const loadAverage = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'ouro-soup-bench-'));
  try {
    const { binary, compiler } = compile(dir);
    const runs = { ts1: [] as Run[], ts2: [] as Run[], c: [] as Run[] };
    // Interleaved, so that a noisy stretch of the machine hits all three alike.
    for (let repeat = 0; repeat < repeats; repeat++) {
      runs.ts1.push(runTs(size, seed, mutation, warmup, epochs));
      runs.ts2.push(await runThreads(size, seed, mutation, warmup, epochs, 2));
      runs.c.push(runC(binary, dir, size, seed, mutation, warmup, epochs));
    }
    const reference = runs.ts1[0]!;
    for (const [name, list] of Object.entries(runs)) {
      for (const run of list) {
        if (run.steps !== reference.steps || run.interactions !== reference.interactions || !sameBytes(run.bytes, reference.bytes)) {
          throw new Error(
            `soup bench: ${name} disagrees with the 1-thread TS run (steps ${run.steps} vs ${reference.steps}, bytes ` +
              `${sameBytes(run.bytes, reference.bytes) ? 'equal' : 'differ'})`,
          );
        }
      }
    }
    const rate = (list: Run[]): SoupRate => {
      const seconds = list.map((run) => run.seconds);
      const typical = median(seconds);
      return {
        seconds,
        interactionsPerSecond: reference.interactions / typical,
        stepsPerSecond: reference.steps / typical,
        msPerEpoch: (typical * 1000) / epochs,
      };
    };
    const tapes = options.tapes ?? 4096;
    const tapeRates = (['uniform', 'instructions'] as const).map((kind) =>
      measureTapes(binary, dir, kind, tapes, options.tapeRounds?.[kind] ?? (kind === 'uniform' ? 200 : 32), repeats, seed),
    );
    return {
      loadAverage,
      size,
      epochs,
      warmup,
      repeats,
      mutation,
      steps: reference.steps,
      interactions: reference.interactions,
      compiler,
      ts1: rate(runs.ts1),
      ts2: rate(runs.ts2),
      c: rate(runs.c),
      serialMsPerEpoch: measureSerial(size, seed, mutation),
      tapes: tapeRates,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiles the C reference into `dir`: `-O2 -march=native`, or `-O2` if the compiler refuses that. */
function compile(dir: string): { binary: string; compiler: string } {
  const binary = join(dir, 'soup-ref');
  const version = execFileSync('cc', ['--version'], { encoding: 'utf8' }).split('\n')[0]?.trim() ?? 'cc';
  for (const flags of [['-O2', '-march=native'], ['-O2']]) {
    try {
      execFileSync('cc', [...flags, '-o', binary, SOURCE, '-lm'], { stdio: ['ignore', 'ignore', 'pipe'] });
      return { binary, compiler: `\`cc ${flags.join(' ')}\` (${version})` };
    } catch (error) {
      if (flags.length === 1) throw error;
    }
  }
  throw new Error('unreachable');
}

function runTs(size: number, seed: number, mutation: number, warmup: number, epochs: number): Run {
  const soup = Soup.random(size, seed);
  const rng = Rng.fromSeed(seed + 1);
  for (let epoch = 0; epoch < warmup; epoch++) soup.epoch(rng, mutation, DEFAULT_MAX_STEPS);
  let steps = 0;
  let interactions = 0;
  const start = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const result = soup.epoch(rng, mutation, DEFAULT_MAX_STEPS);
    steps += result.steps;
    interactions += result.interactions;
  }
  const seconds = (performance.now() - start) / 1000;
  return { seconds, steps, interactions, bytes: soup.bytes };
}

async function runThreads(size: number, seed: number, mutation: number, warmup: number, epochs: number, count: number): Promise<Run> {
  const soup = Soup.random(size, seed, { shared: true });
  const threads = await SoupThreads.start(soup, count);
  try {
    const rng = Rng.fromSeed(seed + 1);
    for (let epoch = 0; epoch < warmup; epoch++) await threads.epoch(rng, mutation, DEFAULT_MAX_STEPS);
    let steps = 0;
    let interactions = 0;
    const start = performance.now();
    for (let epoch = 0; epoch < epochs; epoch++) {
      const result = await threads.epoch(rng, mutation, DEFAULT_MAX_STEPS);
      steps += result.steps;
      interactions += result.interactions;
    }
    const seconds = (performance.now() - start) / 1000;
    return { seconds, steps, interactions, bytes: soup.bytes.slice() };
  } finally {
    await threads.close();
  }
}

function runC(binary: string, dir: string, size: number, seed: number, mutation: number, warmup: number, epochs: number): Run {
  const out = join(dir, 'soup.bin');
  const output = execFileSync(binary, [String(size), String(epochs), String(seed), String(mutation), String(warmup), out], {
    encoding: 'utf8',
  });
  const result = JSON.parse(output) as { interactions: number; steps: number; seconds: number };
  return { ...result, bytes: new Uint8Array(readFileSync(out)) };
}

/** Milliseconds of `pairAndMutate` alone (the part of an epoch no worker can share), median of 9. */
function measureSerial(size: number, seed: number, mutation: number): number {
  const soup = Soup.random(size, seed);
  const rng = Rng.fromSeed(seed + 1);
  const times: number[] = [];
  for (let i = 0; i < 12; i++) {
    const start = performance.now();
    soup.pairAndMutate(rng, mutation);
    if (i >= 3) times.push(performance.now() - start);
  }
  return median(times);
}

/**
 * The same tapes run by `runTape` and by the C interpreter: `rounds` times over all tapes, each
 * run in place (copied into a scratch tape, run, copied back, as `runPairs` does). `uniform`
 * tapes are uniform random bytes (mostly no-ops, like a fresh soup); `instructions` tapes hold
 * only the ten instructions (every fetch does something, with many bracket scans).
 */
function measureTapes(binary: string, dir: string, kind: TapeKind, count: number, rounds: number, repeats: number, seed: number): TapeRate {
  const original = new Uint8Array(count * TAPE_LENGTH);
  const rng = Rng.fromSeed(seed + 2);
  if (kind === 'uniform') fillRandomBytes(original, rng);
  else for (let i = 0; i < original.length; i++) original[i] = INSTRUCTIONS[rng.int(INSTRUCTIONS.length)]!;
  const input = join(dir, `tapes-${kind}.bin`);
  const out = join(dir, `tapes-${kind}.out`);
  writeFileSync(input, original);
  runTs(); // warms the JIT on these tapes; not timed
  const tsSeconds: number[] = [];
  const cSeconds: number[] = [];
  let steps = -1;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const ts = runTs();
    const output = execFileSync(binary, ['--tapes', input, String(count), String(rounds), out], { encoding: 'utf8' });
    const c = JSON.parse(output) as { steps: number; seconds: number };
    if (c.steps !== ts.steps || !sameBytes(new Uint8Array(readFileSync(out)), ts.tapes)) {
      throw new Error(
        `soup bench: C and runTape disagree on the ${kind} tapes (steps ${c.steps} vs ${ts.steps}, final tapes hash ` +
          `${fnv1a(new Uint8Array(readFileSync(out)))} vs ${fnv1a(ts.tapes)})`,
      );
    }
    steps = ts.steps;
    tsSeconds.push(ts.seconds);
    cSeconds.push(c.seconds);
  }
  return {
    kind,
    tapes: count,
    rounds,
    steps,
    tsSeconds,
    cSeconds,
    tsStepsPerSecond: steps / median(tsSeconds),
    cStepsPerSecond: steps / median(cSeconds),
  };

  function runTs(): { steps: number; seconds: number; tapes: Uint8Array } {
    const tapes = original.slice();
    const tape = new Uint8Array(TAPE_LENGTH);
    let total = 0;
    const start = performance.now();
    for (let round = 0; round < rounds; round++) {
      for (let t = 0; t < count; t++) {
        const at = t * TAPE_LENGTH;
        for (let i = 0; i < TAPE_LENGTH; i++) tape[i] = tapes[at + i]!;
        total += runTape(tape, DEFAULT_MAX_STEPS);
        for (let i = 0; i < TAPE_LENGTH; i++) tapes[at + i] = tape[i]!;
      }
    }
    return { steps: total, seconds: (performance.now() - start) / 1000, tapes };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0
  );
}

/** 32-bit FNV-1a, for error messages. */
function fnv1a(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}
