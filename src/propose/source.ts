import { parse, type ParserOptions, type ParserPlugin } from '@babel/parser';
import type { File } from '@babel/types';
import type { Region } from '../core/genome.ts';

/** How one file is parsed; chosen from its extension and kept with its analysis. */
export interface ParseSettings {
  sourceType: 'module' | 'script';
  plugins: ParserPlugin[];
}

/** A replacement of text[start, end) by `text`. Every operator makes exactly one. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

const EXTENSION = /\.(js|mjs|cjs|jsx|ts|mts|cts|tsx)$/;

/** The languages the Babel-based operators parse, as named in messages. */
export const BABEL_LANGUAGES: readonly string[] = Object.freeze(['JavaScript', 'TypeScript']);

/** Whether the Babel-based operators can parse this file: JavaScript or TypeScript, by extension. */
export function isBabelFile(file: string): boolean {
  return EXTENSION.test(file);
}

/** The parse settings to try for a file, in order; empty for files operators must not touch. */
export function parseSettingsFor(file: string): ParseSettings[] {
  const match = EXTENSION.exec(file);
  if (match === null) return [];
  switch (match[1]) {
    case 'ts':
    case 'mts':
    case 'cts':
      return [{ sourceType: 'module', plugins: ['typescript'] }];
    case 'tsx':
      return [{ sourceType: 'module', plugins: ['typescript', 'jsx'] }];
    case 'jsx':
      return [{ sourceType: 'module', plugins: ['jsx'] }];
    case 'cjs':
      return [{ sourceType: 'script', plugins: [] }];
    default:
      // Plain .js files often hold JSX; the jsx plugin is the fallback so that ordinary
      // files keep the stricter grammar.
      return [
        { sourceType: 'module', plugins: [] },
        { sourceType: 'module', plugins: ['jsx'] },
      ];
  }
}

/** Parses with node offsets only: comments are not attached because no operator reads them. */
export function parseWith(text: string, settings: ParseSettings): File {
  const options: ParserOptions = {
    sourceType: settings.sourceType,
    plugins: settings.plugins,
    errorRecovery: false,
    attachComment: false,
  };
  return parse(text, options);
}

/** A parse error as `line: reason`, with the line counted in the whole file. */
export function describeParseError(error: unknown, firstLine = 1): string {
  const { reason, loc } = parseErrorParts(error);
  return loc === undefined ? reason : `line ${loc.line + firstLine - 1}: ${reason}`;
}

/** A Babel parse error's message without its trailing `(line:column)`, and where it points (column 0-based). */
export function parseErrorParts(error: unknown): { reason: string; loc?: { line: number; column: number } } {
  const candidate = error as { message?: string; loc?: { line: number; column: number } };
  const reason = String(candidate.message ?? error).replace(/\s*\(\d+:\d+\)$/, '');
  return candidate.loc === undefined ? { reason } : { reason, loc: candidate.loc };
}

export function applyEdit(text: string, edit: Edit): string {
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

/** The region that holds all of [start, end), if any. */
export function regionHolding(regions: readonly Region[], start: number, end: number): Region | undefined {
  for (const region of regions) {
    if (region.start <= start && end <= region.end) return region;
  }
  return undefined;
}

/** Offsets at which each line starts, for `lineAt`. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  let index = text.indexOf('\n');
  while (index !== -1) {
    starts.push(index + 1);
    index = text.indexOf('\n', index + 1);
  }
  return starts;
}

/** The 1-based line holding `offset`. */
export function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/** The whitespace that starts the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let end = lineStart;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(lineStart, end);
}

/** True when only spaces or tabs sit between the start of the line and `offset`. */
export function startsLine(text: string, offset: number): boolean {
  for (let index = offset - 1; index >= 0; index--) {
    const character = text[index];
    if (character === '\n') return true;
    if (character !== ' ' && character !== '\t') return false;
  }
  return true;
}

/** Moves a multi-line snippet from one indentation to another, line by line. */
export function reindent(code: string, from: string, to: string): string {
  if (from === to || !code.includes('\n')) return code;
  return code
    .split('\n')
    .map((line, index) => (index > 0 && line.startsWith(from) ? to + line.slice(from.length) : line))
    .join('\n');
}

/** Code collapsed to one line and cut to `limit` characters, for descriptions. */
export function excerpt(code: string, limit = 60): string {
  const line = code.replace(/\s+/g, ' ').trim();
  return line.length <= limit ? line : `${line.slice(0, limit - 3)}...`;
}
