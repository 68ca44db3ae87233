import { describe, expect, it } from 'vitest';
import { checkFrozen } from '../../core/genome.ts';
import { OuroError } from '../../core/errors.ts';
import { ModelCallError } from '../../core/model.ts';
import type { ParentEvaluation, ParentView, ProposalContext, ProposalResult } from '../../core/operator.ts';
import { Rng } from '../../core/rng.ts';
import type { Genome } from '../../core/types.ts';
import { TINY_GENOME } from '../../testing/tiny-experiment.ts';
import { createLlmOperators, LLM_OPERATORS, llmCrossover, llmDiff, llmFix, llmReflect, llmRewrite } from './index.ts';
import { loadTemplates } from './templates.ts';
import { scriptedModel, type ScriptedReply } from './test-model.ts';

const genome: Genome = { 'solve.js': TINY_GENOME };
const templates = loadTemplates();
const EDIT = 'solve.js\n<<<<<<< SEARCH\n  const a = 1;\n=======\n  const a = 3;\n>>>>>>> REPLACE\n';

function view(genomeOf: Genome, evaluation?: Partial<ParentEvaluation>, id = 'run-1'): ParentView {
  const full: ParentEvaluation = { status: 'ok', score: -7.5, metrics: {}, instances: {}, artifacts: {}, ...evaluation };
  return {
    entry: { id, seq: 1, score: full.score ?? Number.NaN, island: 0, generation: 1, parentIds: [], features: {} },
    genome: genomeOf,
    feedback: full.status === 'ok' ? 'distance 7.5' : '',
    evaluation: full,
  };
}

function run(
  operator: ReturnType<typeof llmDiff>,
  replies: ScriptedReply[],
  parents: ParentView[] = [view(genome)],
  extra: Partial<ProposalContext> = {},
) {
  const model = scriptedModel(replies);
  const context: ProposalContext = { parents, inspirations: [], rng: Rng.fromSeed(1), model, ...extra };
  return { model, result: operator.propose(context) };
}

function child(result: ProposalResult): Extract<ProposalResult, { genome: unknown }> {
  if ('failure' in result) throw new Error(result.failure);
  return result;
}

