import { Rng } from "../core/rng.ts";
import { brotliBitsPerByte, programCensus, shannonEntropy } from "./metrics.ts";
import { replicatorScore } from "./replicator.ts";
import type { Soup } from "./soup.ts";

export interface SoupMeasure {
  shannonEntropy: number;
  /** Shannon entropy minus brotli bits per byte; above 3 the paper calls the soup transitioned. */
  highOrderEntropy: number;
  distinctPrograms: number;
  /** The most common programs, most common first. */
  topPrograms: Array<{ program: Uint8Array; count: number }>;
  /** Replicator score (0–64) of the most common program. */
  topReplicatorScore: number;
  /** How many bytes hold each value 0–255. */
  histogram: Uint32Array;
}

/**
 * Everything the run records about a soup at one epoch. The replicator score draws its noise from
 * an RNG seeded by `scoreSeed`, never from the run's RNG, so measuring does not change the run.
 */
export function measureSoup(soup: Soup, top: number, scoreSeed: number): SoupMeasure {
  // node:zlib does not take views of shared memory; copying 8 MiB costs about a millisecond.
  const bytes = soup.bytes.buffer instanceof SharedArrayBuffer ? soup.bytes.slice() : soup.bytes;
  const shannon = shannonEntropy(bytes);
  const histogram = new Uint32Array(256);
  for (let i = 0; i < bytes.length; i++) histogram[bytes[i]!]!++;
  const census = programCensus(bytes, top);
  const programs = census.top;
  const leader = programs[0];
  const score = leader ? replicatorScore(leader.program, Rng.fromSeed(scoreSeed), undefined, soup.substrate).score : 0;
  return {
    shannonEntropy: shannon,
    highOrderEntropy: shannon - brotliBitsPerByte(bytes),
    distinctPrograms: census.distinct,
    topPrograms: programs,
    topReplicatorScore: score,
    histogram,
  };
}
