/**
 * A SIMULATION of a model that learns from fine-tuning, for tests and benchmarks of the flywheel:
 * no real model and no real training are involved anywhere. The simulated fine-tuning server
 * (`fine-tune-sim.ts`) answers with it.
 *
 * - Simulated tasks: four topics of two-number arithmetic, one question form each:
 *   `Compute 47 + 38.`, `Compute 91 - 27.`, `Compute 23 * 7.`, `Compute the remainder of 347 divided by 12.`,
 *   followed by `Finish with a line "Answer: <number>".` The topic is in the task's `tags.topic`.
 * - A simulated learner: a model's chance of answering a task right starts at its topic's base
 *   accuracy and rises towards a ceiling with the number of correct training examples on that
 *   topic it has seen (wrong examples count against it):
 *   `p = ceiling - (ceiling - base) * exp(-max(0, right - wrongWeight * wrong) / learningScale)`.
 * - Simulated replies: working, then a last line `Answer: N`. A right answer has N correct; a wrong
 *   one is off by an amount that spreads wider at higher temperature. At temperature 0 the model is
 *   greedy: always the same reply, right when p >= 0.5.
 */
import { createHash } from 'node:crypto';
import { OuroError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import type { FlywheelTask } from '../flywheel/types.ts';

/** The simulated task topics. */
export type SimTopic = 'addition' | 'subtraction' | 'multiplication' | 'remainder';
export const SIM_TOPICS: readonly SimTopic[] = ['addition', 'subtraction', 'multiplication', 'remainder'];

/** A recognised simulated task: its topic, its two numbers and its answer. */
export interface SimTaskParts {
  topic: SimTopic;
  a: number;
  b: number;
  answer: number;
}

/** What a simulated model has learnt: per topic, the right and wrong training examples it saw. */
export type SimKnowledge = Partial<Record<SimTopic, { right: number; wrong: number }>>;

/** How the simulated learner turns knowledge into accuracy (see the file's comment). */
export interface SimLearning {
  /** Accuracy with no training, per topic. Default addition 0.55, subtraction 0.45, multiplication 0.3, remainder 0.2. */
  base?: Partial<Record<SimTopic, number>>;
  /** The accuracy training approaches. Default 0.95. */
  ceiling?: number;
  /** Right examples that close about 63% of the gap to the ceiling. Default 25. */
  learningScale?: number;
  /** How many right examples one wrong example cancels. Default 1. */
  wrongWeight?: number;
}

const DEFAULT_BASE: Record<SimTopic, number> = { addition: 0.55, subtraction: 0.45, multiplication: 0.3, remainder: 0.2 };
const ANSWER_LINE = 'Finish with a line "Answer: <number>".';

const FORMS: Record<SimTopic, { question: (a: number, b: number) => string; solve: (a: number, b: number) => number }> = {
  addition: { question: (a, b) => `Compute ${a} + ${b}.`, solve: (a, b) => a + b },
  subtraction: { question: (a, b) => `Compute ${a} - ${b}.`, solve: (a, b) => a - b },
  multiplication: { question: (a, b) => `Compute ${a} * ${b}.`, solve: (a, b) => a * b },
  remainder: { question: (a, b) => `Compute the remainder of ${a} divided by ${b}.`, solve: (a, b) => a % b },
};

const PATTERNS: Array<{ topic: SimTopic; pattern: RegExp }> = [
  { topic: 'remainder', pattern: /Compute the remainder of (\d+) divided by (\d+)\./ },
  { topic: 'addition', pattern: /Compute (\d+) \+ (\d+)\./ },
  { topic: 'subtraction', pattern: /Compute (\d+) - (\d+)\./ },
  { topic: 'multiplication', pattern: /Compute (\d+) \* (\d+)\./ },
];

/** Options of the simulated task generator. */
export interface SimTaskOptions {
  count: number;
  seed: number;
  /** Topics to draw from, in turn; all four by default. */
  topics?: readonly SimTopic[];
  /** The tasks' `source`; default `fine-tune-sim`. */
  source?: string;
  /** Prefix of the ids (`<prefix>-0001`); default `ft-sim`. */
  idPrefix?: string;
}

/**
 * `count` distinct simulated flywheel tasks, topics in turn, with computed answers. Equal seeds give
 * equal tasks.
 *
 * @example
 * simFlywheelTasks({ count: 1, seed: 7 })[0];
 * // { id: 'ft-sim-0001', source: 'fine-tune-sim', prompt: 'Compute 47 + 38. Finish with a line "Answer: <number>".',
 * //   answer: '85', kind: 'answer', tags: { topic: 'addition' } }
 */
export function simFlywheelTasks(options: SimTaskOptions): FlywheelTask[] {
  const topics = options.topics ?? SIM_TOPICS;
  if (!Number.isInteger(options.count) || options.count < 0) {
    throw new OuroError('option-invalid', `simFlywheelTasks: count must be a whole number, got ${options.count}`, { field: 'count' });
  }
  if (topics.length === 0 || topics.some((topic) => !SIM_TOPICS.includes(topic))) {
    throw new OuroError('option-invalid', `simFlywheelTasks: topics must be some of ${SIM_TOPICS.join(', ')}`, { field: 'topics' });
  }
  const rng = Rng.fromSeed(options.seed);
  const seen = new Set<string>();
  const tasks: FlywheelTask[] = [];
  for (let index = 0; index < options.count; index++) {
    const topic = topics[index % topics.length] as SimTopic;
    let parts = drawParts(topic, rng);
    for (let draws = 1; seen.has(FORMS[topic].question(parts.a, parts.b)); draws++) {
      if (draws > 500)
        throw new OuroError('option-invalid', `simFlywheelTasks: ${options.count} distinct tasks are too many`, { field: 'count' });
      parts = drawParts(topic, rng);
    }
    const question = FORMS[topic].question(parts.a, parts.b);
    seen.add(question);
    tasks.push({
      id: `${options.idPrefix ?? 'ft-sim'}-${String(index + 1).padStart(4, '0')}`,
      source: options.source ?? 'fine-tune-sim',
      prompt: `${question} ${ANSWER_LINE}`,
      answer: String(parts.answer),
      kind: 'answer',
      tags: { topic },
    });
  }
  return tasks;
}

function drawParts(topic: SimTopic, rng: Rng): SimTaskParts {
  const between = (low: number, high: number) => low + rng.int(high - low + 1);
  const [a, b] =
    topic === 'multiplication'
      ? [between(11, 99), between(2, 19)]
      : topic === 'remainder'
        ? [between(100, 999), between(3, 19)]
        : topic === 'subtraction'
          ? ((x: number, y: number) => [Math.max(x, y), Math.min(x, y)])(between(10, 99), between(10, 99))
          : [between(10, 99), between(10, 99)];
  return { topic, a: a as number, b: b as number, answer: FORMS[topic].solve(a as number, b as number) };
}

/** The simulated task in a text, with its computed answer; undefined when there is none. */
export function recognizeSimTask(text: string): SimTaskParts | undefined {
  for (const { topic, pattern } of PATTERNS) {
    const match = pattern.exec(text);
    if (match === null) continue;
    const a = Number(match[1]);
    const b = Number(match[2]);
    if (topic === 'remainder' && b === 0) return undefined;
    return { topic, a, b, answer: FORMS[topic].solve(a, b) };
  }
  return undefined;
}

/** The number on the last `Answer: N` line of a reply, or undefined. */
export function readSimAnswer(text: string): number | undefined {
  const matches = [...text.matchAll(/Answer:\s*(-?\d+)/g)];
  const last = matches[matches.length - 1];
  return last === undefined ? undefined : Number(last[1]);
}

/** The simulated model's chance of answering a task of `topic` right, given what it has learnt. */
export function simAccuracy(topic: SimTopic, knowledge: SimKnowledge, learning: SimLearning = {}): number {
  const base = learning.base?.[topic] ?? DEFAULT_BASE[topic];
  const ceiling = Math.max(base, learning.ceiling ?? 0.95);
  const seen = knowledge[topic] ?? { right: 0, wrong: 0 };
  const exposure = Math.max(0, seen.right - (learning.wrongWeight ?? 1) * seen.wrong);
  return ceiling - (ceiling - base) * Math.exp(-exposure / (learning.learningScale ?? 25));
}

/** Knowledge added together: a fine-tuned model knows what its base knew and what it was trained on. */
export function addKnowledge(left: SimKnowledge, right: SimKnowledge): SimKnowledge {
  const sum: SimKnowledge = {};
  for (const topic of SIM_TOPICS) {
    const a = left[topic];
    const b = right[topic];
    if (a === undefined && b === undefined) continue;
    sum[topic] = { right: (a?.right ?? 0) + (b?.right ?? 0), wrong: (a?.wrong ?? 0) + (b?.wrong ?? 0) };
  }
  return sum;
}

/** A uniform number in [0, 1) fixed by the parts: the simulation's only source of chance. */
export function simDraw(...parts: Array<string | number>): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

const OFFSETS = [1, -1, 2, -2, 10, -10, 3, -3, 5, -5, 100, -100];
const SYMBOLS: Record<SimTopic, string> = { addition: '+', subtraction: '-', multiplication: '*', remainder: 'mod' };

/** How one simulated reply is drawn. */
export interface SimReplyInput {
  task: SimTaskParts;
  /** The chance of a right answer (`simAccuracy`). */
  accuracy: number;
  /** Undefined is taken as 1, the API's default. */
  temperature?: number;
  /** The model and the prompt (and a seed): what fixes a greedy or collapsed reply. */
  key: string;
  /** How many times this key was asked before: what varies a sampled reply. */
  occurrence: number;
  /** The same reply for `key` whatever the temperature and the occurrence (a collapsed model). */
  collapsed?: boolean;
}

/**
 * One simulated reply: working, then `Answer: N`. Greedy at temperature 0; collapsed, one reply per
 * key; otherwise right with probability `accuracy`, and wrong answers spread wider as the
 * temperature rises.
 */
export function simReply(input: SimReplyInput): string {
  const { task, accuracy } = input;
  const temperature = input.temperature ?? 1;
  const greedy = input.collapsed !== true && temperature <= 0;
  const key = greedy || input.collapsed === true ? input.key : `${input.key}\u0000${temperature}\u0000${input.occurrence}`;
  const right = greedy ? accuracy >= 0.5 : simDraw(key, 'right') < accuracy;
  // A collapsed model's replies do not widen with the temperature: they do not change at all.
  const spread = greedy ? 1 : input.collapsed === true ? 2 : Math.max(2, Math.min(OFFSETS.length, Math.ceil(8 * temperature)));
  const offset = OFFSETS[Math.floor(simDraw(key, 'offset') * spread)] as number;
  const value = right ? task.answer : task.answer + offset;
  const phrasing = greedy ? 0 : Math.floor(simDraw(key, 'phrasing') * 4);
  const expression = `${task.a} ${SYMBOLS[task.topic]} ${task.b}`;
  const working = [
    `${expression} = ${value}.`,
    `Working it out, ${expression} comes to ${value}.`,
    `Step by step: I take ${task.a}, apply ${SYMBOLS[task.topic]} ${task.b}, and get ${value}.`,
    `The ${task.topic} of ${task.a} and ${task.b} gives ${value}.`,
  ][phrasing] as string;
  return `${working}\nAnswer: ${value}`;
}

/** What a simulated training file taught: knowledge per topic, and how many lines it could use. */
export interface SimLesson {
  knowledge: SimKnowledge;
  /** Lines whose prompt held a simulated task. */
  examples: number;
  /** Lines with no simulated task in them (they teach nothing). */
  ignored: number;
}

/**
 * Reads a training file as the simulated service does, in any of the usual JSONL shapes: chat
 * messages (`{messages}`), OpenAI's preference rows (`{input, preferred_output}`),
 * `{prompt, completion}` and `{prompt, chosen}`. Each row's prompt is its last user message, its
 * completion the (preferred) assistant reply; a right answer counts as right, anything else as
 * wrong. Throws an Error naming the line when a line is not a JSON object or has no prompt and
 * completion.
 */
export function learnFromJsonl(text: string): SimLesson {
  let knowledge: SimKnowledge = {};
  let examples = 0;
  let ignored = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new Error(`line ${index + 1} is not JSON`);
    }
    const pair = typeof row === 'object' && row !== null ? promptAndCompletion(row as Record<string, unknown>) : undefined;
    if (pair === undefined) throw new Error(`line ${index + 1} has no user prompt and assistant completion`);
    const task = recognizeSimTask(pair.prompt);
    if (task === undefined) {
      ignored++;
      return;
    }
    examples++;
    const right = readSimAnswer(pair.completion) === task.answer;
    knowledge = addKnowledge(knowledge, { [task.topic]: { right: right ? 1 : 0, wrong: right ? 0 : 1 } });
  });
  if (examples + ignored === 0) throw new Error('the training file has no examples');
  return { knowledge, examples, ignored };
}

