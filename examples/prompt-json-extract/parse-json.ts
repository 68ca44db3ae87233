// Reads the JSON object a model wrote, from a reply that may wrap it in a Markdown fence or in prose.

/** The object a reply holds, or why none could be read. */
export type ParsedReply = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

const FENCE = /(?:^|\n)[ \t]*(`{3,}|~{3,})[ \t]*([\w-]*)[^\n]*\n([\s\S]*?)\n[ \t]*\1/g;
/** How many `{` positions in prose are tried as the start of the object. */
const MAX_STARTS = 20;

/**
 * The JSON object in a model's reply. Tried in order, the first that parses to an object wins:
 * the whole reply; the body of each fenced block (those labelled `json` first); and the balanced
 * `{ ... }` span from each `{` in the text, so that prose before and after the object is skipped.
 * When none parses, the error is JSON.parse's message for the most likely span (a fenced block,
 * else the first `{` span), or says that the reply holds no `{` at all.
 *
 * @example
 * parseJsonReply('Here it is:\n```json\n{"name": "Ana"}\n```') // { ok: true, value: { name: 'Ana' } }
 * parseJsonReply('name: Ana') // { ok: false, error: 'no JSON object in the reply (no "{" at all)' }
 */
export function parseJsonReply(reply: string): ParsedReply {
  const text = reply.trim();
  if (text === '') return { ok: false, error: 'the reply is empty' };
  const fenced = fencedBodies(text);
  const spans = braceSpans(text);
  let notObject: string | undefined;
  for (const candidate of [text, ...fenced, ...spans]) {
    const parsed = tryParse(candidate);
    if (!('value' in parsed)) continue;
    if (isObject(parsed.value)) return { ok: true, value: parsed.value };
    notObject ??= `the reply's JSON is ${describe(parsed.value)}, expected an object`;
  }
  if (notObject !== undefined) return { ok: false, error: notObject };
  const likely = fenced[0] ?? spans[0];
  if (likely === undefined) return { ok: false, error: 'no JSON object in the reply (no "{" at all)' };
  const failed = tryParse(likely);
  return { ok: false, error: `JSON parse error: ${'error' in failed ? failed.error : 'no object'}` };
}

/** Bodies of the reply's fenced blocks, those labelled json first. */
function fencedBodies(text: string): string[] {
  const blocks = [...text.matchAll(FENCE)].map((match) => ({ label: (match[2] ?? '').toLowerCase(), body: (match[3] ?? '').trim() }));
  return [...blocks.filter((block) => block.label === 'json'), ...blocks.filter((block) => block.label !== 'json')].map(
    (block) => block.body,
  );
}

/**
 * From each `{` (the first MAX_STARTS), the text up to its matching `}`, braces inside JSON
 * strings ignored; an object never closed runs to the end of the reply, so that its parse error
 * says where it broke off.
 */
function braceSpans(text: string): string[] {
  const spans: string[] = [];
  for (let start = text.indexOf('{'); start >= 0 && spans.length < MAX_STARTS; start = text.indexOf('{', start + 1)) {
    spans.push(text.slice(start, matchingBrace(text, start) + 1));
  }
  return spans;
}

/** The index of the `}` that closes the `{` at `start`, or the last index when it is never closed. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return index;
  }
  return text.length - 1;
}

function tryParse(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
