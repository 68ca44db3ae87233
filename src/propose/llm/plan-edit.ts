// Turning a located SEARCH/REPLACE block into the lines that really change.
import type { EditBlock } from './edit-blocks.ts';
import { normalizeLine, type LineMatch, type MatchMethod } from './match.ts';

/** File lines [start, end), 0-based, to be replaced by `lines`; start === end inserts. */
export interface PlannedEdit {
  start: number;
  end: number;
  lines: string[];
}

const blank = (line: string): boolean => line.trim() === '';

/**
 * The edit a block makes at a match. Lines that open or close both the SEARCH and the REPLACE
 * text unchanged are context, not edits: they stay as the file has them, so a block that quotes
 * an EVOLVE marker line to anchor itself still only edits what lies between the markers. For a
 * loose match the edit also carries over what the model got wrong about the file: blank lines it
 * trimmed from the SEARCH edges are trimmed from the REPLACE edges too, an indentation shift
 * between its SEARCH text and the file is applied to the new lines, and \r\n line ends are kept.
 */
export function planEdit(block: EditBlock, fileLines: readonly string[], match: LineMatch, method: MatchMethod): PlannedEdit {
  let search = block.search;
  let replace = block.replace;
  if (method !== 'exact') {
    let leading = 0;
    while (leading < search.length && blank(search[leading] as string)) leading++;
    let trailing = 0;
    while (trailing < search.length - leading && blank(search[search.length - 1 - trailing] as string)) trailing++;
    search = search.slice(leading, search.length - trailing);
    let from = 0;
    while (from < leading && from < replace.length && blank(replace[from] as string)) from++;
    let to = replace.length;
    while (replace.length - to < trailing && to > from && blank(replace[to - 1] as string)) to--;
    replace = replace.slice(from, to);
  }
  let start = match.start;
  let end = match.end;
  let lines = replace;
  if (method !== 'fuzzy' && search.length === end - start) {
    const same = method === 'exact' ? (a: string, b: string) => a === b : (a: string, b: string) => normalizeLine(a) === normalizeLine(b);
    let prefix = 0;
    while (prefix < search.length && prefix < replace.length && same(search[prefix] as string, replace[prefix] as string)) prefix++;
    let suffix = 0;
    while (
      suffix < search.length - prefix &&
      suffix < replace.length - prefix &&
      same(search[search.length - 1 - suffix] as string, replace[replace.length - 1 - suffix] as string)
    ) {
      suffix++;
    }
    start += prefix;
    end -= suffix;
    lines = replace.slice(prefix, replace.length - suffix);
  }
  if (method === 'fuzzy') [start, end, lines] = trimFuzzyContext(search, replace, fileLines, match);
  const matched = fileLines.slice(match.start, match.end);
  if (method !== 'exact')
    lines = shiftIndent(lines, indentOf(search.find((line) => !blank(line))), indentOf(matched.find((line) => !blank(line))));
  if (matched.length > 0 && matched.every((line) => line.endsWith('\r')))
    lines = lines.map((line) => (line.endsWith('\r') ? line : `${line}\r`));
  return { start, end, lines };
}

/**
 * A fuzzy window pairs its non-blank lines with the SEARCH text's non-blank lines when both have
 * as many. Then a line at either edge is context when the file, the SEARCH and the REPLACE text
 * all agree on it (whitespace aside).
 */
function trimFuzzyContext(
  search: readonly string[],
  replace: readonly string[],
  fileLines: readonly string[],
  match: LineMatch,
): [number, number, string[]] {
  const wanted = search.filter((line) => !blank(line)).map(normalizeLine);
  const present: number[] = [];
  for (let line = match.start; line < match.end; line++) if (!blank(fileLines[line] as string)) present.push(line);
  const whole: [number, number, string[]] = [match.start, match.end, [...replace]];
  if (present.length !== wanted.length || search.some(blank) || replace.some(blank)) return whole;
  const agrees = (searchIndex: number, replaceIndex: number): boolean => {
    const text = wanted[searchIndex] as string;
    return (
      normalizeLine(replace[replaceIndex] as string) === text && normalizeLine(fileLines[present[searchIndex] as number] as string) === text
    );
  };
  let prefix = 0;
  while (prefix < wanted.length && prefix < replace.length && agrees(prefix, prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < wanted.length - prefix &&
    suffix < replace.length - prefix &&
    agrees(wanted.length - 1 - suffix, replace.length - 1 - suffix)
  )
    suffix++;
  if (prefix === 0 && suffix === 0) return whole;
  const start = prefix === 0 ? match.start : (present[prefix - 1] as number) + 1;
  const end = suffix === 0 ? match.end : (present[wanted.length - suffix] as number);
  return [start, end, replace.slice(prefix, replace.length - suffix)];
}

function shiftIndent(lines: readonly string[], from: string, to: string): string[] {
  if (from === to) return [...lines];
  if (to.endsWith(from)) {
    const extra = to.slice(0, to.length - from.length);
    return lines.map((line) => (blank(line) ? line : extra + line));
  }
  if (from.endsWith(to)) {
    const excess = from.slice(0, from.length - to.length);
    if (lines.every((line) => blank(line) || line.startsWith(excess)))
      return lines.map((line) => (blank(line) ? line : line.slice(excess.length)));
  }
  return [...lines];
}

function indentOf(line: string | undefined): string {
  return line === undefined ? '' : (/^[ \t]*/.exec(line) as RegExpExecArray)[0];
}
