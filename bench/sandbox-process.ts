import { spawn } from 'node:child_process';
import type { ProcessRunOptions } from '../src/core/sandbox.ts';
import { runSandboxed } from '../src/sandbox/process.ts';
import { WarmRunner } from '../src/sandbox/warm-runner.ts';
import { median } from './fixtures.ts';

export interface ProcessSandboxTimes {
  /** A fresh bubblewrap sandbox per run: scratch folder, bwrap, prlimit, node, cleanup. */
  freshMsMedian: number;
  freshMsP95: number;
  /** The same program started with a bare `child_process.spawn`: the floor. */
  bareSpawnMsMedian: number;
  /** `--unsafe`: scratch folder, prlimit and scrubbed environment, no bubblewrap. */
  unsafeMsMedian: number;
  /** A warm sandbox ready (its launcher waiting), for `node -e`, `node main.js` and a shell command. */
  warm: Record<WarmCase, { msMedian: number; msP95: number }>;
  /** The shell command in a fresh sandbox, to set the generic launcher against. */
  freshShellMsMedian: number;
  /** Warm runs one after the other without a pause: each waits for the sandbox started when the one before ended. */
  warmBackToBackMsMedian: number;
}

export type WarmCase = 'nodeEval' | 'nodeFile' | 'shell';

/** Idle time before each timed warm run, so that the sandbox started after the run before is ready; not timed. */
export const WARM_PAUSE_MS = 250;

const PROGRAM = "process.stdout.write('1')";
const WARM_CASES: Record<WarmCase, Pick<ProcessRunOptions, 'command' | 'files'>> = {
  nodeEval: { command: ['node', '-e', PROGRAM] },
  nodeFile: { command: ['node', 'main.js'], files: { 'main.js': PROGRAM } },
  shell: { command: ['sh', '-c', 'printf 1'] },
};

/** Milliseconds per evaluation of a trivial Node program in the process tier, three ways cold and through warm sandboxes. */
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
  const freshShell: number[] = [];
  for (let run = 0; run < runs; run++) freshShell.push(await timed(() => runSandboxed(WARM_CASES.shell)));
  const warm = {} as ProcessSandboxTimes['warm'];
  for (const [name, options] of Object.entries(WARM_CASES) as [WarmCase, ProcessRunOptions][]) {
    const times = await measureWarm(options, runs, WARM_PAUSE_MS);
    warm[name] = { msMedian: median(times), msP95: percentile(times, 0.95) };
  }
  return {
    freshMsMedian: median(fresh),
    freshMsP95: percentile(fresh, 0.95),
    bareSpawnMsMedian: median(bare),
    unsafeMsMedian: median(unsafe),
    warm,
    freshShellMsMedian: median(freshShell),
    warmBackToBackMsMedian: median(await measureWarm(WARM_CASES.nodeEval, runs, 0)),
  };
}

/** Milliseconds of each of `runs` warm runs, through the runner `context.run` uses; the first, cold, run is not counted. */
async function measureWarm(options: ProcessRunOptions, runs: number, pauseMs: number): Promise<number[]> {
  const runner = new WarmRunner();
  try {
    await runner.run(options);
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      times.push(await timed(() => runner.run(options)));
    }
    if (runner.runs.warm !== runs) throw new Error(`only ${runner.runs.warm} of ${runs} runs took a warm sandbox`);
    return times;
  } finally {
    await runner.close();
  }
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
