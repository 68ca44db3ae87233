// How often, and when, soups go through the state transition, set beside the paper's figures.
// Each run is its own process (one per core at a time) that goes through runSoup and a real store.
// Run alone: tsx bench/soup-transitions.ts --job '<json>' prints one result line.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.ts';
import { runSoup } from '../src/soup/run.ts';
import { replicatorScore } from '../src/soup/replicator.ts';
import { substrateByName } from '../src/soup/substrates.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { SOUP_TABLES } from '../src/soup/store-sqlite.ts';

export interface TransitionJob {
  arm: string;
  size: number;
  seed: number;
  epochs: number;
  mutation: number;
  /** Seed the known replicator into program 0 and measure its share at the end instead of waiting for entropy. */
  seeded: boolean;
}

export interface TransitionResult extends TransitionJob {
  /** First measured epoch with high-order entropy above 3, or null. */
  transitionEpoch: number | null;
  epochsRun: number;
  /** Seeded runs: the share of 256 sampled programs that score as replicators at the end. */
  replicatorShare?: number;
  seconds: number;
}

/** The share of `samples` programs drawn at random from a soup that score as replicators. */
function replicatorShare(bytes: Uint8Array, samples: number, seed: number): number {
  const rng = Rng.fromSeed(seed);
  const programs = bytes.length / 64;
  let replicators = 0;
  for (let i = 0; i < samples; i++) {
    const at = rng.int(programs) * 64;
    if (replicatorScore(bytes.subarray(at, at + 64), rng).isReplicator) replicators++;
  }
  return replicators / samples;
}

async function runJob(job: TransitionJob): Promise<TransitionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ouro-transitions-'));
  const db = join(dir, 'soup.db');
  const started = performance.now();
  try {
    const result = await runSoup({
      db,
      size: job.size,
      seed: job.seed,
      epochs: job.epochs,
      mutation: job.mutation,
      metricsEvery: 16,
      snapshotEvery: 100_000_000,
      stopOnTransition: !job.seeded,
      seedPrograms: job.seeded ? [substrateByName('bff').knownReplicator!] : undefined,
    });
    let share: number | undefined;
    if (job.seeded) {
      const store = new SqliteStore(db, { readonly: true });
      share = replicatorShare(store.tables(SOUP_TABLES)!.soupSnapshot(result.runId)!.bytes, 256, job.seed);
      store.close();
    }
    return {
      ...job,
      transitionEpoch: result.transitionEpoch,
      epochsRun: result.epochs,
      replicatorShare: share,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs every job in its own process, `parallel` at a time; calls `onResult` as each ends. */
export async function runTransitionJobs(
  jobs: TransitionJob[],
  parallel = availableParallelism(),
  onResult?: (result: TransitionResult, done: number) => void,
): Promise<TransitionResult[]> {
  const results: TransitionResult[] = [];
  const queue = [...jobs];
  const self = fileURLToPath(import.meta.url);
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const line = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', self, '--job', JSON.stringify(job)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
        });
        child.on('error', reject);
        child.on('exit', (code) =>
          code === 0
            ? resolve(out.trim().split('\n').at(-1) ?? '')
            : reject(new Error(`transition job ${JSON.stringify(job)} exited with ${code}`)),
        );
      });
      const result = JSON.parse(line) as TransitionResult;
      results.push(result);
      onResult?.(result, results.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return results;
}

if (process.argv[2] === '--job') {
  const result = await runJob(JSON.parse(process.argv[3] as string) as TransitionJob);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Percentiles of sorted numbers by nearest rank. */
function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** The BENCHMARKS.md block: fractions by epoch, the distribution of transition epochs, the paper beside them. */
export function transitionReport(results: TransitionResult[], machine: string, minutes: number): string {
  const arms = [...new Set(results.map((result) => result.arm))];
  const paper: Record<string, string> = {
    'mutation 1/4096': 'about 40% of 1,000 runs of 2^17 within 16,000 epochs',
    'no mutation': 'about 44% (2^17, 16,000 epochs)',
    'one seeded replicator': 'takes over in about 22% of runs',
  };
  const lines = [
    `Command: \`npm run bench -- soup-transitions\` on ${machine}; ${minutes.toFixed(0)} minutes, one run per core at a time.`,
    '',
    '| arm | soup | runs | epochs (cap) | transitioned by E/4 | by E/2 | by E | transition epochs (sorted) | median, quartiles | paper |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const arm of arms) {
    const rows = results.filter((result) => result.arm === arm).sort((a, b) => a.seed - b.seed);
    const first = rows[0] as TransitionResult;
    const pct = (count: number) => `${count}/${rows.length} (${Math.round((100 * count) / rows.length)}%)`;
    if (first.seeded) {
      const shares = rows.map((row) => row.replicatorShare ?? 0);
      const took = shares.filter((share) => share >= 0.25).length;
      lines.push(
        `| ${arm} | 2^${Math.log2(first.size)} | ${rows.length} | ${first.epochs} | - | - | ${pct(took)} took over | ` +
          `replicator share at the end: ${shares.map((s) => s.toFixed(2)).join(', ')} | - | ${paper[arm] ?? '-'} |`,
      );
      continue;
    }
    const epochs = rows
      .map((row) => row.transitionEpoch)
      .filter((epoch): epoch is number => epoch !== null)
      .sort((a, b) => a - b);
    const by = (limit: number) => pct(epochs.filter((epoch) => epoch <= limit).length);
    const spread = epochs.length === 0 ? '-' : `${percentile(epochs, 0.5)}; ${percentile(epochs, 0.25)}–${percentile(epochs, 0.75)}`;
    lines.push(
      `| ${arm} | 2^${Math.log2(first.size)} | ${rows.length} | ${first.epochs.toLocaleString('en-US')} | ${by(first.epochs / 4)} | ` +
        `${by(first.epochs / 2)} | ${by(first.epochs)} | ${epochs.join(', ') || 'none'} | ${spread} | ${paper[arm] ?? '-'} |`,
    );
  }
  lines.push(
    '',
    'Transition: the first measurement (every 16 epochs) with high-order entropy above 3. ' +
      'Seeded runs: the known replicator `[[{.>]-]]-]>.{[[` written into program 0 of a random soup; it "took over" when at least a ' +
      'quarter of 256 programs sampled at epoch 400 score as replicators (score ≥ 5).',
  );
  return lines.join('\n');
}
