/**
 * Answer extractors: each reads one sampled reply and returns the answer it states, or undefined
 * when it states none. Votes are taken over `normalize(extract(text))`.
 */
import { OuroError } from '../core/errors.ts';

export type Extractor = (text: string) => string | undefined;
export type Normalizer = (answer: string) => string;

/** The names accepted for the built-in extractors, besides a function or `{ jsonField }`. */
export type ExtractorChoice = Extractor | 'number' | 'choice' | 'code' | 'text' | { jsonField: string };

const NUMBER = String.raw`-?\$?\d[\d,]*(?:\.\d+)?|-?\$?\.\d+`;

/** `1,234.50` and `$1234.5` both become `1234.5`; `-0` becomes `0`. */
export function canonicalNumber(text: string): string | undefined {
  const value = Number(text.replace(/[$,\s]/g, ''));
  if (!Number.isFinite(value)) return undefined;
  return String(Object.is(value, -0) ? 0 : value);
}

/**
 * The final numeric answer: the number after `####`, after "answer is", or in `\boxed{}` when
 * there is one, else the last number in the reply.
 */
export function extractNumber(text: string): string | undefined {
  const marked = [
    new RegExp(String.raw`####\s*(${NUMBER})`, 'g'),
    new RegExp(String.raw`answer\s*(?:is|:)\s*\**\s*(${NUMBER})`, 'gi'),
    new RegExp(String.raw`\\boxed\{\s*(${NUMBER})\s*\}`, 'g'),
  ];
  for (const pattern of marked) {
    const matches = [...text.matchAll(pattern)];
    const last = matches.at(-1)?.[1];
    if (last !== undefined) return canonicalNumber(last);
  }
  const all = [...text.matchAll(new RegExp(NUMBER, 'g'))];
  const last = all.at(-1)?.[0];
  return last === undefined ? undefined : canonicalNumber(last);
}

/**
 * A multiple-choice letter among `letters`: after "answer is" / "Answer:", else the last
 * standalone `(B)` or `B)`. Returned upper-case.
 */
export function extractChoice(letters = 'ABCDE'): Extractor {
  const set = `[${letters}${letters.toLowerCase()}]`;
  const stated = new RegExp(String.raw`answer\s*(?:is|:)\s*\(?(${set})\b\)?`, 'gi');
  const standalone = new RegExp(String.raw`(?:^|[\s(\[])\(?(${set})\)(?=[\s.,;:]|$)|\((${set})\)`, 'g');
  return (text) => {
    const statedMatch = [...text.matchAll(stated)].at(-1);
    if (statedMatch?.[1] !== undefined) return statedMatch[1].toUpperCase();
    const loose = [...text.matchAll(standalone)].at(-1);
    const letter = loose?.[1] ?? loose?.[2];
    return letter?.toUpperCase();
  };
}

/** The last fenced code block (of `language` when given), without its fences. */
export function extractCodeBlock(language?: string): Extractor {
  return (text) => {
    const blocks = [...text.matchAll(/```([\w+-]*)[^\n]*\n([\s\S]*?)```/g)];
    const wanted = language === undefined ? blocks : blocks.filter((block) => block[1]?.toLowerCase() === language.toLowerCase());
    const body = wanted.at(-1)?.[2];
    return body === undefined || body.trim() === '' ? undefined : body.replace(/\s+$/, '');
  };
}

/** Every balanced `{...}` span of the text, last first. */
function jsonObjects(text: string): string[] {
  const spans: string[] = [];
  for (let start = text.lastIndexOf('{'); start !== -1; start = start === 0 ? -1 : text.lastIndexOf('{', start - 1)) {
    let depth = 0;
    let inString = false;
    for (let index = start; index < text.length; index++) {
      const character = text[index];
      if (inString) {
        if (character === '\\') index++;
        else if (character === '"') inString = false;
      } else if (character === '"') inString = true;
      else if (character === '{') depth++;
      else if (character === '}' && --depth === 0) {
        spans.push(text.slice(start, index + 1));
        break;
      }
    }
  }
  return spans.sort((a, b) => b.length - a.length);
}

/**
 * The field at a dot path (`answer`, `result.value`) of the largest JSON object in the reply;
 * objects and arrays come back as JSON text, strings as themselves.
 */
export function extractJsonField(path: string): Extractor {
  if (path.trim() === '')
    throw new OuroError('option-invalid', 'extract.jsonField must name a field, such as "answer"', { field: 'extract.jsonField' });
  const keys = path.split('.');
  return (text) => {
    for (const span of jsonObjects(text)) {
      let value: unknown;
      try {
        value = JSON.parse(span);
      } catch {
        continue;
      }
      for (const key of keys) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
      if (value === undefined || value === null) continue;
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
    return undefined;
  };
}

/** The whole reply, for free-form answers. */
export const extractText: Extractor = (text) => (text.trim() === '' ? undefined : text);

/** Trims, and collapses runs of white space to one space. */
export const normalizeWhitespace: Normalizer = (answer) => answer.trim().replace(/\s+/g, ' ');

/** The extractor an option names. */
export function extractorFor(choice: ExtractorChoice | undefined, fallback: Extractor): Extractor {
  if (choice === undefined) return fallback;
  if (typeof choice === 'function') return choice;
  if (typeof choice === 'object') return extractJsonField(choice.jsonField);
  if (choice === 'number') return extractNumber;
  if (choice === 'choice') return extractChoice();
  if (choice === 'code') return extractCodeBlock();
  if (choice === 'text') return extractText;
  throw new OuroError(
    'option-invalid',
    `extract must be 'number', 'choice', 'code', 'text', { jsonField } or a function (got ${JSON.stringify(choice)})`,
    { field: 'extract' },
  );
}

/** Extracts then normalises; an answer that normalises to nothing counts as no answer. */
export function answerOf(text: string, extract: Extractor, normalize: Normalizer): string | undefined {
  const raw = extract(text);
  if (raw === undefined) return undefined;
  const answer = normalize(raw);
  return answer === '' ? undefined : answer;
}
