/**
 * Reading a reply's final answer, on the hot path of the answer verifier (tens of thousands of
 * replies a second): every pattern is compiled once, here, and scans use `exec` with `lastIndex`
 * instead of collecting all matches. `numericAnswer` follows `extractNumber` in infer/extract.ts
 * exactly (the tests hold the two to the same answers); that one compiles its patterns per call.
 */

const NUMBER = String.raw`-?\$?\d[\d,]*(?:\.\d+)?|-?\$?\.\d+`;
const AFTER_HASHES = new RegExp(String.raw`####\s*(${NUMBER})`, 'g');
const AFTER_ANSWER = new RegExp(String.raw`answer\s*(?:is|:)\s*\**\s*(${NUMBER})`, 'gi');
const IN_BOX = new RegExp(String.raw`\\boxed\{\s*(${NUMBER})\s*\}`, 'g');
const ANY_NUMBER = new RegExp(NUMBER, 'g');
const SAYS_ANSWER = /answer/i;
const ANSWER_LEAD = /answer\s*(?:is\b\s*:?|:)/gi;
const NUMBER_NOISE = /[$,\s]/g;
const WHITESPACE_RUN = /\s+/g;
/** Punctuation and markup trimmed from both ends of a text answer; `-` and `+` stay, being part of answers. */
const END_PUNCTUATION = /^[\s.,;:!?"'`*_()[\]{}“”‘’«»]+|[\s.,;:!?"'`*_()[\]{}“”‘’«»]+$/g;

/** `$1,234.50` as `1234.5`; `NaN` when it is not a number. */
export function numberValue(text: string): number {
  const plain = text.indexOf(',') === -1 && text.indexOf('$') === -1 ? text : text.replace(NUMBER_NOISE, '');
  return plain.trim() === '' ? Number.NaN : Number(plain);
}

/**
 * The final numeric answer as written (`$1,234.50`), or undefined: the last number after `####`,
 * else after "answer is" / "answer:", else in `\boxed{}`, else the last number in the reply.
 */
export function numericAnswer(text: string): string | undefined {
  if (text.includes('####')) {
    const found = lastGroup(AFTER_HASHES, text);
    if (found !== undefined) return found;
  }
  if (SAYS_ANSWER.test(text)) {
    const found = lastGroup(AFTER_ANSWER, text);
    if (found !== undefined) return found;
  }
  if (text.includes('\\boxed')) {
    const found = lastGroup(IN_BOX, text);
    if (found !== undefined) return found;
  }
  return lastNumber(text);
}

function lastGroup(pattern: RegExp, text: string): string | undefined {
  pattern.lastIndex = 0;
  let last: string | undefined;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) last = match[1];
  return last;
}

/**
 * The last number in the text, found from the end: a number is made of digits, `,`, `.`, `$` and
 * `-` only, so a forward scan reaches the run of those characters around the last digit fresh, and
 * scanning that run alone gives the same last match as scanning the whole text.
 */
function lastNumber(text: string): string | undefined {
  let digit = text.length - 1;
  while (digit >= 0 && !isDigit(text.charCodeAt(digit))) digit--;
  if (digit < 0) return undefined;
  let start = digit;
  while (start > 0 && isNumberPart(text.charCodeAt(start - 1))) start--;
  ANY_NUMBER.lastIndex = start;
  let last: string | undefined;
  for (let match = ANY_NUMBER.exec(text); match !== null && match.index <= digit; match = ANY_NUMBER.exec(text)) last = match[0];
  return last;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Digits, `,` `.` `$` `-`. */
function isNumberPart(code: number): boolean {
  return isDigit(code) || code === 44 || code === 46 || code === 36 || code === 45;
}

/**
 * The final answer as text: the contents of the last `\boxed{...}`, else the rest of the line after
 * the last `####`, else after the last "answer is" / "answer:", else the last non-empty line.
 */
export function textAnswer(text: string): string | undefined {
  const boxed = lastBoxed(text);
  if (boxed !== undefined) return boxed;
  const hashes = text.lastIndexOf('####');
  if (hashes !== -1) return restOfLine(text, hashes + 4);
  ANSWER_LEAD.lastIndex = 0;
  let after = -1;
  for (let match = ANSWER_LEAD.exec(text); match !== null; match = ANSWER_LEAD.exec(text)) after = match.index + match[0].length;
  if (after !== -1) return restOfLine(text, after);
  let end = text.length;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end).trim();
    if (line !== '') return line;
    end = start - 1;
  }
  return undefined;
}

function restOfLine(text: string, from: number): string {
  const end = text.indexOf('\n', from);
  return text.slice(from, end === -1 ? text.length : end).trim();
}

/** The contents of the last `\boxed{...}`, braces balanced. */
function lastBoxed(text: string): string | undefined {
  const at = text.lastIndexOf('\\boxed{');
  if (at === -1) return undefined;
  let depth = 0;
  for (let index = at + 6; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 123) depth++;
    else if (code === 125 && --depth === 0) return text.slice(at + 7, index).trim();
  }
  return undefined;
}

/** Lower case, runs of white space as one space, punctuation and markup trimmed from the ends. */
export function normaliseAnswer(answer: string): string {
  return answer.replace(END_PUNCTUATION, '').replace(WHITESPACE_RUN, ' ').toLowerCase();
}