type Message = { role?: unknown; content?: unknown };

function lastContent(messages: unknown, role: string): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  const found = (messages as Message[]).filter((message) => message?.role === role).pop();
  return typeof found?.content === 'string' ? found.content : undefined;
}

function promptAndCompletion(row: Record<string, unknown>): { prompt: string; completion: string } | undefined {
  const of = (prompt: string | undefined, completion: string | undefined) =>
    prompt === undefined || completion === undefined ? undefined : { prompt, completion };
  if (Array.isArray(row.messages)) return of(lastContent(row.messages, 'user'), lastContent(row.messages, 'assistant'));
  if (typeof row.input === 'object' && row.input !== null) {
    return of(lastContent((row.input as { messages?: unknown }).messages, 'user'), lastContent(row.preferred_output, 'assistant'));
  }
  const completion = typeof row.completion === 'string' ? row.completion : typeof row.chosen === 'string' ? row.chosen : undefined;
  return of(typeof row.prompt === 'string' ? row.prompt : undefined, completion);
}

/** What a simulated chat completion depends on besides the request. */
export interface SimChatState {
  /** What the requested model has learnt (nothing, for a base model). */
  knowledge: SimKnowledge;
  /** The requested model answers one reply per prompt. */
  collapsed: boolean;
  learning?: SimLearning;
  seed: number;
  /** How often each model and prompt was asked so far; updated here. */
  occurrences: Map<string, number>;
}

