import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OuroError } from '../core/errors.ts';
import type { LlmConfig } from '../core/experiment.ts';
import { checkFrozen, findRegions } from '../core/genome.ts';
import type { ChatMessage, ModelHandle } from '../core/model.ts';
import type { Operator, ParentView, ProposalResult } from '../core/operator.ts';
import { Rng } from '../core/rng.ts';
import type { Genome } from '../core/types.ts';
import { createModel } from '../llm/client.ts';
import { resolveModel } from '../llm/spec.ts';
import { llmDiff, llmMerge, llmReflect, llmRewrite } from '../propose/llm/index.ts';
import { loadTemplates } from '../propose/llm/templates.ts';
import {
  ARITHMETIC_HINT,
  classifySimCall,
  correctProbability,
  extractSimAnswer,
  HARMFUL_PHRASE,
  INSTRUCTION_POOL,
  NEUTRAL_LINES,
  promptSimResponder,
  recognizeQuestion,
  simulationDataset,
  startPromptSimServer,
  WORD_HINT,
  writeSimulationDataset,
  type PromptSimResponder,
  type PromptSimServer,
  type SimulationItem,
} from './prompt-sim.ts';
import type { ScriptedRequest } from './scripted-llm-server.ts';

// The test's own arithmetic: innermost parentheses first, then sums of products.
function flat(expression: string): number {
  const terms = expression.replace(/\s+/g, '').match(/[+-]?[^+-]+/g) ?? [];
  return terms.reduce((total, term) => {
    const product = term
      .replace(/^[+-]/, '')
      .split('*')
      .reduce((value, factor) => value * Number(factor), 1);
    return total + (term.startsWith('-') ? -product : product);
  }, 0);
}

function compute(expression: string): number {
  let text = expression;
  for (let inner = /\(([^()]*)\)/.exec(text); inner !== null; inner = /\(([^()]*)\)/.exec(text)) {
    text = text.replace(inner[0], String(flat(inner[1] as string)));
  }
  return flat(text);
}

const WORD_CHECKS: Array<[RegExp, (numbers: number[]) => number]> = [
  [/has (\d+) apples and buys (\d+) bags with (\d+) apples in each/, ([a, b, c]) => a! + b! * c!],
  [/reads (\d+) pages every day for (\d+) days, then (\d+) more pages/, ([a, b, c]) => a! * b! + c!],
  [/bakes (\d+) trays of (\d+) rolls and sells (\d+) of them/, ([a, b, c]) => a! * b! - c!],
  [/carries (\d+) people\. At the first stop (\d+) get off and (\d+) get on/, ([a, b, c]) => a! - b! + c!],
  [/saves (\d+) dollars a week for (\d+) weeks and spends (\d+) dollars/, ([a, b, c]) => a! * b! - c!],
  [/has (\d+) rows of (\d+) chairs and (\d+) more chairs/, ([a, b, c]) => a! * b! + c!],
];

function recompute(item: SimulationItem): number {
  if (item.kind === 'arithmetic') {
    const expression = /^Compute (.+)\.$/.exec(item.question)?.[1];
    if (expression === undefined) throw new Error(`not an arithmetic question: ${item.question}`);
    return compute(expression);
  }
  const hits = WORD_CHECKS.map(([pattern, solve]) => {
    const match = pattern.exec(item.question);
    return match === null ? undefined : solve(match.slice(1).map(Number));
  }).filter((value) => value !== undefined);
  if (hits.length !== 1) throw new Error(`${hits.length} word forms match: ${item.question}`);
  return hits[0] as number;
}

function request(messages: ChatMessage[], temperature?: number): ScriptedRequest {
  return {
    protocol: 'openai',
    model: 'prompt-sim',
    messages,
    stream: false,
    logprobs: false,
    at: 0,
    ...(temperature === undefined ? {} : { temperature }),
  };
}

function ask(responder: PromptSimResponder, prompt: string, question: string, temperature?: number): string {
  const messages: ChatMessage[] = [
    { role: 'system', content: prompt },
    { role: 'user', content: question },
  ];
  return responder(request(messages, temperature)).text ?? '';
}