describe('llm-diff', () => {
  it('makes one call and applies the reply, with a one-line description and the rationale', async () => {
    const { model, result } = run(llmDiff({ templates, maxOutputTokens: 2_000 }), [`Rationale: a should be 3.\n\n${EDIT}`]);
    const proposal = child(await result);
    expect(proposal.genome['solve.js']).toBe(TINY_GENOME.replace('const a = 1;', 'const a = 3;'));
    expect(proposal.description).toBe('llm-diff: 1 block (1 exact) at solve.js:4');
    expect(proposal.rationale).toBe('a should be 3.');
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]).toMatchObject({ operator: 'llm-diff', maxOutputTokens: 2_000 });
    expect(model.requests[0]?.messages.map((message) => message.role)).toEqual(['system', 'user']);
  });

  it('says how each block matched', async () => {
    const fuzzy =
      'solve.js\n<<<<<<< SEARCH\n  const b = 0.50;\n  const c = 2.5;\n  return [a, b, c];\n=======\n  const b = -2;\n  const c = 2.5;\n' +
      '  return [a, b, c];\n>>>>>>> REPLACE\n';
    const proposal = child(await run(llmDiff({ templates }), [EDIT + fuzzy]).result);
    expect(proposal.description).toMatch(/^llm-diff: 2 blocks \(1 exact, 1 fuzzy 0\.9\d\) at solve\.js:\d+, solve\.js:\d+$/);
    expect(checkFrozen(genome, proposal.genome)).toBeUndefined();
  });

  it('fails without a model, on prose, and on a failed call, without throwing', async () => {
    const operator = llmDiff({ templates });
    expect(await operator.propose({ parents: [view(genome)], inspirations: [], rng: Rng.fromSeed(1) })).toEqual({ failure: 'no model' });
    expect(await run(operator, ['I would raise a to 3.']).result).toEqual({ failure: 'no SEARCH/REPLACE block in the reply' });
    const error = new ModelCallError('http', 'HTTP 500 from the server', 'compat:qwen', 500);
    expect(await run(operator, [error]).result).toEqual({ failure: 'model call failed (http): HTTP 500 from the server' });
    expect(await run(operator, [new ModelCallError('budget', 'token budget spent', 'compat:qwen')]).result).toEqual({
      failure: 'model call failed (budget): token budget spent',
    });
  });

  it('names the output-token cap when it cut a block, and keeps complete blocks', async () => {
    const operator = llmDiff({ templates });
    const cut = {
      text: `${EDIT}<<<<<<< SEARCH\n  const b = 0.5;\n=======\n  const b`,
      finishReason: 'length' as const,
      usage: { inputTokens: 10, outputTokens: 512 },
    };
    expect(await run(operator, [cut]).result).toEqual({
      failure: 'reply hit the output-token cap (512 tokens): block 2 is truncated (no >>>>>>> REPLACE)',
    });
    const complete = { text: `${EDIT}\nThis should`, finishReason: 'length' as const };
    expect(child(await run(operator, [complete]).result).genome['solve.js']).toContain('const a = 3;');
    const prose = {
      text: 'Let me think about this carefully',
      finishReason: 'length' as const,
      usage: { inputTokens: 10, outputTokens: 64 },
    };
    expect(await run(operator, [prose]).result).toEqual({
      failure: 'reply hit the output-token cap (64 tokens): no complete SEARCH/REPLACE block before it',
    });
  });

  it('fails before the call when the prompt cannot fit the window', async () => {
    const model = scriptedModel([EDIT], { contextWindow: 4_300 });
    const result = await llmDiff({ templates }).propose({ parents: [view(genome)], inspirations: [], rng: Rng.fromSeed(1), model });
    expect(result).toEqual({ failure: expect.stringMatching(/^prompt needs \d+ tokens, the model's window allows 204$/) });
    expect(model.requests).toHaveLength(0);
  });
});

describe('llm-rewrite', () => {
  const region = (body: string, label = 'solve.js#1'): string => `REGION ${label}\n\`\`\`js\n${body}\n\`\`\`\n`;
  const body = 'export function solve() {\n  return [3, -2, 0.5];\n}';

  it('splices the new text of every region', async () => {
    const proposal = child(await run(llmRewrite({ templates }), [`Rationale: return the target.\n\n${region(body)}`]).result);
    expect(proposal.genome['solve.js']).toBe(`// fixed header\n// EVOLVE-BLOCK-START\n${body}\n// EVOLVE-BLOCK-END\n`);
    expect(proposal.description).toBe('llm-rewrite: 1 of 1 region rewritten');
    expect(proposal.rationale).toBe('return the target.');
  });

  it('drops echoed marker lines, and refuses markers elsewhere, missing and unknown regions', async () => {
    const operator = llmRewrite({ templates });
    const echoed = child(await run(operator, [region(`// EVOLVE-BLOCK-START\n${body}\n// EVOLVE-BLOCK-END`)]).result);
    expect(echoed.genome['solve.js']).toBe(`// fixed header\n// EVOLVE-BLOCK-START\n${body}\n// EVOLVE-BLOCK-END\n`);
    expect(await run(operator, [region(`${body}\n// EVOLVE-BLOCK-END\nexport const x = 1;`)]).result).toEqual({
      failure: 'region solve.js#1 contains an EVOLVE marker; the text outside the blocks may not change',
    });
    const two: Genome = { ...genome, 'extra.js': '// EVOLVE-BLOCK-START\nexport const k = 1;\n// EVOLVE-BLOCK-END\n' };
    expect(await run(operator, [region(body)], [view(two)]).result).toEqual({ failure: 'the reply misses region extra.js#1' });
    expect(await run(operator, [region(body) + region('x', 'solve.js#2')]).result).toEqual({
      failure: 'the reply rewrites solve.js#2, which is not an EVOLVE block (the blocks are solve.js#1)',
    });
    expect(await run(operator, ['No code today.']).result).toEqual({ failure: 'no REGION block in the reply' });
  });
});

describe('llm-crossover', () => {
  it('shows both parents and edits the first', async () => {
    const second = { 'solve.js': TINY_GENOME.replace('const c = 2.5;', 'const c = 0.75;') };
    const { model, result } = run(
      llmCrossover({ templates }),
      [`Rationale: take a from neither.\n\n${EDIT}`],
      [view(genome), view(second, {}, 'run-2')],
    );
    const proposal = child(await result);
    expect(proposal.genome['solve.js']).toContain('const c = 2.5;');
    expect(proposal.genome['solve.js']).toContain('const a = 3;');
    const prompt = model.requests[0]?.messages[1]?.content ?? '';
    expect(prompt).toContain('const c = 2.5;');
    expect(prompt).toContain('const c = 0.75;');
    expect(await run(llmCrossover({ templates }), [EDIT]).result).toEqual({ failure: 'llm-crossover needs two parents' });
    const twice = run(llmCrossover({ templates }), [EDIT], [view(genome), view(second)]);
    expect(await twice.result).toEqual({ failure: 'llm-crossover needs two different parents, got run-1 twice' });
    // Refused before the model is asked.
    expect(twice.model.requests).toHaveLength(0);
  });
});

describe('llm-reflect', () => {
  it('shows the weakest instances, lowest first, and returns the diagnosis with the rationale', async () => {
    const instances = Object.fromEntries(Array.from({ length: 14 }, (_, index) => [`case-${index}`, (index * 5) % 14]));
    const reply = `Diagnosis: a is far below its target,\nwhich dominates the distance.\nRationale: raise a to 3.\n\n${EDIT}`;
    const { model, result } = run(llmReflect({ templates }), [reply], [view(genome, { instances })]);
    const proposal = child(await result);
    expect(proposal.rationale).toBe('a is far below its target, which dominates the distance.\nraise a to 3.');
    const prompt = model.requests[0]?.messages[1]?.content ?? '';
    expect(prompt).toContain('- case-0: 0\n- case-3: 1\n- case-6: 2');
    expect(prompt).toContain('(the 10 lowest of 14 instances)');
    expect(prompt).toContain('Diagnosis:');
  });
});

describe('llm-fix', () => {
  it('repairs a failed parent, showing its error', async () => {
    const broken = view(genome, { status: 'error', score: undefined, error: 'ReferenceError: d is not defined' });
    const { model, result } = run(llmFix({ templates }), [EDIT], [broken]);
    expect(child(await result).description).toMatch(/^llm-fix: 1 block \(1 exact\) at solve\.js:\d+$/);
    expect(model.requests[0]?.messages[1]?.content).toContain('error: ReferenceError: d is not defined');
    expect(llmFix({ templates }).parentSource).toBe('failures');
  });

  it('refuses a parent that did not fail, without calling the model', async () => {
    const { model, result } = run(llmFix({ templates }), [EDIT]);
    expect(await result).toEqual({ failure: 'llm-fix: parent run-1 did not fail (status ok); nothing to repair' });
    expect(model.requests).toHaveLength(0);
  });
});

describe('createLlmOperators', () => {
  it('builds every LLM operator by name, each using a model', () => {
    const operators = createLlmOperators(LLM_OPERATORS);
    expect(operators.map((operator) => operator.name)).toEqual([
      'llm-diff',
      'llm-rewrite',
      'llm-crossover',
      'llm-reflect',
      'llm-fix',
      'llm-merge',
    ]);
    expect(operators.every((operator) => operator.usesModel === true)).toBe(true);
    expect(operators.map((operator) => operator.arity)).toEqual([1, 1, 2, 1, 1, 2]);
  });

  it('refuses an unknown name on the operators field', () => {
    let thrown: unknown;
    try {
      createLlmOperators(['llm-diff', 'llm-dream']);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OuroError);
    expect(thrown).toMatchObject({ code: 'config-invalid', field: 'operators', message: expect.stringContaining('"llm-dream"') });
  });
});