/**
 * An OpenAI chat-completion body for a request: `n` choices (at most 16), each one simulated reply
 * (`simReply`) to the last user message, with usage at about four characters a token. A message
 * with no simulated task in it gets a reply with no answer.
 */
export function simChatCompletion(request: Record<string, unknown>, state: SimChatState): Record<string, unknown> {
  const model = typeof request.model === 'string' ? request.model : '';
  const messages = Array.isArray(request.messages) ? (request.messages as Array<{ role?: unknown; content?: unknown }>) : [];
  const prompt = messages
    .filter((message) => message?.role === 'user')
    .map((message) => textOf(message.content))
    .pop();
  const task = prompt === undefined ? undefined : recognizeSimTask(prompt);
  const temperature = typeof request.temperature === 'number' ? request.temperature : undefined;
  const choices = Math.min(16, Math.max(1, typeof request.n === 'number' ? Math.floor(request.n) : 1));
  const key = `${state.seed}\u0000${model}\u0000${prompt ?? ''}`;
  const texts = Array.from({ length: choices }, () => {
    if (task === undefined) return 'This simulated model only answers the simulated arithmetic tasks.';
    const occurrence = state.occurrences.get(key) ?? 0;
    state.occurrences.set(key, occurrence + 1);
    const accuracy = simAccuracy(task.topic, state.knowledge, state.learning);
    return simReply({ task, accuracy, temperature, key, occurrence, collapsed: state.collapsed });
  });
  const promptTokens = Math.ceil(messages.reduce((sum, message) => sum + textOf(message?.content).length, 0) / 4);
  const completionTokens = texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
  return {
    id: 'chatcmpl-simulated',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: texts.map((text, index) => ({ index, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null })),
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: unknown) => (typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : '')).join('');
}
