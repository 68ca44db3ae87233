import { createTwoFilesPatch } from 'diff';
import { OuroError } from './errors.ts';
import type { Genome } from './types.ts';

export const EVOLVE_START = 'EVOLVE-BLOCK-START';
export const EVOLVE_END = 'EVOLVE-BLOCK-END';

/** A region of a file that operators may change: [start, end) character offsets. */
export interface Region {
  start: number;
  end: number;
}

/**
 * Finds the EVOLVE regions of a file. A region runs from the line after a line that contains
 * `EVOLVE-BLOCK-START` up to the line that contains `EVOLVE-BLOCK-END`; the marker lines stay fixed.
 * Throws when markers are missing, nested or unbalanced.
 */
export function findRegions(text: string, file: string): Region[] {
  const regions: Region[] = [];
  let open: number | undefined;
  let offset = 0;
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    const lineEnd = offset + line.length + 1;
    if (line.includes(EVOLVE_START)) {
      if (open !== undefined) {
        throw new OuroError('genome-markers', `${file}:${lineNumber}: ${EVOLVE_START} inside another EVOLVE block`, { file });
      }
      open = Math.min(lineEnd, text.length);
    } else if (line.includes(EVOLVE_END)) {
      if (open === undefined) {
        throw new OuroError('genome-markers', `${file}:${lineNumber}: ${EVOLVE_END} without a ${EVOLVE_START} before it`, { file });
      }
      regions.push({ start: open, end: offset });
      open = undefined;
    }
    offset = lineEnd;
  }
  if (open !== undefined) {
    throw new OuroError('genome-markers', `${file}: ${EVOLVE_START} is never closed by ${EVOLVE_END}`, { file });
  }
  if (regions.length === 0) {
    throw new OuroError(
      'genome-markers',
      `${file} has no EVOLVE block: mark what may change with ${EVOLVE_START} and ${EVOLVE_END} comments`,
      { file },
    );
  }
  return regions;
}

/** The fixed parts of a file, in order: everything outside its EVOLVE regions. */
export function frozenParts(text: string, regions: readonly Region[]): string[] {
  const parts: string[] = [];
  let cursor = 0;
  for (const region of regions) {
    parts.push(text.slice(cursor, region.start));
    cursor = region.end;
  }
  parts.push(text.slice(cursor));
  return parts;
}

/**
 * Returns why `child` is not a legal variant of `parent`, or undefined when it is: same files,
 * and every byte outside the EVOLVE regions unchanged.
 */
export function checkFrozen(parent: Genome, child: Genome): string | undefined {
  const parentFiles = Object.keys(parent).sort();
  const childFiles = Object.keys(child).sort();
  if (parentFiles.join('\0') !== childFiles.join('\0')) {
    return `files changed: parent has [${parentFiles.join(', ')}], child has [${childFiles.join(', ')}]`;
  }
  for (const file of parentFiles) {
    const before = parent[file] as string;
    const after = child[file] as string;
    if (before === after) continue;
    let childRegions: Region[];
    try {
      childRegions = findRegions(after, file);
    } catch (error) {
      return (error as Error).message;
    }
    const a = frozenParts(before, findRegions(before, file));
    const b = frozenParts(after, childRegions);
    if (a.length !== b.length || a.some((part, index) => part !== b[index])) {
      return `${file}: text outside the EVOLVE blocks changed`;
    }
  }
  return undefined;
}

/** Text used by the duplicate filter: files in name order, whitespace runs collapsed. */
export function normalizeGenome(genome: Genome): string {
  return Object.keys(genome)
    .sort()
    .map((file) => `${file}\0${(genome[file] as string).replace(/\s+/g, ' ').trim()}`)
    .join('\0');
}

/** A unified diff of every changed file, parent first. */
export function diffGenomes(parent: Genome, child: Genome): string {
  const files = [...new Set([...Object.keys(parent), ...Object.keys(child)])].sort();
  let out = '';
  for (const file of files) {
    const before = parent[file] ?? '';
    const after = child[file] ?? '';
    if (before === after) continue;
    out += createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 });
  }
  return out;
}

/** Total characters and lines: the built-in features every candidate has. */
export function genomeFeatures(genome: Genome): { length: number; lines: number } {
  let length = 0;
  let lines = 0;
  for (const text of Object.values(genome)) {
    length += text.length;
    lines += text.split('\n').length;
  }
  return { length, lines };
}
