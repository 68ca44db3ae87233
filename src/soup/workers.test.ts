import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.ts";
import { Soup } from "./soup.ts";
import { SoupThreads, validateWorkers } from "./workers.ts";

async function bytesAfter(threads: number, epochs: number): Promise<{ bytes: Uint8Array; steps: number }> {
  const soup = Soup.random(512, 11, { shared: threads > 1 });
  const pool = await SoupThreads.start(soup, threads);
  const rng = Rng.fromSeed(12);
  let steps = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) steps += (await pool.epoch(rng, 1 / 512, 8192)).steps;
  } finally {
    await pool.close();
  }
  return { bytes: soup.bytes.slice(), steps };
}

describe("SoupThreads", () => {
  it("gives the same soup and step count on 1, 2 and 3 threads as the single-threaded epoch", async () => {
    const soup = Soup.random(512, 11);
    const rng = Rng.fromSeed(12);
    let steps = 0;
    for (let epoch = 0; epoch < 20; epoch++) steps += soup.epoch(rng, 1 / 512, 8192).steps;
    expect(steps).toBeGreaterThan(0);
    for (const threads of [1, 2, 3]) {
      const result = await bytesAfter(threads, 20);
      expect(result.steps, `${threads} threads`).toBe(steps);
      expect(Buffer.from(result.bytes).equals(Buffer.from(soup.bytes)), `${threads} threads`).toBe(true);
    }
  });

  it("refuses a soup that is not in shared memory, and a bad thread count", async () => {
    await expect(SoupThreads.start(Soup.random(8, 1), 2)).rejects.toThrow(/shared: true/);
    for (const bad of [0, -1, 1.5, 1000]) expect(() => validateWorkers(bad)).toThrow(/workers must be an integer from 1 to 256/);
  });
});