describe('simulationDataset', () => {
  it('splits the kinds evenly and computes every answer right', () => {
    const items = simulationDataset({ size: 400, seed: 11 });
    expect(items.filter((item) => item.kind === 'arithmetic')).toHaveLength(200);
    expect(items.filter((item) => item.kind === 'word')).toHaveLength(200);
    for (const item of items) expect(recompute(item), item.question).toBe(item.answer);
    expect(new Set(items.map((item) => item.question)).size).toBe(400);
    expect(new Set(items.map((item) => item.id)).size).toBe(400);
    // Every word form and every arithmetic shape turns up.
    for (const [pattern] of WORD_CHECKS) expect(items.some((item) => pattern.test(item.question))).toBe(true);
    expect(items.some((item) => item.question.includes('('))).toBe(true);
    const odd = simulationDataset({ size: 7, seed: 11 });
    expect(odd.map((item) => item.kind).join(' ')).toBe('arithmetic word arithmetic word arithmetic word arithmetic');
  });

  it('gives equal rows for equal seeds, other rows for other seeds', () => {
    expect(simulationDataset({ size: 50, seed: 3 })).toEqual(simulationDataset({ size: 50, seed: 3 }));
    expect(simulationDataset({ size: 50, seed: 4 })).not.toEqual(simulationDataset({ size: 50, seed: 3 }));
    expect(simulationDataset({ size: 0, seed: 3 })).toEqual([]);
  });

  it('recognizes its own questions, also inside other text', () => {
    for (const item of simulationDataset({ size: 200, seed: 5 })) {
      expect(recognizeQuestion(`Question: ${item.question}\nReply with one number.`)).toEqual({
        kind: item.kind,
        question: item.question,
        answer: item.answer,
      });
    }
    expect(recognizeQuestion('What is the capital of France?')).toBeUndefined();
    expect(recognizeQuestion('Compute 3 * (4 + .')).toBeUndefined();
  });

  it('writes JSON Lines', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ouro-prompt-sim-')), 'data', 'items.jsonl');
    const items = writeSimulationDataset(file, { size: 9, seed: 2 });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual(items);
    expect(items).toEqual(simulationDataset({ size: 9, seed: 2 }));
  });

  it('refuses a bad size or seed, naming the field', () => {
    for (const [options, field] of [
      [{ size: -1, seed: 1 }, 'size'],
      [{ size: 2.5, seed: 1 }, 'size'],
      [{ size: 3, seed: Number.NaN }, 'seed'],
    ] as const) {
      let thrown: unknown;
      try {
        simulationDataset(options);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(OuroError);
      expect(thrown).toMatchObject({ code: 'option-invalid', field, message: expect.stringContaining(field) });
    }
  });
});

describe('correctProbability', () => {
  it('adds the kind hint, subtracts the harmful phrase, and ignores the rest', () => {
    const base = 'You are a helpful assistant.';
    expect(correctProbability(base, 'arithmetic')).toBeCloseTo(0.35);
    expect(correctProbability(`${base}\n${ARITHMETIC_HINT}`, 'arithmetic')).toBeCloseTo(0.85);
    expect(correctProbability(`${base}\n${ARITHMETIC_HINT}`, 'word')).toBeCloseTo(0.35);
    expect(correctProbability(`${base}\n${WORD_HINT}`, 'word')).toBeCloseTo(0.85);
    expect(correctProbability(`${base}\n${HARMFUL_PHRASE}`, 'word')).toBeCloseTo(0.1);
    expect(correctProbability(`${WORD_HINT}\n${HARMFUL_PHRASE}`, 'word')).toBeCloseTo(0.6);
    expect(correctProbability(`${base}\n${NEUTRAL_LINES.join('\n')}`, 'arithmetic')).toBeCloseTo(0.35);
    // Case and line breaks inside a line do not hide it.
    expect(correctProbability(`- ${ARITHMETIC_HINT.toUpperCase().replace(' step ', '\n  step ')}`, 'arithmetic')).toBeCloseTo(0.85);
  });
});

