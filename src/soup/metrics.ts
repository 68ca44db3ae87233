/**
 * Soup metrics: Shannon entropy of the byte histogram, high-order entropy
 * (Shannon entropy minus brotli-compressed bits per byte), distinct and most common programs.
 */
import { brotliCompressSync, constants as zlibConstants } from "node:zlib";

/** Shannon entropy of the byte histogram, in bits per byte (0 for an empty input). */
export function shannonEntropy(bytes: Uint8Array): number {
  const n = bytes.length;
  if (n === 0) return 0;
  const counts = new Uint32Array(256);
  for (let i = 0; i < n; i++) counts[bytes[i]!]!++;
  let h = 0;
  for (let v = 0; v < 256; v++) {
    const c = counts[v]!;
    if (c === 0) continue;
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Size of the brotli-compressed input (quality 2, window 24), in bits per input byte. */
export function brotliBitsPerByte(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  const compressed = brotliCompressSync(bytes, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: 2,
      [zlibConstants.BROTLI_PARAM_LGWIN]: 24,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  return (compressed.length * 8) / bytes.length;
}

/**
 * High-order entropy: Shannon entropy minus brotli-compressed bits per byte, over the whole
 * soup. Near 0 (or below, from compressor overhead) for random bytes; the paper calls a run
 * "transitioned" once this exceeds 3.
 */
export function highOrderEntropy(bytes: Uint8Array): number {
  return shannonEntropy(bytes) - brotliBitsPerByte(bytes);
}

function programKey(soup: Uint8Array, start: number, programLength: number): string {
  return Buffer.from(soup.buffer, soup.byteOffset + start, programLength).toString("latin1");
}

function checkLength(soup: Uint8Array, programLength: number): void {
  if (!Number.isInteger(programLength) || programLength <= 0) {
    throw new Error(`programLength must be a positive integer, got ${programLength}`);
  }
  if (soup.length % programLength !== 0) {
    throw new Error(`soup length ${soup.length} is not a multiple of programLength ${programLength}`);
  }
}

function countPrograms(soup: Uint8Array, programLength: number): Map<string, number> {
  checkLength(soup, programLength);
  const counts = new Map<string, number>();
  for (let start = 0; start < soup.length; start += programLength) {
    const key = programKey(soup, start, programLength);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Number of distinct programs in a soup of consecutive `programLength`-byte programs. */
export function distinctPrograms(soup: Uint8Array, programLength = 64): number {
  return countPrograms(soup, programLength).size;
}

export interface ProgramCount {
  program: Uint8Array;
  count: number;
}

/**
 * The k most common programs with their counts, most common first. Ties keep the order of
 * first appearance in the soup, so the result is deterministic.
 */
export function topPrograms(soup: Uint8Array, k: number, programLength = 64): ProgramCount[] {
  return programCensus(soup, k, programLength).top;
}

/** The number of distinct programs and the k most common ones, from one count of the soup. */
export function programCensus(soup: Uint8Array, k: number, programLength = 64): { distinct: number; top: ProgramCount[] } {
  const counts = countPrograms(soup, programLength);
  const entries = [...counts.entries()]; // Map iteration order = first appearance
  entries.sort((a, b) => b[1] - a[1]); // stable sort keeps first-appearance order on ties
  const top = entries.slice(0, Math.max(0, k)).map(([key, count]) => ({
    program: new Uint8Array(Buffer.from(key, "latin1")),
    count,
  }));
  return { distinct: counts.size, top };
}
