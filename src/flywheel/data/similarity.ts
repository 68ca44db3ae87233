/**
 * Near-duplicate replies. Two replies are compared by the Jaccard similarity of their sets of
 * hashed token n-grams, the measure the evolution loop's novelty filter uses for genomes: this file
 * reuses its code tokenizer (identifiers, numbers, string literals, punctuation; comments and
 * whitespace skipped) for code tasks and its set comparison for both kinds. Prose gets its own
 * tokenizer, because the code one reads an apostrophe as the start of a string literal.
 */
import { jaccard, tokenize } from '../../propose/novelty.ts';
import { OuroError } from '../../core/errors.ts';
import type { FlywheelTask } from '../types.ts';

export interface SimilarityOptions {
  /** Jaccard similarity at or above which two replies count as near-duplicates, in (0, 1]. Default 0.8. */
  threshold?: number;
  /** Tokens per n-gram. Default 3. */
  ngram?: number;
}

export const SIMILARITY_DEFAULTS = { threshold: 0.8, ngram: 3 } satisfies Required<SimilarityOptions>;

/** The sorted, distinct hashes of every run of `ngram` tokens of the reply; a reply shorter than that is one n-gram. */
export function replyShingles(text: string, kind: FlywheelTask['kind'], ngram: number = SIMILARITY_DEFAULTS.ngram): Uint32Array {
  const tokens: number[] = [];
  if (kind === 'code') tokenize(text, 0, text.length, tokens);
  else proseTokens(text, tokens);
  const size = Math.max(1, Math.floor(ngram));
  const hashes: number[] = [];
  if (tokens.length > 0 && tokens.length < size) hashes.push(combine(tokens, 0, tokens.length));
  for (let end = size; end <= tokens.length; end++) hashes.push(combine(tokens, end - size, end));
  const sorted = Uint32Array.from(hashes).sort();
  let distinct = 0;
  for (let index = 0; index < sorted.length; index++) {
    if (index === 0 || sorted[index] !== sorted[distinct - 1]) sorted[distinct++] = sorted[index] as number;
  }
  return sorted.slice(0, distinct);
}

/**
 * The Jaccard similarity of two replies' n-gram sets, in [0, 1]; two empty replies are identical.
 *
 * @example
 * replySimilarity('So 3 + 4 = 7. The answer is 7.', 'So 3 + 4 = 7. The answer is 7!', 'answer'); // about 0.8
 */
export function replySimilarity(a: string, b: string, kind: FlywheelTask['kind'], ngram: number = SIMILARITY_DEFAULTS.ngram): number {
  return jaccard(replyShingles(a, kind, ngram), replyShingles(b, kind, ngram));
}

/** The options with defaults filled in; throws an OuroError naming the field when one is out of range. */
export function similaritySettings(options: SimilarityOptions = {}): Required<SimilarityOptions> {
  const settings = { ...SIMILARITY_DEFAULTS, ...options };
  if (!(settings.threshold > 0 && settings.threshold <= 1)) {
    throw new OuroError('option-invalid', `similarity.threshold must be in (0, 1], got ${settings.threshold}`, {
      field: 'similarity.threshold',
    });
  }
  if (!Number.isInteger(settings.ngram) || settings.ngram < 1) {
    throw new OuroError('option-invalid', `similarity.ngram must be a positive integer, got ${settings.ngram}`, {
      field: 'similarity.ngram',
    });
  }
  return settings;
}

/** Lower-cased words and numbers (a decimal point inside a number kept), and every other visible character alone. */
function proseTokens(text: string, out: number[]): void {
  const pattern = /\p{L}[\p{L}\p{N}_]*|\p{N}+(?:[.,]\p{N}+)*|\S/gu;
  for (const match of text.toLowerCase().matchAll(pattern)) out.push(hashText(match[0]));
}

function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

function combine(tokens: readonly number[], start: number, end: number): number {
  let hash = 0x811c9dc5 ^ (end - start);
  for (let index = start; index < end; index++) {
    hash = Math.imul(hash ^ (tokens[index] as number), 0x01000193);
    hash ^= hash >>> 15;
  }
  // 31 bits, as the novelty filter's sets hold, so its merge stays in integer arithmetic.
  return hash >>> 1;
}