describe('promptSimResponder task calls', () => {
  const items = simulationDataset({ size: 3_000, seed: 21 });
  const prompts = [
    'You are a helpful assistant.',
    `You are a helpful assistant.\n${ARITHMETIC_HINT}`,
    `You are a helpful assistant.\n${WORD_HINT}\n${NEUTRAL_LINES[0]}`,
    `You are a helpful assistant.\n${HARMFUL_PHRASE}`,
    `${ARITHMETIC_HINT}\n${WORD_HINT}\n${HARMFUL_PHRASE}`,
  ];

  it('is right about as often as correctProbability says, per prompt and kind, and near the answer when wrong', () => {
    const responder = promptSimResponder({ seed: 8 });
    for (const prompt of prompts) {
      for (const kind of ['arithmetic', 'word'] as const) {
        const rows = items.filter((item) => item.kind === kind);
        let right = 0;
        for (const item of rows) {
          const answer = extractSimAnswer(ask(responder, prompt, item.question));
          if (answer === item.answer) right++;
          else expect(Math.abs((answer as number) - item.answer)).toBeLessThanOrEqual(3);
        }
        expect(Math.abs(right / rows.length - correctProbability(prompt, kind)), `${kind} under ${prompt}`).toBeLessThan(0.04);
      }
    }
    expect(responder.calls).toEqual({ task: prompts.length * items.length, operator: 0, merge: 0, judge: 0, other: 0 });
  });

  it('repeats its answers at temperature 0 (or none), across responders with the same seed', () => {
    const first = promptSimResponder({ seed: 8 });
    const second = promptSimResponder({ seed: 8 });
    const other = promptSimResponder({ seed: 9 });
    const sample = items.slice(0, 100);
    const answers = sample.map((item) => ask(first, prompts[0] as string, item.question, 0));
    for (let round = 0; round < 3; round++) {
      expect(sample.map((item) => ask(first, prompts[0] as string, item.question, 0))).toEqual(answers);
      expect(sample.map((item) => ask(second, prompts[0] as string, item.question))).toEqual(answers);
    }
    expect(sample.map((item) => ask(other, prompts[0] as string, item.question, 0))).not.toEqual(answers);
  });

  it('samples afresh on every call above temperature 0, at the same rate', () => {
    const responder = promptSimResponder({ seed: 8 });
    const item = items[0] as SimulationItem;
    const answers = Array.from({ length: 600 }, () => extractSimAnswer(ask(responder, prompts[0] as string, item.question, 0.7)));
    expect(new Set(answers).size).toBeGreaterThan(1);
    const rate = answers.filter((answer) => answer === item.answer).length / answers.length;
    expect(Math.abs(rate - 0.35)).toBeLessThan(0.06);
  });

  it('reads the prompt from the user message when there is no system message', () => {
    const responder = promptSimResponder({ seed: 8 });
    const rows = items.filter((item) => item.kind === 'arithmetic').slice(0, 600);
    const right = rows.filter((item) => {
      const reply = responder(request([{ role: 'user', content: `${ARITHMETIC_HINT}\n\nQuestion: ${item.question}` }])).text ?? '';
      return extractSimAnswer(reply) === item.answer;
    }).length;
    expect(Math.abs(right / rows.length - 0.85)).toBeLessThan(0.05);
  });
});

describe('classifySimCall and other calls', () => {
  it('answers a call it does not recognise with a short plain reply', () => {
    const responder = promptSimResponder({ seed: 1 });
    const judge = responder(request([{ role: 'user', content: 'Is "The answer is 4." a correct reply to 2 + 2? Say yes or no.' }]));
    expect(judge.text).toMatch(/simulated model/);
    expect(extractSimAnswer(judge.text ?? '')).toBeUndefined();
    expect(responder(request([])).text).toBe(judge.text);
    expect(responder.calls).toEqual({ task: 0, operator: 0, merge: 0, judge: 0, other: 2 });
  });

  it('grades an answer to one of its questions as a perfect judge, without mistaking it for a task call', () => {
    const responder = promptSimResponder({ seed: 1 });
    const item = simulationDataset({ size: 1, seed: 6 })[0] as SimulationItem;
    const judge = (output: string): string =>
      responder(
        request([
          { role: 'system', content: 'Grade the answer against the reference. End with a line "Score: X".' },
          { role: 'user', content: `Task input:\n${item.question}\n\nReference answer:\n${item.answer}\n\nAnswer to grade:\n${output}` },
        ]),
      ).text ?? '';
    expect(judge(`Easy. The answer is ${item.answer}.`)).toMatch(/\nScore: 1$/);
    expect(judge(`Hmm. The answer is ${item.answer + 2}.`)).toMatch(/\nScore: 0$/);
    expect(responder.calls).toEqual({ task: 0, operator: 0, merge: 0, judge: 2, other: 0 });
  });

  it('tells the SEARCH/REPLACE format from the REGION one by which the prompt asks for last', () => {
    const file = 'File: system.md\n```markdown\n<!-- EVOLVE-BLOCK-START -->\nBe polite.\n<!-- EVOLVE-BLOCK-END -->\n```\n';
    const diff = classifySimCall([{ role: 'user', content: `${file}\nREGION notes.md#1\n\n<<<<<<< SEARCH\n=======\n>>>>>>> REPLACE` }]);
    expect(diff).toMatchObject({ kind: 'operator', format: 'search-replace', diagnosis: false });
    const rewrite = classifySimCall([{ role: 'user', content: `${file}\nDiagnosis: none\n\nREGION system.md#1\n\`\`\`\n...\n\`\`\`` }]);
    expect(rewrite).toMatchObject({ kind: 'operator', format: 'rewrite', diagnosis: true });
    if (rewrite.kind === 'operator') expect([...rewrite.files.keys()]).toEqual(['system.md']);
  });
});

