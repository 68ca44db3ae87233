import { spawn } from 'node:child_process';
import { runSandboxed } from '../src/sandbox/process.ts';
import { median } from './fixtures.ts';

export interface ProcessSandboxTimes {
  /** A fresh bubblewrap sandbox per run: scratch folder, bwrap, prlimit, node, cleanup. */
  freshMsMedian: number;
  freshMsP95: number;
  /** The same program started with a bare `child_process.spawn`: the floor. */
  bareSpawnMsMedian: number;
  /** `--unsafe`: scratch folder, prlimit and scrubbed environment, no bubblewrap. */
  unsafeMsMedian: number;
}

const PROGRAM = "process.stdout.write('1')";

/** Milliseconds per evaluation of a trivial Node program in the process tier, three ways. */
export async function measureProcess(runs: number): Promise<ProcessSandboxTimes> {
  const fresh: number[] = [];
  const bare: number[] = [];
  const unsafe: number[] = [];
  const writeError = process.stderr.write.bind(process.stderr);
  for (let run = 0; run < runs; run++) {
    fresh.push(await timed(() => runSandboxed({ command: ['node', '-e', PROGRAM] })));
    bare.push(await timed(bareSpawn));
    // A bwrap that does not exist forces the unsafe path; its warning would flood the bench output.
    process.stderr.write = () => true;
    try {
      unsafe.push(
        await timed(() => runSandboxed({ command: ['node', '-e', PROGRAM], unsafe: true, bubblewrapPath: '/nonexistent/bwrap' })),
      );
    } finally {
      process.stderr.write = writeError;
    }
  }
  return {
    freshMsMedian: median(fresh),
    freshMsP95: percentile(fresh, 0.95),
    bareSpawnMsMedian: median(bare),
    unsafeMsMedian: median(unsafe),
  };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  const result = await work();
  if (typeof result === 'object' && result !== null && 'stdout' in result && result.stdout !== '1') {
    throw new Error(`the benchmark program printed ${JSON.stringify(result.stdout)}`);
  }
  return performance.now() - started;
}

function bareSpawn(): Promise<void> {
  return new Promise((resolve, reject) => {
    // An empty environment, as in the sandbox: the host's may carry loaders (NODE_OPTIONS) that slow startup.
    const child = spawn(process.execPath, ['-e', PROGRAM], { env: {}, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', () => resolve());
  });
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}
