/**
 * A SIMULATION of prompt evolution, for tests and benchmarks: no real model is involved anywhere.
 *
 * - A simulated dataset of arithmetic and word problems with computed answers.
 * - A simulated task model that answers those questions correctly with a probability set by which
 *   instruction lines its system prompt holds (`correctProbability`), decided by a hash, so that
 *   every run is reproducible.
 * - A simulated proposer that answers the LLM operators' prompts with one line added to or deleted
 *   from the parent's EVOLVE block, in the reply format the operator asked for.
 *
 * Both are served by one `respond` function for the scripted HTTP server, so that an experiment can
 * evolve a prompt genome end to end against them through the real model client.
 */
import { createHash } from 'node:crypto';
import { findRegions } from '../core/genome.ts';
import type { ChatMessage } from '../core/model.ts';
import { Rng } from '../core/rng.ts';
import { extractSimAnswer, recognizeQuestion, type SimulationItem, type SimulationKind, wholeNumber } from './prompt-sim-data.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptedRequest, type ScriptStep } from './scripted-llm-server.ts';

export {
  extractSimAnswer,
  recognizeQuestion,
  simulationDataset,
  writeSimulationDataset,
  type SimulationDatasetOptions,
  type SimulationItem,
  type SimulationKind,
} from './prompt-sim-data.ts';

/** An instruction that raises the simulated model's accuracy on arithmetic questions. */
export const ARITHMETIC_HINT = 'Work arithmetic out step by step, multiplying before you add or subtract.';
/** An instruction that raises the simulated model's accuracy on word problems. */
export const WORD_HINT = 'For a story problem, first list every quantity in the story with its number, then combine them.';
/** An instruction that lowers the simulated model's accuracy on every question. */
export const HARMFUL_PHRASE = 'Answer at once with your first guess, and never check it.';
/** Instructions the simulated model ignores. */
export const NEUTRAL_LINES: readonly string[] = ['Be polite.', 'Write in plain English.', 'Keep a friendly tone.', 'Avoid jargon.'];
/** Every line the simulated proposer may add to a prompt. */
export const INSTRUCTION_POOL: readonly string[] = [ARITHMETIC_HINT, WORD_HINT, HARMFUL_PHRASE, ...NEUTRAL_LINES];

const BASE_PROBABILITY = 0.35;
const HINT_GAIN = 0.5;
const HARM_LOSS = 0.25;

