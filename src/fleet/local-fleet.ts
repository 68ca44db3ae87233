// A fleet on this machine: a private redis-server and worker processes, for tests and benchmarks.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { FleetRedis } from './connection.ts';

const OURO_BIN = fileURLToPath(new URL('../../bin/ouro.js', import.meta.url));

/** The path of redis-server, or undefined when it is not installed. */
export function findRedisServer(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface LocalRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: no goodbye to clients) and forgets everything it held. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** Starts `redis-server --port N --save '' --appendonly no`: nothing survives a restart. */
export async function startLocalRedis(port?: number): Promise<LocalRedis> {
  const chosen = port ?? (await freePort());
  const url = `redis://127.0.0.1:${chosen}`;
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        (await FleetRedis.open(url)).close();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url, port: chosen, stop, start };
}

export interface WorkerProcessOptions {
  concurrency?: number;
  /** `--roles`, such as `evaluate` (default: every role). */
  roles?: string;
  cacheDir: string;
  env?: Record<string, string>;
  /** Each line the worker prints. */
  onLine?: (line: string) => void;
}

export interface SpawnedWorker {
  child: ChildProcess;
  /** Resolves with the worker id once it takes jobs; rejects if it exits first. */
  ready: Promise<string>;
  output: string[];
  exited: Promise<number | null>;
}

/** `node bin/ouro.js worker --fleet URL` as a child process. */
export function spawnWorker(url: string, options: WorkerProcessOptions): SpawnedWorker {
  const args = [
    OURO_BIN,
    'worker',
    '--fleet',
    url,
    '--concurrency',
    String(options.concurrency ?? 1),
    '--cache',
    options.cacheDir,
    ...(options.roles ? ['--roles', options.roles] : []),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        options.onLine?.(line);
        const match = /^worker (\S+) ready/.exec(line);
        if (match) resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`the worker exited (${code}) before it was ready:\n${output.join('\n')}`)));
  });
  ready.catch(() => {});
  return { child, ready, output, exited };
}

export interface LocalFleetOptions {
  workers: number;
  concurrency?: number;
  roles?: string;
  env?: Record<string, string>;
  /** Start a new worker whenever one exits, as a service manager would (default true). */
  respawn?: boolean;
  cacheDir: string;
}

export interface LocalFleet {
  redis: LocalRedis;
  url: string;
  /** The workers alive now. */
  workers: Set<SpawnedWorker>;
  /** Every line every worker printed, in order. */
  lines: string[];
  /** Called with each new line. */
  onLine: Set<(line: string, worker: SpawnedWorker) => void>;
  /** Resolves once `count` workers are alive and ready. */
  ready(count?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A redis-server and worker processes on this machine.
 * @example
 * const fleet = await startLocalFleet({ workers: 2, cacheDir: mkdtempSync(join(tmpdir(), 'cache-')) });
 * await evolve(dir, { fleet: fleet.url, budget: { evaluations: 20 } });
 * await fleet.close();
 */
export async function startLocalFleet(options: LocalFleetOptions): Promise<LocalFleet> {
  const redis = await startLocalRedis();
  const workers = new Set<SpawnedWorker>();
  const lines: string[] = [];
  const onLine = new Set<(line: string, worker: SpawnedWorker) => void>();
  let closing = false;
  const add = (): void => {
    const worker: SpawnedWorker = spawnWorker(redis.url, {
      cacheDir: options.cacheDir,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.roles ? { roles: options.roles } : {}),
      ...(options.env ? { env: options.env } : {}),
      onLine: (line) => {
        lines.push(line);
        for (const listener of onLine) listener(line, worker);
      },
    });
    workers.add(worker);
    void worker.exited.then(() => {
      workers.delete(worker);
      if (!closing && options.respawn !== false) add();
    });
  };
  for (let index = 0; index < options.workers; index++) add();
  const ready = async (count = options.workers): Promise<void> => {
    for (;;) {
      const alive = [...workers];
      const settled = await Promise.allSettled(alive.map((worker) => worker.ready));
      if (settled.filter((result) => result.status === 'fulfilled').length >= count && alive.every((worker) => workers.has(worker))) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  await ready();
  return {
    redis,
    url: redis.url,
    workers,
    lines,
    onLine,
    ready,
    close: async () => {
      closing = true;
      await Promise.all(
        [...workers].map((worker) => {
          worker.child.kill('SIGKILL');
          return worker.exited;
        }),
      );
      await redis.stop();
    },
  };
}
