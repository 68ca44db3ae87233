/**
 * The code a reply offers: what the execution verifier writes as the task's solution file.
 */
import type { CodeCheck } from '../types.ts';

const FENCED_BLOCK = /```([\w+-]*)[^\n]*\n([\s\S]*?)```/g;
const OPENING_FENCE = /^```[^\n]*\n/gm;
const TAGS: Record<CodeCheck['language'], ReadonlySet<string>> = {
  python: new Set(['python', 'py', 'python3']),
  javascript: new Set(['javascript', 'js', 'mjs', 'jsx', 'node']),
};

/**
 * The last fenced code block tagged with the task's language (`python`/`py`, `js`/`javascript`), else
 * the last fenced block of any tag, else, for a reply cut off inside a block, everything after its
 * last opening fence, else the whole reply.
 *
 * @example
 * codeOf('Here it is:\n```python\ndef add(a, b):\n    return a + b\n```\nDone.', 'python'); // 'def add(a, b):\n    return a + b\n'
 */
export function codeOf(text: string, language: CodeCheck['language']): string {
  const tags = TAGS[language];
  let last: string | undefined;
  let lastTagged: string | undefined;
  FENCED_BLOCK.lastIndex = 0;
  let end = 0;
  for (let match = FENCED_BLOCK.exec(text); match !== null; match = FENCED_BLOCK.exec(text)) {
    const body = match[2] as string;
    last = body;
    if (tags.has((match[1] as string).toLowerCase())) lastTagged = body;
    end = match.index + match[0].length;
  }
  const chosen = lastTagged ?? last;
  if (chosen !== undefined && text.indexOf('```', end) === -1) return chosen;
  // A fence opened after the last complete block and never closed: the reply was cut off mid-code.
  OPENING_FENCE.lastIndex = end;
  let opened: number | undefined;
  for (let match = OPENING_FENCE.exec(text); match !== null; match = OPENING_FENCE.exec(text)) opened = match.index + match[0].length;
  if (opened !== undefined) return text.slice(opened);
  return chosen ?? text;
}
