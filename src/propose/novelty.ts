import { findRegions } from '../core/genome.ts';
import type { Genome } from '../core/types.ts';

export interface NoveltyOptions {
  /** Tokens per shingle. */
  ngram?: number;
  /** Jaccard similarity at or above which a genome counts as a near-duplicate. */
  threshold?: number;
  /** How many remembered genomes a proposal is compared with, newest first. */
  window?: number;
}

export interface NearestMatch {
  id: string;
  similarity: number;
}

const DEFAULTS = { ngram: 3, threshold: 0.95, window: 64 } satisfies Required<NoveltyOptions>;
/** Shingle sets of parents passed as `extra`, kept by candidate id since genomes never change. */
const EXTRA_CACHE = 256;
// Region and file boundaries get their own token so that no shingle spans two regions.
const BOUNDARY = 0x9e3779b9;
/** Steps of a merge between checks that the pair can still beat the best so far. */
const CHECK_EVERY = 256;

/**
 * Flags proposals that are near-copies of recent candidates or of their own parents, before
 * anything is paid for their evaluation. A genome becomes the set of hashed token n-grams of
 * the text inside its EVOLVE regions (comments and whitespace ignored), and two genomes are
 * compared by the Jaccard similarity of those sets.
 *
 * @example
 * const novelty = new NoveltyFilter({ threshold: 0.95 });
 * novelty.remember('run-1', parent);
 * novelty.nearest(child, [{ id: 'run-0', genome: other }]); // { id: 'run-1', similarity: 0.97 }
 */
export class NoveltyFilter {
  readonly ngram: number;
  readonly threshold: number;
  readonly window: number;
  private readonly recent: Array<{ id: string; shingles: Uint32Array }> = [];
  private readonly extras = new Map<string, Uint32Array>();
  private readonly computed = new WeakMap<Genome, Uint32Array>();

  constructor(options: NoveltyOptions = {}) {
    const { ngram, threshold, window } = { ...DEFAULTS, ...options };
    this.ngram = ngram;
    this.threshold = threshold;
    this.window = window;
  }

  /** Adds a candidate to the window; the oldest one leaves when the window is full. */
  remember(id: string, genome: Genome): void {
    if (this.window <= 0) return;
    const existing = this.recent.findIndex((entry) => entry.id === id);
    if (existing !== -1) this.recent.splice(existing, 1);
    this.recent.push({ id, shingles: this.shinglesOf(genome) });
    if (this.recent.length > this.window) this.recent.shift();
  }

  /** The most similar remembered genome or `extra` genome, or undefined when there is none. */
  nearest(genome: Genome, extra: ReadonlyArray<{ id: string; genome: Genome }> = []): NearestMatch | undefined {
    const shingles = this.shinglesOf(genome);
    let best: NearestMatch | undefined;
    const consider = (id: string, other: Uint32Array): void => {
      // |A n B| / |A u B| <= min / max, so a set of very different size cannot win.
      const larger = Math.max(shingles.length, other.length);
      if (best !== undefined && larger > 0 && Math.min(shingles.length, other.length) / larger <= best.similarity) return;
      const similarity = jaccardAbove(shingles, other, best?.similarity ?? -1);
      if (best === undefined || similarity > best.similarity) best = { id, similarity };
    };
    for (let index = this.recent.length - 1; index >= 0; index--) {
      const entry = this.recent[index] as { id: string; shingles: Uint32Array };
      consider(entry.id, entry.shingles);
    }
    for (const { id, genome: other } of extra) consider(id, this.extraShingles(id, other));
    return best;
  }

  /** Whether `genome` is at least `threshold` similar to a remembered or `extra` genome. */
  isNearDuplicate(genome: Genome, extra: ReadonlyArray<{ id: string; genome: Genome }> = []): boolean {
    const match = this.nearest(genome, extra);
    return match !== undefined && match.similarity >= this.threshold;
  }

  private extraShingles(id: string, genome: Genome): Uint32Array {
    const remembered = this.recent.find((entry) => entry.id === id);
    if (remembered !== undefined) return remembered.shingles;
    let shingles = this.extras.get(id);
    if (shingles === undefined) {
      shingles = this.shinglesOf(genome);
      if (this.extras.size >= EXTRA_CACHE) this.extras.delete(this.extras.keys().next().value as string);
      this.extras.set(id, shingles);
    }
    return shingles;
  }

  private shinglesOf(genome: Genome): Uint32Array {
    let shingles = this.computed.get(genome);
    if (shingles === undefined) {
      shingles = shingleSet(genome, this.ngram);
      this.computed.set(genome, shingles);
    }
    return shingles;
  }
}

