import { Worker } from "node:worker_threads";
import type { Rng } from "../core/rng.ts";
import type { EpochResult, Soup } from "./soup.ts";
import type { PairRange, SoupWorkerData } from "./worker.ts";

export const MAX_WORKERS = 256;

/**
 * Runs a soup's epochs on `count` threads: the calling thread and `count - 1` worker threads,
 * each taking an equal, contiguous share of the pairs, over the soup's shared memory. The calling
 * thread shuffles and mutates first (every random draw happens there), so an epoch gives the same
 * bytes whatever the count. With a count of 1 no worker is started.
 *
 * @example
 * const soup = Soup.random(2 ** 17, 1, { shared: true });
 * const threads = await SoupThreads.start(soup, 2);
 * try {
 *   const rng = Rng.fromSeed(2);
 *   for (let epoch = 0; epoch < 100; epoch++) await threads.epoch(rng, 1 / 4096);
 * } finally {
 *   await threads.close();
 * }
 */
export class SoupThreads {
  private constructor(
    private readonly soup: Soup,
    private readonly workers: Worker[],
  ) {}

  static async start(soup: Soup, count: number): Promise<SoupThreads> {
    validateWorkers(count);
    if (count > 1 && !(soup.bytes.buffer instanceof SharedArrayBuffer)) {
      throw new Error("a soup run on several threads must be created with { shared: true }");
    }
    const data: SoupWorkerData = {
      substrate: soup.substrate.name,
      bytes: soup.bytes.buffer as SharedArrayBuffer,
      perm: soup.perm.buffer as SharedArrayBuffer,
    };
    const workers: Worker[] = [];
    try {
      for (let i = 1; i < count; i++) {
        const worker = new Worker(new URL("./worker-entry.js", import.meta.url), { workerData: data });
        workers.push(worker);
        await reply(worker);
      }
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    return new SoupThreads(soup, workers);
  }

  /** How many threads run pairs, the calling one included. */
  get count(): number {
    return this.workers.length + 1;
  }

  /** One epoch over all threads; the same bytes as `soup.epoch(rng, mutation, maxSteps)`. */
  async epoch(rng: Rng, mutation: number, maxSteps: number): Promise<EpochResult> {
    const soup = this.soup;
    soup.pairAndMutate(rng, mutation);
    const pairs = soup.size >>> 1;
    const threads = this.count;
    const bound = (i: number) => Math.floor((pairs * i) / threads);
    const pending = this.workers.map((worker, i) => {
      const answer = reply(worker) as Promise<number>;
      const range: PairRange = { from: bound(i + 1), to: bound(i + 2), maxSteps };
      worker.postMessage(range);
      return answer;
    });
    let steps = soup.runPairs(0, bound(1), maxSteps);
    for (const share of await Promise.all(pending)) steps += share;
    return { interactions: pairs, steps };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** Throws a RangeError unless `count` is an allowed number of threads. */
export function validateWorkers(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_WORKERS) {
    throw new RangeError(`workers must be an integer from 1 to ${MAX_WORKERS}, got ${count}`);
  }
}

/** The next message from a worker, or its error or early exit as a rejection. */
function reply(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const onMessage = (message: unknown) => {
      cleanup();
      resolve(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`a soup worker thread exited with code ${code}`));
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}
