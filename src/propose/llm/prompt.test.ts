import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OuroError } from '../../core/errors.ts';
import type { ParentView, ProposalContext } from '../../core/operator.ts';
import { Rng } from '../../core/rng.ts';
import type { Evaluation, Genome } from '../../core/types.ts';
import { parentEvaluation } from '../../engine/state.ts';
import { TINY_GENOME } from '../../testing/tiny-experiment.ts';
import { diffFormat } from './formats.ts';
import { buildPrompt, tokenCounter, type BuiltPrompt } from './prompt.ts';
import { loadTemplates, parseTemplate, renderTemplate, TEMPLATE_NAMES } from './templates.ts';

const genome: Genome = { 'solve.js': TINY_GENOME };

function view(id: string, genomeOf: Genome, score: number, extra: Partial<ParentView> = {}): ParentView {
  return { entry: { id, seq: 0, score, island: 0, generation: 0, parentIds: [], features: {} }, genome: genomeOf, feedback: '', ...extra };
}

function context(overrides: Partial<ProposalContext> = {}): ProposalContext {
  return { parents: [view('run-1', genome, -7.5)], inspirations: [], rng: Rng.fromSeed(1), ...overrides };
}

async function prompt(contextOf: ProposalContext, contextWindow = 32_000, maxOutputTokens = 1_000): Promise<BuiltPrompt> {
  const built = await buildPrompt({
    templates: loadTemplates(),
    operator: 'llm-diff',
    context: contextOf,
    format: diffFormat(genome),
    contextWindow,
    maxOutputTokens,
  });
  if ('failure' in built) throw new Error(built.failure);
  return built;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ouro-prompts-'));
}

describe('templates', () => {
  it('loads every built-in template', () => {
    const templates = loadTemplates();
    for (const name of TEMPLATE_NAMES) expect(templates[name].nodes.length).toBeGreaterThan(0);
  });

  it('shows a section only when its value is non-empty', () => {
    const template = parseTemplate(
      'A{{#lessons}}\n\nLessons:\n{{lessons}}\n{{/lessons}}\n\n\nB {{ parent_score }}',
      'llm-diff',
      'built-in',
    );
    const values = {
      description: '',
      parent: '',
      parent_score: '3',
      feedback: '',
      artifacts: '',
      instances: '',
      error: '',
      inspirations: '',
      lessons: '',
      second_parent: '',
      format: '',
    };
    expect(renderTemplate(template, values)).toBe('A\n\nB 3');
    expect(renderTemplate(template, { ...values, lessons: '- keep rows' })).toBe('A\n\nLessons:\n- keep rows\n\nB 3');
  });

  it('takes an override from the prompts folder', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'llm-diff.md'), 'Score {{parent_score}}. {{format}}');
    const templates = loadTemplates(dir);
    expect(templates['llm-diff'].source).toBe(join(dir, 'llm-diff.md'));
    expect(templates['llm-rewrite'].source).toBe('built-in');
  });

  it('refuses an override with an unknown placeholder, naming the file and the placeholder', () => {
    const dir = tempDir();
    const file = join(dir, 'llm-reflect.md');
    writeFileSync(file, 'Score {{parent_score}}, code {{program}}');
    let thrown: unknown;
    try {
      loadTemplates(dir);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OuroError);
    expect(thrown).toMatchObject({ code: 'config-invalid', file, field: 'prompts' });
    expect((thrown as Error).message).toContain(`${file}: unknown placeholder {{program}}`);
    writeFileSync(file, '{{#lessons}} never closed');
    expect(() => loadTemplates(dir)).toThrow('{{#lessons}} is never closed');
  });
});