/** The sorted, distinct hashes of every run of `ngram` tokens inside the genome's EVOLVE regions. */
export function shingleSet(genome: Genome, ngram: number): Uint32Array {
  const tokens: number[] = [];
  for (const file of Object.keys(genome).sort()) {
    const text = genome[file] as string;
    let regions: Array<{ start: number; end: number }>;
    try {
      regions = findRegions(text, file);
    } catch {
      // A genome with broken markers is still compared, on all of its text.
      regions = [{ start: 0, end: text.length }];
    }
    for (const region of regions) {
      tokenize(text, region.start, region.end, tokens);
      tokens.push(BOUNDARY);
    }
  }
  const hashes: number[] = [];
  const size = Math.max(1, ngram);
  let run = 0;
  for (let end = 0; end < tokens.length; end++) {
    if (tokens[end] === BOUNDARY) {
      // A region shorter than one shingle still counts, as one short shingle.
      if (run > 0 && run < size) hashes.push(combine(tokens, end - run, end));
      run = 0;
      continue;
    }
    run++;
    if (run >= size) hashes.push(combine(tokens, end - size + 1, end + 1));
  }
  const sorted = Uint32Array.from(hashes).sort();
  let distinct = 0;
  for (let index = 0; index < sorted.length; index++) {
    if (index === 0 || sorted[index] !== sorted[distinct - 1]) sorted[distinct++] = sorted[index] as number;
  }
  return sorted.slice(0, distinct);
}

/** |A n B| / |A u B| of two sorted, distinct arrays; two empty sets are identical. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  return jaccardAbove(a, b, -1);
}

/**
 * Like `jaccard`, but gives up, returning -1, once the sets can no longer be more similar
 * than `floor`: every so often it checks the best case, that all that is left matches.
 */
export function jaccardAbove(a: Uint32Array, b: Uint32Array, floor: number): number {
  const sizeA = a.length;
  const sizeB = b.length;
  if (sizeA === 0 && sizeB === 0) return 1;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < sizeA && j < sizeB) {
    const stop = Math.min(sizeA, i + CHECK_EVERY);
    // Branch-free steps: the comparisons are unpredictable, so branches would mostly miss.
    while (i < stop && j < sizeB) {
      const x = a[i] as number;
      const y = b[j] as number;
      const forwardA = x <= y ? 1 : 0;
      const forwardB = y <= x ? 1 : 0;
      shared += forwardA & forwardB;
      i += forwardA;
      j += forwardB;
    }
    const best = shared + Math.min(sizeA - i, sizeB - j);
    if (best / (sizeA + sizeB - best) <= floor) return -1;
  }
  return shared / (sizeA + sizeB - shared);
}

function combine(tokens: readonly number[], start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let index = start; index < end; index++) {
    hash = Math.imul(hash ^ (tokens[index] as number), 0x01000193);
    hash ^= hash >>> 15;
  }
  // 31 bits: values that fit a signed 32-bit integer keep the merge in integer arithmetic.
  return hash >>> 1;
}

/**
 * Appends a hash per token of text[start, end): identifiers and keywords, numbers, string
 * literals closed on their line, and single punctuation characters. Whitespace and `//` and
 * block comments are skipped.
 */
export function tokenize(text: string, start: number, end: number, out: number[]): void {
  let index = start;
  while (index < end) {
    const code = text.charCodeAt(index);
    if (code <= 32 || code === 0xa0 || code === 0xfeff) {
      index++;
    } else if (code === 47 && text.charCodeAt(index + 1) === 47) {
      const newline = text.indexOf('\n', index);
      index = newline === -1 || newline > end ? end : newline;
    } else if (code === 47 && text.charCodeAt(index + 1) === 42) {
      const close = text.indexOf('*/', index + 2);
      index = close === -1 || close + 2 > end ? end : close + 2;
    } else if (isWordStart(code) || isDigit(code)) {
      const from = index;
      index++;
      while (index < end && isWordPart(text.charCodeAt(index))) index++;
      // A decimal point or exponent sign inside a number belongs to it.
      if (isDigit(code)) {
        while (index < end && (text.charCodeAt(index) === 46 || isWordPart(text.charCodeAt(index)) || isSignAfterExponent(text, index)))
          index++;
      }
      out.push(hashSlice(text, from, index));
    } else if (code === 34 || code === 39 || code === 96) {
      const close = closingQuote(text, index, end, code);
      if (close === -1) {
        out.push(code);
        index++;
      } else {
        out.push(hashSlice(text, index, close + 1));
        index = close + 1;
      }
    } else {
      out.push(code);
      index++;
    }
  }
}

function closingQuote(text: string, open: number, end: number, quote: number): number {
  for (let index = open + 1; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code === 92) index++;
    else if (code === quote) return index;
    else if (code === 10) return -1;
  }
  return -1;
}

function hashSlice(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let index = start; index < end; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  // Keep word hashes clear of the code points that punctuation tokens use.
  return (hash | 0x10000) >>> 0;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isWordStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36 || code > 127;
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || isDigit(code);
}

function isSignAfterExponent(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  const previous = text.charCodeAt(index - 1);
  return (code === 43 || code === 45) && (previous === 101 || previous === 69) && isDigit(text.charCodeAt(index + 1));
}
