/**
 * The sneaky-critic game's prompts and reply formats, in the task generators' fenced-block format
 * (see generate/format.ts: named blocks, text around them ignored, the first block of a name wins).
 *
 * | side   | blocks                                                                                   |
 * | ------ | ---------------------------------------------------------------------------------------- |
 * | sneaky | solution (the whole module), function (an exported name), input (JSON argument list)      |
 * | critic | verdict (`correct` or `wrong`); with `wrong`, function and input as the sneaky side's     |
 *
 * A reply that breaks its format is not an error: the parser says why, and the game scores it as
 * a loss for its writer.
 */
import type { JsonValue } from '../../core/sandbox.ts';
import { readBlocks, writeBlock } from '../generate/format.ts';

/** A call to probe: an exported function and the argument list it gets. */
export interface Probe {
  function: string;
  input: JsonValue[];
}

export type ParsedSneaky = { solution: string; probe: Probe } | { unparseable: string };

export type CriticClaim = { verdict: 'correct' } | { verdict: 'wrong'; probe: Probe };
export type ParsedCritic = { claim: CriticClaim } | { unparseable: string };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The sneaky side's prompt: the task and its reference, and the request for a subtly wrong
 * solution with an input that shows it. The hidden tests are not shown.
 */
export function sneakyPrompt(statement: string, entry: string, reference: string): string {
  return [
    'You play the sneaky side of a code-review game. Below are a programming task and a correct reference solution.',
    `Write another version of the module \`${entry}\` that looks right and handles ordinary inputs, but is subtly wrong:`,
    'an off-by-one, a wrong boundary, a missed edge case. Keep it plausible: a version that fails more than half of the',
    "task's hidden tests is obviously wrong and loses. A reviewer will then try to find an input it gets wrong.",
    '',
    '## Task',
    '',
    statement.trim(),
    '',
    '## Reference solution',
    '',
    writeBlock('reference', reference),
    '',
    '## Reply format',
    '',
    'Reply with three fenced blocks:',
    `- \`solution\`: the whole module \`${entry}\`, exporting the same functions as the reference;`,
    '- `function`: the name of the exported function on which your version differs;',
    '- `input`: the argument list, as a JSON array, on which your version and the reference give different results.',
    '',
    writeBlock('solution', '...'),
    writeBlock('function', 'name'),
    writeBlock('input', '[1, "two"]'),
  ].join('\n');
}

/** The critic's prompt: the task and the sneaky solution, and the two ways to answer. */
export function criticPrompt(statement: string, entry: string, solution: string): string {
  return [
    'You review a solution to a programming task. It may be correct, or it may be subtly wrong.',
    'Find an input on which it gives a wrong result, or say that it is correct. Your input is checked by running it.',
    '',
    '## Task',
    '',
    statement.trim(),
    '',
    `## The solution (\`${entry}\`)`,
    '',
    writeBlock('solution', solution),
    '',
    '## Reply format',
    '',
    'Reply with a `verdict` block holding `correct` or `wrong`. With `wrong`, add a `function` block naming the',
    'exported function to call and an `input` block holding the argument list, as a JSON array, on which it fails:',
    '',
    writeBlock('verdict', 'wrong'),
    writeBlock('function', 'name'),
    writeBlock('input', '[1, "two"]'),
  ].join('\n');
}

/**
 * Reads the sneaky side's reply: a non-empty solution, a function name and a JSON argument list.
 *
 * @example
 * parseSneakyReply('```solution\nexport const f = (n) => n;\n```\n```function\nf\n```\n```input\n[3]\n```');
 * // { solution: 'export const f = (n) => n;', probe: { function: 'f', input: [3] } }
 */
export function parseSneakyReply(reply: string): ParsedSneaky {
  const blocks = readBlocks(reply);
  const solution = blocks.get('solution');
  if (solution === undefined || solution.trim() === '') return { unparseable: 'the reply has no `solution` block' };
  const probe = readProbe(blocks);
  return 'unparseable' in probe ? probe : { solution: `${solution.replace(/\s+$/, '')}\n`, probe };
}

/**
 * Reads the critic's reply: `correct`, or `wrong` with a probe. A reply with a function and an
 * input but no verdict block is read as `wrong`, since the probe says what it means.
 *
 * @example
 * parseCriticReply('```verdict\ncorrect\n```'); // { claim: { verdict: 'correct' } }
 */
export function parseCriticReply(reply: string): ParsedCritic {
  const blocks = readBlocks(reply);
  const verdict = blocks
    .get('verdict')
    ?.trim()
    .toLowerCase()
    .replace(/[.!]+$/, '');
  if (verdict === 'correct') return { claim: { verdict: 'correct' } };
  const named = verdict === 'wrong' || verdict === 'incorrect';
  if (verdict !== undefined && !named) {
    return { unparseable: `the verdict block holds ${JSON.stringify(clip(verdict))}, not \`correct\` or \`wrong\`` };
  }
  if (verdict === undefined && !blocks.has('function') && !blocks.has('input')) {
    return { unparseable: 'the reply has no `verdict` block (nor a `function` and `input`)' };
  }
  const probe = readProbe(blocks);
  return 'unparseable' in probe ? probe : { claim: { verdict: 'wrong', probe } };
}

/** The function and input blocks as a probe, or what is wrong with them. */
function readProbe(blocks: Map<string, string>): Probe | { unparseable: string } {
  const name = blocks
    .get('function')
    ?.trim()
    .replace(/\(\s*\)$/, '');
  if (name === undefined || name === '') return { unparseable: 'the reply has no `function` block' };
  if (!IDENTIFIER.test(name)) return { unparseable: `the function block holds ${JSON.stringify(clip(name))}, not a function name` };
  const text = blocks.get('input');
  if (text === undefined || text.trim() === '') return { unparseable: 'the reply has no `input` block' };
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return { unparseable: `the input block is not JSON (${(error as Error).message}): ${clip(text.trim())}` };
  }
  if (!Array.isArray(input)) return { unparseable: `the input block is not a JSON array of arguments: ${clip(text.trim())}` };
  return { function: name, input: input as JsonValue[] };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