describe('buildPrompt', () => {
  it('fills the parent, its score, feedback, artifacts, inspirations and lessons', async () => {
    const parent = view('run-1', genome, -7.5, {
      feedback: 'distance 7.5',
      evaluation: { status: 'ok', score: -7.5, metrics: {}, instances: {}, artifacts: { worst: [1, 2] } },
    });
    const built = await prompt(
      context({
        parents: [parent],
        inspirations: [view('run-2', genome, -1)],
        lessons: ['small steps help'],
        description: 'Reach (3, -2, 0.5).',
      }),
    );
    const [system, user] = built.messages;
    expect(system).toMatchObject({ role: 'system', content: expect.stringContaining('Reach (3, -2, 0.5).') });
    expect(user?.content).toContain('score -7.5');
    expect(user?.content).toContain('File: solve.js\n```js\n// fixed header');
    expect(user?.content).toContain('distance 7.5');
    expect(user?.content).toContain('"worst"');
    expect(user?.content).toContain('### Inspiration 1 (score -1)');
    expect(user?.content).toContain('- small steps help');
    expect(user?.content).toContain('<<<<<<< SEARCH');
    expect(user?.content).not.toContain('{{');
    expect(built.trimmed).toEqual([]);
  });

  it('keeps a private metric out of the prompt of a parent, and out of what the operator is given', async () => {
    // An Evaluation as the store holds it, made into the parent's view as the engine makes it.
    const stored: Evaluation = {
      candidateId: 'run-1',
      status: 'ok',
      score: -7.5,
      metrics: { publicSpread: 0.3125 },
      privateMetrics: { heldOutAccuracy: 0.8642097531 },
      features: {},
      instances: { 'case-1': -2 },
      feedback: 'distance 7.5',
      artifacts: { worst: [1, 2] },
      stage: 'final',
      durationMs: 1,
    };
    const parent = view('run-1', genome, -7.5, { feedback: stored.feedback, evaluation: parentEvaluation(stored) });
    const given = context({ parents: [parent], inspirations: [{ ...parent, entry: { ...parent.entry, id: 'run-2' } }] });
    const text = (await prompt(given)).messages.map((message) => message.content).join('\n');
    for (const operator of ['llm-rewrite', 'llm-reflect', 'llm-fix', 'llm-crossover'] as const) {
      const built = await buildPrompt({
        templates: loadTemplates(),
        operator,
        context: { ...given, parents: [parent, parent] },
        format: diffFormat(genome),
        contextWindow: 32_000,
        maxOutputTokens: 1_000,
      });
      if ('failure' in built) throw new Error(built.failure);
      const other = built.messages.map((message) => message.content).join('\n');
      expect(other, operator).toContain('distance 7.5');
      expect(other, operator).not.toMatch(/heldOutAccuracy|0\.86420/);
    }
    expect(text).toContain('distance 7.5');
    expect(text).toContain('"worst"');
    expect(text).not.toMatch(/heldOutAccuracy|0\.86420/);
    // The operator is handed the public metric, and nothing of the private one.
    const handed = JSON.stringify(given);
    expect(handed).toContain('"publicSpread":0.3125');
    expect(handed).not.toMatch(/heldOutAccuracy|0\.86420|privateMetrics/);
  });

  it('leaves out the headings of empty sections', async () => {
    const built = await prompt(context());
    expect(built.messages[1]?.content).not.toContain('Lessons');
    expect(built.messages[1]?.content).not.toContain('What the evaluator said');
    expect(built.messages[1]?.content).not.toMatch(/\n{3}/);
  });

  it('trims inspirations from the last, then artifacts, lessons and feedback, to fit a small window', async () => {
    const count = await tokenCounter();
    const inspirations = [1, 2, 3].map((index) =>
      view(`run-${index + 1}`, { 'solve.js': TINY_GENOME.replace('2.5', `${index}.25`) }, -index),
    );
    const parent = view('run-1', genome, -7.5, {
      feedback: 'The result is far from the target. '.repeat(40),
      evaluation: { status: 'ok', score: -7.5, metrics: {}, instances: {}, artifacts: { trace: 'step '.repeat(400) } },
    });
    const full = context({ parents: [parent], inspirations, lessons: ['lesson one', 'lesson two'] });
    const tokensOf = (built: BuiltPrompt): number => built.messages.reduce((sum, message) => sum + count(message.content), 0);
    const needed = tokensOf(await prompt(full));

    // The per-message overhead alone puts the estimate above `needed`: one inspiration must go.
    const oneLess = await prompt(full, needed + 1_000);
    expect(oneLess.trimmed).toEqual(['dropped 1 of 3 inspirations']);
    expect(oneLess.messages[1]?.content).toContain('### Inspiration 2');
    expect(oneLess.messages[1]?.content).not.toContain('### Inspiration 3');
    expect(oneLess.tokens).toBeLessThanOrEqual(needed);

    const bare = tokensOf(await prompt(context({ parents: [view('run-1', genome, -7.5)] })));
    const tight = await prompt(full, bare + 1_000 + 150);
    expect(tight.trimmed).toEqual([
      'dropped 3 of 3 inspirations',
      'dropped the artifacts',
      'dropped the lessons',
      'shortened the feedback',
    ]);
    expect(tight.tokens).toBeLessThanOrEqual(bare + 150);
    expect(tight.messages[1]?.content).toContain('more characters cut');
  });

  it('fails when the parent alone does not fit', async () => {
    const built = await buildPrompt({
      templates: loadTemplates(),
      operator: 'llm-diff',
      context: context(),
      format: diffFormat(genome),
      contextWindow: 1_300,
      maxOutputTokens: 1_000,
    });
    expect(built).toEqual({ failure: expect.stringMatching(/^prompt needs \d+ tokens, the model's window allows 300$/) });
  });

  it('measures a prompt that fits by its bytes, without tokenizing it', async () => {
    const built = await prompt(context());
    const bytes = built.messages.reduce((sum, message) => sum + Buffer.byteLength(message.content), 0);
    expect(built.tokens).toBeGreaterThanOrEqual(bytes);
    expect(built.tokens).toBeLessThan(bytes + 100);
  });
});
