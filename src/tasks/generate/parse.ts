/**
 * Parsing a proposer's reply (the format of format.ts) into a `GeneratedTask`. Parsing never
 * throws: a reply that lacks a block, or holds one that is not what its name says, is a rejection
 * `unparseable` whose detail names the block. A triple's output is computed by running its
 * program in the isolate; an output the proposer stated anyway is ignored, and noted when it
 * differs.
 */
import { createHash } from 'node:crypto';
import type { IsolateSandbox } from '../../sandbox/isolate.ts';
import { DIFFICULTIES, type Category, type Difficulty, type GeneratedTask, type GeneratorKind, type TripleMode } from '../types.ts';
import { readBlocks, REQUIRED_BLOCKS, SOLUTION_FILE, type TaskForm } from './format.ts';
import { completePairs, MIN_INDUCTION_PAIRS, tripleCodeBody, tripleStatement, withTripleSandbox } from './triple.ts';

export interface ParseContext {
  kind: GeneratorKind;
  category: Category;
  /** The reply's form; see `TaskForm`. */
  form: TaskForm;
  /** For the triple form; deduction when unset. */
  mode?: TripleMode;
  /** The proposer model, or `scripted`. */
  model: string;
  prompt: string;
  parent?: string;
  depth?: number;
  /** Runs triple programs; a sandbox of the triple limits is made (and disposed) when unset. */
  sandbox?: IsolateSandbox;
}

export type ParseOutcome = { task: GeneratedTask; notes: string[] } | { rejection: { reason: 'unparseable'; detail: string } };

const TITLE_LIMIT = 120;

/**
 * Parses one reply. Resolves to the task (and notes on what was ignored), or a rejection naming
 * the missing or invalid block; never rejects.
 *
 * @example
 * const outcome = await parseProposal(reply, { kind: 'math', form: 'math', category, model: 'scripted', prompt });
 * if ('rejection' in outcome) console.log(outcome.rejection.detail);
 */
export async function parseProposal(reply: string, context: ParseContext): Promise<ParseOutcome> {
  try {
    return await parseOrFail(reply, context);
  } catch (error) {
    if (error instanceof Unparseable) return { rejection: { reason: 'unparseable', detail: error.message } };
    return {
      rejection: {
        reason: 'unparseable',
        detail: `the reply could not be read: ${error instanceof Error ? error.message : String(error)}`,
      },
    };
  }
}

/**
 * The id of a task's content: `g` and the first 12 hex digits of the SHA-256 of its statement and
 * its check (tests, program, input), whitespace runs collapsed, so a task written twice has one id.
 *
 * @example
 * taskId(task); // 'g3fa9c01b27d4'
 */
export function taskId(task: Pick<GeneratedTask, 'statement' | 'code' | 'answer' | 'triple'>): string {
  const parts = [task.statement, task.code?.tests ?? '', task.answer?.program ?? '', task.triple?.program ?? '', task.triple?.input ?? ''];
  const normalised = parts.map((part) => part.replace(/\s+/g, ' ').trim()).join('\u0000');
  return `g${createHash('sha256').update(normalised).digest('hex').slice(0, 12)}`;
}

class Unparseable extends Error {}