function normalize(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The simulated task model's chance of answering a question of `kind` correctly under
 * `systemPrompt`: 0.35, plus 0.5 when the prompt holds the kind's hint, minus 0.25 when it holds
 * the harmful phrase, clamped to [0.02, 0.98]. A line counts as held when it occurs anywhere in the
 * prompt, ignoring case and runs of whitespace.
 *
 * @example
 * correctProbability(`You are helpful.\n${ARITHMETIC_HINT}`, 'arithmetic'); // 0.85
 * correctProbability(`You are helpful.\n${ARITHMETIC_HINT}`, 'word'); // 0.35
 */
export function correctProbability(systemPrompt: string, kind: SimulationKind): number {
  const prompt = normalize(systemPrompt);
  let probability = BASE_PROBABILITY;
  if (prompt.includes(normalize(kind === 'arithmetic' ? ARITHMETIC_HINT : WORD_HINT))) probability += HINT_GAIN;
  if (prompt.includes(normalize(HARMFUL_PHRASE))) probability -= HARM_LOSS;
  return Math.min(0.98, Math.max(0.02, probability));
}

/** What the simulation took a chat request for; see `classifySimCall`. */
export type SimCall =
  | { kind: 'task'; prompt: string; question: Omit<SimulationItem, 'id'> }
  | { kind: 'judge'; question: Omit<SimulationItem, 'id'>; graded: number }
  | { kind: 'operator'; format: 'search-replace' | 'rewrite'; diagnosis: boolean; files: Map<string, string>; text: string }
  | { kind: 'merge'; file: string; first: string; second: string }
  | { kind: 'other' };

const MERGE_HEADING = /^### The common ancestor's (\S.*)$/m;
const VERSION_B_HEADING = /^## Version B\b.*$/m;

const SEARCH_LINE = /^\s*<{7}\s*SEARCH\s*$/gm;
const REGION_LINE = /^REGION\s+\S+#\d+\s*$/gm;

/**
 * Tells the simulation's three kinds of call apart, from the last user message:
 * 1. An operator call asks for a reply format and shows the parent genome. The format is a
 *    `<<<<<<< SEARCH` line (llm-diff, llm-reflect, llm-crossover, llm-fix) or a `REGION file#n`
 *    line (llm-rewrite); when both occur, the later one wins, since every operator template ends
 *    with its format. A `Diagnosis:` line in the message asks for a diagnosis (llm-reflect). The
 *    genome is read from its `File: <name>` lines, each followed by a fenced block.
 * 2. A judge call holds a simulated-dataset question (see `recognizeQuestion`), an answer in the
 *    simulated model's form ("The answer is N.") and the word "grade" or "score" in some message.
 * 3. Otherwise a task call holds one simulated-dataset question; its prompt is the system messages
 *    joined, or the user message itself when there is none.
 * 4. Anything else (a probe, a judge of something else) is `other`.
 * Checked before all of these, a merge call (llm-merge) holds a `### The common ancestor's <file>`
 * heading and shows version A of that file before a `## Version B` heading and version B after it.
 */
export function classifySimCall(messages: readonly ChatMessage[]): SimCall {
  const user = [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
  const merged = MERGE_HEADING.exec(user)?.[1]?.trim();
  const split = VERSION_B_HEADING.exec(user)?.index;
  if (merged !== undefined && split !== undefined) {
    const first = shownFiles(user.slice(0, split)).get(merged);
    const second = shownFiles(user.slice(split)).get(merged);
    if (first !== undefined && second !== undefined) return { kind: 'merge', file: merged, first, second };
  }
  const lastOf = (pattern: RegExp): number => Math.max(-1, ...[...user.matchAll(pattern)].map((match) => match.index));
  const search = lastOf(SEARCH_LINE);
  const region = lastOf(REGION_LINE);
  if (search >= 0 || region >= 0) {
    const format = region > search ? 'rewrite' : 'search-replace';
    return { kind: 'operator', format, diagnosis: /^Diagnosis:/m.test(user), files: shownFiles(user), text: user };
  }
  const question = recognizeQuestion(user);
  if (question === undefined) return { kind: 'other' };
  const graded = extractSimAnswer(user);
  if (graded !== undefined && messages.some((message) => /\b(grade|score)\b/i.test(message.content))) {
    return { kind: 'judge', question, graded };
  }
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
  return { kind: 'task', prompt: system.length > 0 ? system.join('\n\n') : user, question };
}

/** The genome files a prompt shows, as `renderGenome` writes them; the first showing of a name wins. */
function shownFiles(text: string): Map<string, string> {
  const lines = text.split('\n');
  const files = new Map<string, string>();
  for (let index = 0; index < lines.length; index++) {
    const name = /^File: (\S.*)$/.exec(lines[index] as string)?.[1]?.trim();
    const fence = /^(`{3,})/.exec(lines[index + 1] ?? '')?.[1];
    if (name === undefined || fence === undefined) continue;
    const close = lines.indexOf(fence, index + 2);
    if (close === -1) continue;
    const body = lines.slice(index + 2, close);
    if (!files.has(name)) files.set(name, body.length === 0 ? '' : `${body.join('\n')}\n`);
    index = close;
  }
  return files;
}

/** Eight 32-bit words from SHA-256 of the parts: a well-spread hash for deterministic draws. */
function hashWords(...parts: string[]): number[] {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return Array.from({ length: 8 }, (_, index) => digest.readUInt32BE(index * 4));
}

const WRONG_OFFSETS = [-3, -2, -1, 1, 2, 3];

function answerTask(seed: number, call: Extract<SimCall, { kind: 'task' }>, sampleIndex: number | undefined): string {
  const [draw, offset] = hashWords(String(seed), call.prompt, call.question.question, sampleIndex === undefined ? '' : String(sampleIndex));
  const correct = (draw as number) / 2 ** 32 < correctProbability(call.prompt, call.question.kind);
  const answer = correct
    ? call.question.answer
    : call.question.answer + (WRONG_OFFSETS[(offset as number) % WRONG_OFFSETS.length] as number);
  return `Let me work through it. The answer is ${answer}.`;
}

function judgeAnswer(call: Extract<SimCall, { kind: 'judge' }>): string {
  const right = call.graded === call.question.answer;
  return `The simulated judge worked the question out itself: the answer graded is ${right ? 'right' : 'wrong'}.\nScore: ${right ? 1 : 0}`;
}

/** One EVOLVE block of a shown file: the file's lines, and the block's own lines [first, end). */
interface Block {
  file: string;
  /** 1-based, within its file, as `REGION file#n` counts. */
  number: number;
  lines: string[];
  first: number;
  /** The index of the END marker line. */
  end: number;
}

interface LineEdit {
  block: Block;
  action: 'add' | 'delete';
  line: string;
  /** The file line the new line goes before, or the line deleted. */
  at: number;
}

/** How often the proposer adds a line rather than deleting one, when it can do either. */
const ADD_SHARE = 0.6;
const NO_BLOCK_REPLY = 'The simulated proposer found no EVOLVE block in the version shown, so it proposes no edit.';
const OTHER_REPLY = "This is a simulated model: it answers the simulated dataset's questions and edits EVOLVE blocks, nothing else.";

function blocksOf(files: ReadonlyMap<string, string>): Block[] {
  const blocks: Block[] = [];
  for (const [file, text] of files) {
    let regions: Array<{ start: number; end: number }>;
    try {
      regions = findRegions(text, file);
    } catch {
      continue;
    }
    const lines = text.split('\n');
    const lineAt = (offset: number): number => text.slice(0, offset).split('\n').length - 1;
    regions.forEach((region, index) => {
      blocks.push({ file, number: index + 1, lines, first: lineAt(region.start), end: lineAt(region.end) });
    });
  }
  return blocks;
}

function chooseEdit(blocks: readonly Block[], rng: Rng): LineEdit {
  const block = rng.pick(blocks);
  const held = normalize(block.lines.slice(block.first, block.end).join('\n'));
  const missing = INSTRUCTION_POOL.filter((line) => !held.includes(normalize(line)));
  const filled: number[] = [];
  for (let line = block.first; line < block.end; line++) if ((block.lines[line] as string).trim() !== '') filled.push(line);
  if (filled.length === 0 || (missing.length > 0 && rng.next() < ADD_SHARE)) {
    // Into the top of the block, or after any of its lines.
    const at = rng.pick([block.first, ...filled.map((line) => line + 1)]);
    return { block, action: 'add', line: rng.pick(missing), at };
  }
  const at = rng.pick(filled);
  return { block, action: 'delete', line: block.lines[at] as string, at };
}

function editedLines(edit: LineEdit): string[] {
  const { lines, first, end } = edit.block;
  const after = edit.action === 'add' ? [edit.line] : [];
  const changed = [...lines.slice(0, edit.at), ...after, ...lines.slice(edit.action === 'add' ? edit.at : edit.at + 1)];
  return changed.slice(first, end + (edit.action === 'add' ? 1 : -1));
}

function occurrences(lines: readonly string[], window: readonly string[]): number {
  let count = 0;
  for (let start = 0; start + window.length <= lines.length; start++) {
    if (window.every((line, offset) => lines[start + offset] === line)) count++;
  }
  return count;
}

/**
 * One SEARCH/REPLACE block. It quotes the line before an insertion (the START marker line for the
 * top of the block) or the line deleted, widened with its neighbours until it occurs once in the
 * file; the neighbours come back unchanged, so the operator reads them as context.
 */
function searchReplaceBlock(edit: LineEdit): string[] {
  const { lines, first, end } = edit.block;
  let from = edit.action === 'add' ? edit.at - 1 : edit.at;
  let to = from + 1;
  while (occurrences(lines, lines.slice(from, to)) > 1 && (from > 0 || to < lines.length)) {
    if (to < lines.length) to++;
    else from--;
  }
  const changed = [...lines.slice(0, first), ...editedLines(edit), ...lines.slice(end)];
  const replace = changed.slice(from, to + (edit.action === 'add' ? 1 : -1));
  return [edit.block.file, '<<<<<<< SEARCH', ...lines.slice(from, to), '=======', ...replace, '>>>>>>> REPLACE'];
}

/** Every EVOLVE block in full, as llm-rewrite asks: the edited one changed, the others as they are. */
function rewriteRegions(blocks: readonly Block[], edit: LineEdit): string[] {
  const out: string[] = [];
  for (const block of blocks) {
    const body = block === edit.block ? editedLines(edit) : block.lines.slice(block.first, block.end);
    let fence = '```';
    while (body.some((line) => line.trim().startsWith(fence))) fence += '`';
    out.push(`REGION ${block.file}#${block.number}`, fence, ...body, fence, '');
  }
  return out;
}

function proposeEdit(seed: number, call: Extract<SimCall, { kind: 'operator' }>, callIndex: number): string {
  const blocks = blocksOf(call.files);
  if (blocks.length === 0) return NO_BLOCK_REPLY;
  const rng = Rng.fromSeed(hashWords(String(seed), 'operator', String(callIndex), call.text)[0] as number);
  const edit = chooseEdit(blocks, rng);
  const prose: string[] = [];
  if (call.diagnosis)
    prose.push("Diagnosis: some answers are wrong, and the prompt's instructions are the only thing that can change them.");
  prose.push(
    edit.action === 'add'
      ? `Rationale: add the instruction "${edit.line}" to ${edit.block.file}, to steer the answers.`
      : `Rationale: drop the line "${edit.line}" from ${edit.block.file}, to keep the prompt focused.`,
    '',
  );
  const body = call.format === 'rewrite' ? rewriteRegions(blocks, edit) : searchReplaceBlock(edit);
  return [...prose, ...body].join('\n');
}

/**
 * A merge as a careful model would write it: version A's first EVOLVE block, then every line of
 * version B's first block that A's lacks, as the block's new text (llm-merge splices it into A).
 */
function mergeBlocks(call: Extract<SimCall, { kind: 'merge' }>): string {
  const [first] = blocksOf(new Map([[call.file, call.first]]));
  const [second] = blocksOf(new Map([[call.file, call.second]]));
  if (first === undefined || second === undefined) return NO_BLOCK_REPLY;
  const body = (block: Block): string[] => block.lines.slice(block.first, block.end);
  const held = new Set(body(first).map(normalize));
  const added = body(second).filter((line) => line.trim() !== '' && !held.has(normalize(line)));
  return [
    `Rationale: keep version A's instructions and add ${added.length} line(s) that only version B has.`,
    '',
    '```',
    ...body(first),
    ...added,
    '```',
    '',
  ].join('\n');
}

/** Settings of the simulated models. */
export interface PromptSimOptions {
  /** Mixed into every hash that decides an answer or an edit: another seed, another (equally likely) run. */
  seed: number;
}

/** A `respond` function for the scripted server that plays the simulated task model and proposer. */
export interface PromptSimResponder {
  (request: ScriptedRequest): ScriptStep;
  /** Calls answered so far, by kind. */
  readonly calls: Record<SimCall['kind'], number>;
}

/**
 * The simulation's model double, for `startScriptedLlmServer({ respond })`. It tells calls apart as
 * `classifySimCall` describes and answers each deterministically:
 * - task calls: "... The answer is N.", right with `correctProbability(prompt, kind)`, decided by a
 *   hash of (seed, prompt, question) at temperature 0 or unset (a repeat gets the same answer) and
 *   also of the task call's index when the temperature is above 0; a wrong answer is off by 1 to 3;
 * - operator calls: one line added to the parent's EVOLVE block (drawn from `INSTRUCTION_POOL`,
 *   one the block does not hold yet) or one of its lines deleted, chosen from a hash of (seed,
 *   operator call index, prompt), as SEARCH/REPLACE or as REGION blocks, whichever the prompt asks for;
 * - judge calls: a perfect grader, "Score: 1" when the graded answer is right and "Score: 0" when not;
 * - merge calls (llm-merge): version A's block plus the lines only version B's holds;
 * - other calls: a short plain reply.
 * Indices count calls in the order they arrive: with concurrent calls, which sampled answer or edit
 * a call gets depends on that order.
 *
 * @example
 * const server = await startScriptedLlmServer({ respond: promptSimResponder({ seed: 1 }) });
 */
export function promptSimResponder(options: PromptSimOptions): PromptSimResponder {
  const seed = wholeNumber(options.seed, 'seed', 'promptSimResponder', Number.MIN_SAFE_INTEGER);
  const calls: Record<SimCall['kind'], number> = { task: 0, operator: 0, merge: 0, judge: 0, other: 0 };
  const respond = (request: ScriptedRequest): ScriptStep => {
    const call = classifySimCall(request.messages);
    calls[call.kind]++;
    if (call.kind === 'task') return { text: answerTask(seed, call, (request.temperature ?? 0) > 0 ? calls.task : undefined) };
    if (call.kind === 'operator') return { text: proposeEdit(seed, call, calls.operator) };
    if (call.kind === 'judge') return { text: judgeAnswer(call) };
    if (call.kind === 'merge') return { text: mergeBlocks(call) };
    return { text: OTHER_REPLY };
  };
  return Object.assign(respond, { calls });
}

/** Settings of the simulated models' server. */
export interface PromptSimServerOptions extends PromptSimOptions {
  /** A fixed delay added to every reply, in milliseconds. */
  latencyMs?: number;
}

/** The scripted server playing the simulation, with its responder and a model id that reaches it. */
export interface PromptSimServer extends ScriptedLlmServer {
  responder: PromptSimResponder;
  /** `compat:<url>/v1#prompt-sim`, for an experiment's `models` or `resolveModel`. */
  modelId: string;
}

/**
 * Starts the scripted HTTP server with the simulation's responder: the simulated task model and
 * proposer on 127.0.0.1, for end-to-end tests and benchmarks of prompt evolution. Close it after use.
 *
 * @example
 * const server = await startPromptSimServer({ seed: 7 });
 * const model = createModel(resolveModel({ id: server.modelId }, llm, {}));
 * // ... evolve a prompt genome against it, then:
 * await server.close();
 */
export async function startPromptSimServer(options: PromptSimServerOptions): Promise<PromptSimServer> {
  const responder = promptSimResponder(options);
  const server = await startScriptedLlmServer({ respond: responder, latencyMs: options.latencyMs ?? 0 });
  return { ...server, responder, modelId: `compat:${server.compatBaseURL}#prompt-sim` };
}