// Lines repeated inside and outside the block make the simulated proposer quote neighbours to be unambiguous.
const PROMPT = [
  'You are a careful assistant for arithmetic and word problems.',
  'Be polite.',
  '<!-- EVOLVE-BLOCK-START -->',
  'Read the question carefully.',
  'Be polite.',
  'Read the question carefully.',
  '',
  '<!-- EVOLVE-BLOCK-END -->',
  'End your reply with "The answer is N."',
  '',
].join('\n');
const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 1_024, prices: {} };
const templates = loadTemplates();

function view(genome: Genome, id = 'run-1'): ParentView {
  return {
    entry: { id, seq: 1, score: 0.4, island: 0, generation: 1, parentIds: [], features: {} },
    genome,
    feedback: 'accuracy 0.4 on 20 questions',
    evaluation: { status: 'ok', score: 0.4, metrics: {}, instances: { 'sim-0001': 0, 'sim-0002': 1 }, artifacts: {} },
  };
}

async function propose(operator: Operator, model: ModelHandle, genome: Genome): Promise<Extract<ProposalResult, { genome: unknown }>> {
  const result = await operator.propose({ parents: [view(genome)], inspirations: [], rng: Rng.fromSeed(1), model });
  if ('failure' in result) throw new Error(`${operator.name}: ${result.failure}`);
  return result;
}

/** The lines of every EVOLVE block of a genome, per `file#n`. */
function blocks(genome: Genome): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const [file, text] of Object.entries(genome)) {
    findRegions(text, file).forEach((region, index) => {
      const body = text.slice(region.start, region.end);
      found.set(`${file}#${index + 1}`, body === '' ? [] : body.replace(/\n$/, '').split('\n'));
    });
  }
  return found;
}

type Change = { action: 'add' | 'delete'; line: string };

/** The one line added to or deleted from `before` to give `after`, or undefined for any other change. */
function oneLine(before: readonly string[], after: readonly string[]): Change | undefined {
  const [longer, shorter, action] = after.length > before.length ? [after, before, 'add' as const] : [before, after, 'delete' as const];
  if (longer.length !== shorter.length + 1) return undefined;
  for (let index = 0; index < longer.length; index++) {
    const without = [...longer.slice(0, index), ...longer.slice(index + 1)];
    if (without.every((line, at) => line === shorter[at])) return { action, line: longer[index] as string };
  }
  return undefined;
}

/** Checks that the child changes exactly one line of one EVOLVE block, as the simulation promises. */
function expectOneLineChange(parent: Genome, child: Genome): Change {
  expect(checkFrozen(parent, child)).toBeUndefined();
  const before = blocks(parent);
  const after = blocks(child);
  const changed = [...before.keys()].filter((label) => before.get(label)?.join('\n') !== after.get(label)?.join('\n'));
  expect(changed).toHaveLength(1);
  const label = changed[0] as string;
  const change = oneLine(before.get(label) ?? [], after.get(label) ?? []);
  if (change === undefined) throw new Error(`${label} changed by more than one line`);
  if (change.action === 'add') {
    expect(INSTRUCTION_POOL).toContain(change.line);
    expect(before.get(label)).not.toContain(change.line);
  } else {
    expect(change.line.trim()).not.toBe('');
  }
  return change;
}

