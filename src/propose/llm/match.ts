// Locating a SEARCH text among a file's lines: exactly, ignoring whitespace, then fuzzily.

export type MatchMethod = 'exact' | 'whitespace' | 'fuzzy';

/** A run of file lines [start, end), 0-based, and how well it matched. */
export interface LineMatch {
  start: number;
  end: number;
  similarity: number;
}

export interface MatchResult {
  method: MatchMethod;
  /** Every place found by `method`; for fuzzy, the windows at or above the floor, best first. */
  matches: LineMatch[];
  /** The best fuzzy similarity seen, also when it stayed below the floor; 0 when below `REPORT_FLOOR`. */
  best: number;
}

// A fuzzy search ranks windows by a cheap upper bound and computes the edit distance for as
// few of them as it can; these caps keep a pathological reply from costing more than a few ms.
const MAX_ACCEPT_CHECKS = 64;
const MAX_REPORT_CHECKS = 8;
/** Below this, a failure message reports "below 0.5" rather than paying for an exact value. */
export const REPORT_FLOOR = 0.5;
const HISTOGRAM_SIZE = 256;

/** A line with whitespace runs collapsed and the ends trimmed. */
export function normalizeLine(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

/**
 * Finds `search` among `lines`: exact line-for-line matches first, then matches of the
 * whitespace-normalized lines (blank lines at the edges of the SEARCH text ignored), then
 * windows of non-blank lines whose normalized text has a Levenshtein similarity of at least
 * `floor`. Returns the first method that found anything, or a fuzzy result with no matches.
 */
export function findMatches(lines: readonly string[], search: readonly string[], floor: number): MatchResult {
  const exact = windows(lines, search);
  if (exact.length > 0) return { method: 'exact', matches: exact, best: 1 };
  const normalized = lines.map(normalizeLine);
  let first = 0;
  let last = search.length;
  const wanted = search.map(normalizeLine);
  while (first < last && wanted[first] === '') first++;
  while (last > first && wanted[last - 1] === '') last--;
  if (first === last) return { method: 'fuzzy', matches: [], best: 0 };
  const loose = windows(normalized, wanted.slice(first, last));
  if (loose.length > 0) return { method: 'whitespace', matches: loose, best: 1 };
  return fuzzy(
    normalized,
    wanted.filter((line) => line !== ''),
    floor,
  );
}

function windows(lines: readonly string[], search: readonly string[]): LineMatch[] {
  const found: LineMatch[] = [];
  const size = search.length;
  if (size === 0) return found;
  for (let start = 0; start + size <= lines.length; start++) {
    let same = true;
    for (let offset = 0; offset < size && same; offset++) same = lines[start + offset] === search[offset];
    if (same) found.push({ start, end: start + size, similarity: 1 });
  }
  return found;
}

interface Window {
  from: number;
  size: number;
  bound: number;
}

function fuzzy(normalized: readonly string[], wanted: readonly string[], floor: number): MatchResult {
  const nonBlank: number[] = [];
  for (let index = 0; index < normalized.length; index++) if (normalized[index] !== '') nonBlank.push(index);
  const target = wanted.join('\n');
  const targetHistogram = histogram(target);
  const candidates: Window[] = [];
  const size = wanted.length;
  for (const width of new Set([size - 1, size, size + 1])) {
    if (width < 1 || width > nonBlank.length) continue;
    const current = new Int32Array(HISTOGRAM_SIZE);
    let length = width - 1;
    for (let index = 0; index < width; index++) length += addLine(current, normalized[nonBlank[index] as number] as string, 1);
    current[10] = (current[10] as number) + width - 1;
    for (let from = 0; ; from++) {
      candidates.push({ from, size: width, bound: similarityBound(current, length, targetHistogram, target.length) });
      if (from + width >= nonBlank.length) break;
      length -= addLine(current, normalized[nonBlank[from] as number] as string, -1);
      length += addLine(current, normalized[nonBlank[from + width] as number] as string, 1);
    }
  }
  candidates.sort((a, b) => b.bound - a.bound || Math.abs(a.size - size) - Math.abs(b.size - size));
  const matches: LineMatch[] = [];
  let best = 0;
  let checks = 0;
  for (const candidate of candidates) {
    const accepting = candidate.bound >= floor && checks < MAX_ACCEPT_CHECKS;
    const reporting = matches.length === 0 && candidate.bound > Math.max(best, REPORT_FLOOR) && checks < MAX_REPORT_CHECKS;
    if (!accepting && !reporting) break;
    checks++;
    const text = windowText(normalized, nonBlank, candidate);
    // Exact at and above `needed`: every acceptable window, and the best one for the message.
    const needed = Math.min(floor, Math.max(REPORT_FLOOR, best));
    const similarity = boundedSimilarity(text, target, needed);
    if (similarity >= needed && similarity > best) best = similarity;
    if (similarity >= floor) {
      const start = nonBlank[candidate.from] as number;
      const end = (nonBlank[candidate.from + candidate.size - 1] as number) + 1;
      matches.push({ start, end, similarity });
    }
  }
  matches.sort((a, b) => b.similarity - a.similarity);
  return { method: 'fuzzy', matches, best };
}

function windowText(normalized: readonly string[], nonBlank: readonly number[], window: Window): string {
  const parts: string[] = [];
  for (let index = window.from; index < window.from + window.size; index++) parts.push(normalized[nonBlank[index] as number] as string);
  return parts.join('\n');
}

function bucket(code: number): number {
  return code < 128 ? code : 128 + (code & 127);
}

function histogram(text: string): Int32Array {
  const counts = new Int32Array(HISTOGRAM_SIZE);
  for (let index = 0; index < text.length; index++) counts[bucket(text.charCodeAt(index))]!++;
  return counts;
}

function addLine(counts: Int32Array, line: string, sign: 1 | -1): number {
  for (let index = 0; index < line.length; index++) counts[bucket(line.charCodeAt(index))]! += sign;
  return line.length;
}

/**
 * An upper bound on the similarity from character counts alone: one edit fixes at most one
 * surplus and one shortage, so the distance is at least the larger of the two totals.
 */
function similarityBound(window: Int32Array, windowLength: number, target: Int32Array, targetLength: number): number {
  let surplus = 0;
  let shortage = 0;
  for (let index = 0; index < HISTOGRAM_SIZE; index++) {
    const difference = (window[index] as number) - (target[index] as number);
    if (difference > 0) surplus += difference;
    else shortage -= difference;
  }
  const longest = Math.max(windowLength, targetLength);
  return longest === 0 ? 1 : 1 - Math.max(surplus, shortage) / longest;
}

let previousRow = new Int32Array(0);
let currentRow = new Int32Array(0);

/**
 * 1 - distance / longer length, computed exactly when it is at least `needed`; below that it
 * returns some value under `needed`. The edit distance is computed in a diagonal band only as
 * wide as `needed` allows, and stops as soon as every cell of a row is out of reach.
 */
export function boundedSimilarity(a: string, b: string, needed: number): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  const limit = Math.floor((1 - needed) * longest + 1e-9);
  if (Math.abs(a.length - b.length) > limit) return Math.min(needed - 1e-6, 1 - Math.abs(a.length - b.length) / longest);
  const width = b.length + 1;
  if (previousRow.length < width) {
    previousRow = new Int32Array(width);
    currentRow = new Int32Array(width);
  }
  const outside = limit + 1;
  for (let column = 0; column < width; column++) previousRow[column] = column <= limit ? column : outside;
  for (let row = 1; row <= a.length; row++) {
    const low = Math.max(1, row - limit);
    const high = Math.min(b.length, row + limit);
    currentRow[0] = row <= limit ? row : outside;
    if (low > 1) currentRow[low - 1] = outside;
    let rowMinimum = currentRow[0] as number;
    const code = a.charCodeAt(row - 1);
    for (let column = low; column <= high; column++) {
      const substitution = (previousRow[column - 1] as number) + (code === b.charCodeAt(column - 1) ? 0 : 1);
      const deletion = (previousRow[column] as number) + 1;
      const insertion = (currentRow[column - 1] as number) + 1;
      const cell = Math.min(substitution, deletion, insertion, outside);
      currentRow[column] = cell;
      if (cell < rowMinimum) rowMinimum = cell;
    }
    if (high < b.length) currentRow[high + 1] = outside;
    if (rowMinimum > limit) return Math.min(needed - 1e-6, 1 - outside / longest);
    [previousRow, currentRow] = [currentRow, previousRow];
  }
  const distance = previousRow[b.length] as number;
  return distance > limit ? Math.min(needed - 1e-6, 1 - outside / longest) : 1 - distance / longest;
}