async function parseOrFail(reply: string, context: ParseContext): Promise<ParseOutcome> {
  if (typeof reply !== 'string' || reply.trim() === '') throw new Unparseable('the reply is empty');
  const blocks = readBlocks(reply);
  const missing = REQUIRED_BLOCKS[context.form].filter((name) => (blocks.get(name) ?? '').trim() === '');
  if (missing.length > 0) {
    const found = blocks.size === 0 ? 'no fenced block' : [...blocks.keys()].join(', ');
    throw new Unparseable(`the ${context.form} reply lacks the block(s) ${missing.join(', ')} (found: ${found})`);
  }
  const block = (name: string): string => (blocks.get(name) as string).trim();
  const meta = readMeta(block('meta'));
  // The category is the curriculum's arm that asked; the meta's own difficulty and topic do not move the task to another arm.
  const category: Category = { ...context.category };
  const provenance: GeneratedTask['provenance'] = { generator: context.kind, model: context.model, prompt: context.prompt, reply };
  // Set only when known, so that a stored task's JSON has no empty lineage fields.
  if (context.parent !== undefined) provenance.parent = context.parent;
  if (context.depth !== undefined) provenance.depth = context.depth;
  const notes: string[] = [];
  let body: Omit<GeneratedTask, 'id' | 'title' | 'category' | 'provenance'>;
  if (context.form === 'coding') {
    const tests = block('tests');
    if (!/['"]\.\/solution\.js['"]/.test(tests)) throw new Unparseable(`the tests block does not import './${SOLUTION_FILE}'`);
    for (const name of ['stub', 'reference']) {
      if (!/\bexport\b/.test(block(name))) throw new Unparseable(`the ${name} block exports nothing`);
    }
    body = {
      statement: block('statement'),
      code: { entry: SOLUTION_FILE, stub: `${block('stub')}\n`, tests: `${tests}\n`, reference: `${block('reference')}\n` },
    };
  } else if (context.form === 'math') {
    const value = block('answer');
    if (!Number.isFinite(Number(value.replace(/,/g, ''))))
      throw new Unparseable(`the answer block is not a number: ${JSON.stringify(value.slice(0, 60))}`);
    const program = block('program');
    if (!/export\s+(?:async\s+)?function\s+answer\s*\(|export\s+const\s+answer\s*=/.test(program)) {
      throw new Unparseable('the program block does not export a function answer()');
    }
    body = { statement: block('statement'), answer: { value: value.replace(/,/g, ''), program: `${program}\n` } };
  } else {
    body = await tripleBody(block('program'), block('input'), blocks.get('output'), context, meta.hint, notes);
  }
  const task = { title: meta.title, category, ...body, provenance };
  return { task: { id: taskId(task), ...task }, notes };
}

async function tripleBody(
  program: string,
  input: string,
  stated: string | undefined,
  context: ParseContext,
  hint: string | undefined,
  notes: string[],
): Promise<Omit<GeneratedTask, 'id' | 'title' | 'category' | 'provenance'>> {
  const mode = context.mode ?? 'deduction';
  if (!/export\s+(?:async\s+)?function\s+f\s*\(|export\s+const\s+f\s*=/.test(program)) {
    throw new Unparseable('the program block does not export a function f (write `export function f(...)`)');
  }
  if (/\bexport\s*(\{|default\b)/.test(program))
    throw new Unparseable('the program block uses `export {` or `export default`; export f directly');
  if (/^\s*import\b/m.test(program)) throw new Unparseable('the program block imports a module; it must be self-contained');
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch (error) {
    throw new Unparseable(`the input block is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new Unparseable('the input block is not a JSON array of arguments');
  let inputs: string[];
  if (mode === 'induction') {
    if (parsed.length < MIN_INDUCTION_PAIRS || !parsed.every(Array.isArray)) {
      throw new Unparseable(
        `the input block must hold at least ${MIN_INDUCTION_PAIRS} argument lists for induction (a JSON array of arrays)`,
      );
    }
    inputs = parsed.map((args) => JSON.stringify(args));
  } else {
    inputs = [JSON.stringify(parsed)];
  }
  const run = await withTripleSandbox(context.sandbox, (sandbox) => completePairs(`${program}\n`, inputs, sandbox));
  if ('error' in run) throw new Unparseable(`the program did not run on its input: ${run.error}`);
  const first = run.pairs[0]!;
  if (stated !== undefined && mode !== 'induction') {
    const claimed = stated.trim();
    if (!sameJson(claimed, first.output))
      notes.push(`the stated output ${claimed.slice(0, 80)} is ignored: running f gave ${first.output.slice(0, 80)}`);
  }
  const statement = tripleStatement(mode, program, run.pairs, hint);
  const triple = { mode, program: `${program}\n`, input: first.input, output: first.output };
  if (mode === 'deduction') return { statement, triple };
  return { statement, triple, code: tripleCodeBody(mode, `${program}\n`, run.pairs) };
}

interface Meta {
  title: string;
  /** An optional one-line hint shown with induction examples (Absolute Zero's message). */
  hint?: string;
}

function readMeta(text: string): Meta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Unparseable(`the meta block is not JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Unparseable('the meta block is not a JSON object');
  const meta = raw as Record<string, unknown>;
  if (typeof meta.title !== 'string' || meta.title.trim() === '') throw new Unparseable('the meta block has no "title" string');
  const difficulty = meta.difficulty;
  if (difficulty !== undefined && !DIFFICULTIES.includes(difficulty as Difficulty)) {
    throw new Unparseable(`the meta block's "difficulty" must be easy, medium or hard (got ${JSON.stringify(difficulty)})`);
  }
  return {
    title: meta.title.trim().slice(0, TITLE_LIMIT),
    ...(typeof meta.hint === 'string' && meta.hint.trim() !== '' ? { hint: meta.hint.trim() } : {}),
  };
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
}
