// Reading SEARCH/REPLACE edit blocks out of a model's reply.

/** One edit as the model wrote it: whole lines to find, and the lines to put in their place. */
export interface EditBlock {
  /** 1-based position in the reply, for messages. */
  index: number;
  /** The file named on the line before the block, as written (cleaned of markdown), if any. */
  fileHint?: string;
  search: string[];
  replace: string[];
}

export type ParsedBlocks = { blocks: EditBlock[] } | { failure: string; blocks: EditBlock[]; truncated: true };

const SEARCH_MARK = /^\s*<{5,9}\s*SEARCH\s*$/;
const DIVIDER_MARK = /^\s*={5,9}\s*$/;
const REPLACE_MARK = /^\s*>{5,9}\s*REPLACE\s*$/;
const FENCE = /^\s*(`{3,}|~{3,})/;
/** How far above a block its file name may sit, past blank and fence lines. */
const HINT_LOOKBACK = 3;

/**
 * Parses every SEARCH/REPLACE block of a reply. A block cut off before its `>>>>>>> REPLACE`
 * line is reported as truncated, together with the complete blocks before it; stray dividers
 * outside a block are prose and ignored.
 *
 * @example
 * parseEditBlocks('pack.js\n<<<<<<< SEARCH\nconst a = 1;\n=======\nconst a = 2;\n>>>>>>> REPLACE');
 * // { blocks: [{ index: 1, fileHint: 'pack.js', search: ['const a = 1;'], replace: ['const a = 2;'] }] }
 */
export function parseEditBlocks(reply: string): ParsedBlocks {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const blocks: EditBlock[] = [];
  let index = 0;
  while (index < lines.length) {
    if (!SEARCH_MARK.test(lines[index] as string)) {
      index++;
      continue;
    }
    const number = blocks.length + 1;
    const fileHint = hintAbove(lines, index);
    const search: string[] = [];
    const replace: string[] = [];
    let cursor = index + 1;
    while (cursor < lines.length && !DIVIDER_MARK.test(lines[cursor] as string)) {
      if (SEARCH_MARK.test(lines[cursor] as string)) {
        return truncated(blocks, `block ${number} is malformed (a second <<<<<<< SEARCH before its =======)`);
      }
      search.push(lines[cursor] as string);
      cursor++;
    }
    if (cursor >= lines.length) return truncated(blocks, `block ${number} is truncated (no =======)`);
    cursor++;
    while (cursor < lines.length && !REPLACE_MARK.test(lines[cursor] as string)) {
      if (SEARCH_MARK.test(lines[cursor] as string)) {
        return truncated(blocks, `block ${number} is malformed (a new <<<<<<< SEARCH before its >>>>>>> REPLACE)`);
      }
      replace.push(lines[cursor] as string);
      cursor++;
    }
    if (cursor >= lines.length) return truncated(blocks, `block ${number} is truncated (no >>>>>>> REPLACE)`);
    blocks.push(fileHint === undefined ? { index: number, search, replace } : { index: number, fileHint, search, replace });
    index = cursor + 1;
  }
  return { blocks };
}

function truncated(blocks: EditBlock[], failure: string): ParsedBlocks {
  return { failure, blocks, truncated: true };
}

/** The file name written just above a block: `pack.js`, `**pack.js**`, `File: src/pack.js:`. */
function hintAbove(lines: readonly string[], searchLine: number): string | undefined {
  let seen = 0;
  for (let index = searchLine - 1; index >= 0 && seen < HINT_LOOKBACK; index--) {
    const line = (lines[index] as string).trim();
    if (line === '' || FENCE.test(line)) {
      seen++;
      continue;
    }
    if (REPLACE_MARK.test(line)) return undefined;
    const cleaned = line
      .replace(/^#+\s*/, '')
      .replace(/^[*_`]+|[*_`]+$/g, '')
      .replace(/^file(?:name)?\s*:\s*/i, '')
      .replace(/^[*_`]+|[*_`:]+$/g, '')
      .trim();
    return cleaned === '' || /\s/.test(cleaned) || cleaned.length > 200 ? undefined : cleaned;
  }
  return undefined;
}

/** Whether a file hint looks like a path the model meant, rather than a stray word of prose. */
export function looksLikePath(hint: string): boolean {
  return /^[\w.\-/\\@]+\.[A-Za-z0-9]+$/.test(hint);
}
