// Reading the prose of a reply: the rationale the format asks for, and a one-line summary.
import { looksLikePath } from './edit-blocks.ts';
import type { AppliedEdit } from './search-replace.ts';

const LABEL = /^[\s>*_#-]*(rationale|diagnosis)[\s*_]*:[\s*_]*(.*)$/i;
const STOP = /^\s*(?:<{5,9}\s*SEARCH|={5,9}\s*$|>{5,9}\s*REPLACE|`{3,}|~{3,}|REGION\s)/i;
const MAX_RATIONALE = 600;
const MAX_FALLBACK = 400;

/**
 * The reply's `Rationale:` text, preceded by its `Diagnosis:` text when there is one, each
 * running on until a blank line, a fence or an edit block. Without either label, the first
 * paragraph of prose before the edits stands in for it.
 *
 * @example
 * extractRationale('Diagnosis: rows overlap.\nRationale: shrink the pitch.\n\n<<<<<<< SEARCH ...');
 * // 'rows overlap.\nshrink the pitch.'
 */
export function extractRationale(reply: string): string | undefined {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const found = new Map<string, string>();
  for (let index = 0; index < lines.length; index++) {
    const match = LABEL.exec(lines[index] as string);
    if (match === null) continue;
    const label = (match[1] as string).toLowerCase();
    const parts = [(match[2] as string).trim()];
    while (index + 1 < lines.length && continues(lines[index + 1] as string)) parts.push((lines[++index] as string).trim());
    if (!found.has(label)) found.set(label, clip(parts.filter((part) => part !== '').join(' '), MAX_RATIONALE));
  }
  const stated = [found.get('diagnosis'), found.get('rationale')].filter((text): text is string => text !== undefined && text !== '');
  if (stated.length > 0) return stated.join('\n');
  const prose: string[] = [];
  for (const line of lines) {
    if (STOP.test(line)) break;
    if (line.trim() === '') {
      if (prose.length > 0) break;
      continue;
    }
    prose.push(line.trim());
  }
  const paragraph = prose.join(' ').replace(/^#+\s*/, '');
  return paragraph === '' ? undefined : clip(paragraph, MAX_FALLBACK);
}

function continues(line: string): boolean {
  const trimmed = line.trim();
  return trimmed !== '' && !STOP.test(line) && !LABEL.test(line) && !looksLikePath(trimmed.replace(/^[*_`]+|[*_`:]+$/g, ''));
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 3)}...`;
}

/**
 * `llm-diff: 2 blocks (1 exact, 1 fuzzy 0.94) at pack.js:12, pack.js:30`. The model is not
 * repeated here: the candidate's origin records it.
 */
export function describeEdits(operator: string, applied: readonly AppliedEdit[]): string {
  const exact = applied.filter((edit) => edit.method === 'exact').length;
  const whitespace = applied.filter((edit) => edit.method === 'whitespace').length;
  const fuzzy = applied.filter((edit) => edit.method === 'fuzzy').map((edit) => edit.similarity);
  const parts: string[] = [];
  if (exact > 0) parts.push(`${exact} exact`);
  if (whitespace > 0) parts.push(`${whitespace} whitespace`);
  if (fuzzy.length === 1) parts.push(`1 fuzzy ${(fuzzy[0] as number).toFixed(2)}`);
  else if (fuzzy.length > 1) parts.push(`${fuzzy.length} fuzzy ${Math.min(...fuzzy).toFixed(2)}-${Math.max(...fuzzy).toFixed(2)}`);
  const sites = applied.map((edit) => `${edit.file}:${edit.line}`);
  const where = sites.length <= 3 ? sites.join(', ') : `${sites.slice(0, 3).join(', ')} and ${sites.length - 3} more`;
  return `${operator}: ${applied.length} block${applied.length === 1 ? '' : 's'} (${parts.join(', ')}) at ${where}`;
}