describe('the real LLM operators against the simulation over HTTP', () => {
  let server: PromptSimServer;
  let model: ModelHandle;

  beforeAll(async () => {
    server = await startPromptSimServer({ seed: 5 });
    model = createModel(resolveModel({ id: server.modelId }, LLM, {}));
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['llm-diff', llmDiff({ templates })],
    ['llm-reflect', llmReflect({ templates })],
    ['llm-rewrite', llmRewrite({ templates })],
  ])('%s gets a child that differs from its parent by one line inside the EVOLVE block', async (name, operator) => {
    const genome: Genome = { 'system.md': PROMPT };
    const before = server.requests.length;
    const actions = new Set<string>();
    for (let attempt = 0; attempt < 8; attempt++) {
      const proposal = await propose(operator, model, genome);
      actions.add(expectOneLineChange(genome, proposal.genome).action);
      expect(proposal.rationale).toMatch(/^(add the instruction|drop the line)/m);
      if (name === 'llm-reflect') expect(proposal.rationale).toMatch(/^some answers are wrong/);
    }
    // Every proposal went through the HTTP server, and the call counter varied the edits.
    expect(server.requests.length - before).toBe(8);
    expect(actions).toEqual(new Set(['add', 'delete']));
  });

  it('keeps proposing applicable edits along a lineage, from an empty block, in a two-file genome', async () => {
    let genome: Genome = {
      'system.md': 'You solve problems.\n<!-- EVOLVE-BLOCK-START -->\n<!-- EVOLVE-BLOCK-END -->\n',
      'notes.md': '<!-- EVOLVE-BLOCK-START -->\nBe polite.\nShow your work.\nBe polite.\n<!-- EVOLVE-BLOCK-END -->\nBe polite.\n',
    };
    const operators = [llmDiff({ templates }), llmRewrite({ templates }), llmReflect({ templates })];
    const added = new Set<string>();
    for (let step = 0; step < 24; step++) {
      const proposal = await propose(operators[step % operators.length] as Operator, model, genome);
      const change = expectOneLineChange(genome, proposal.genome);
      if (change.action === 'add') added.add(change.line);
      genome = proposal.genome;
    }
    expect(added.size).toBeGreaterThan(2);
  });

  it("merges two versions of one file for llm-merge: A's lines, then those only B has", async () => {
    const file = (...lines: string[]): string =>
      `You solve problems.\n<!-- EVOLVE-BLOCK-START -->\n${lines.map((line) => `${line}\n`).join('')}<!-- EVOLVE-BLOCK-END -->\n`;
    const genomes = new Map<string, Genome>([
      ['run-1', { 'system.md': file('Be polite.') }],
      ['run-2', { 'system.md': file('Be polite.', ARITHMETIC_HINT) }],
      ['run-3', { 'system.md': file(WORD_HINT, 'Be polite.') }],
    ]);
    const parents = new Map([
      ['run-1', []],
      ['run-2', ['run-1']],
      ['run-3', ['run-1']],
    ]);
    const lineage = { parentIds: (id: string) => parents.get(id), genome: (id: string) => genomes.get(id) };
    const viewOf = (id: string): ParentView => {
      const base = view(genomes.get(id) as Genome, id);
      return { ...base, entry: { ...base.entry, parentIds: parents.get(id) ?? [] } };
    };
    const before = server.responder.calls.merge;
    const result = await llmMerge({ templates }).propose({
      parents: [viewOf('run-2'), viewOf('run-3')],
      inspirations: [],
      rng: Rng.fromSeed(1),
      model,
      lineage,
    });
    if ('failure' in result) throw new Error(result.failure);
    expect(server.responder.calls.merge - before).toBe(1);
    expect(result.genome['system.md']).toBe(file('Be polite.', ARITHMETIC_HINT, WORD_HINT));
    expect(correctProbability(result.genome['system.md'] as string, 'word')).toBeGreaterThan(0.8);
    expect(correctProbability(result.genome['system.md'] as string, 'arithmetic')).toBeGreaterThan(0.8);
  });

  it('gives a parent without an EVOLVE block no edit, which the operator records as a failure', async () => {
    const result = await llmDiff({ templates }).propose({
      parents: [view({ 'system.md': 'You solve problems.\n' })],
      inspirations: [],
      rng: Rng.fromSeed(1),
      model,
    });
    expect(result).toEqual({ failure: 'no SEARCH/REPLACE block in the reply' });
  });

  it('answers task calls through the real client, the same over both protocols', async () => {
    const anthropic = createModel(
      resolveModel({ id: 'anthropic:claude-haiku-4-5' }, LLM, {
        ANTHROPIC_API_KEY: 'test-key',
        ANTHROPIC_BASE_URL: server.anthropicBaseURL,
      }),
    );
    for (const item of simulationDataset({ size: 6, seed: 4 })) {
      const messages: ChatMessage[] = [
        { role: 'system', content: `You are exact.\n${ARITHMETIC_HINT}` },
        { role: 'user', content: item.question },
      ];
      const reply = await model.complete({ operator: 'task', messages });
      expect(extractSimAnswer(reply.text)).toEqual(expect.any(Number));
      expect((await model.complete({ operator: 'task', messages })).text).toBe(reply.text);
      expect((await anthropic.complete({ operator: 'task', messages })).text).toBe(reply.text);
    }
  });
});
