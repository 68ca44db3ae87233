import { describe, expect, it } from 'vitest';
import type { ParentView, ProposalContext } from '../../core/operator.ts';
import { Rng } from '../../core/rng.ts';
import { TINY_GENOME } from '../../testing/tiny-experiment.ts';
import { llmDiff, llmReflect } from './index.ts';
import { checkVariant, loadTemplates, templateSource, valuePlaceholders } from './templates.ts';
import { scriptedModel } from './test-model.ts';

const templates = loadTemplates();
const EDIT = 'solve.js\n<<<<<<< SEARCH\n  const a = 1;\n=======\n  const a = 3;\n>>>>>>> REPLACE\n';
const parent: ParentView = {
  entry: { id: 'r-1', seq: 1, score: -7.5, island: 0, generation: 1, parentIds: [], features: {} },
  genome: { 'solve.js': TINY_GENOME },
  feedback: 'distance 7.5',
  evaluation: { status: 'ok', score: -7.5, metrics: {}, instances: {}, artifacts: {} },
};

function context(extra: Partial<ProposalContext> = {}) {
  const model = scriptedModel([`Rationale: a should be 3.\n\n${EDIT}`]);
  return { model, context: { parents: [parent], inspirations: [], rng: Rng.fromSeed(1), model, ...extra } };
}

describe('an LLM operator handed a template for one call', () => {
  it('fills that template instead of its own, and its own again on the next call', async () => {
    const evolved = { id: 'llm-diff.3', text: 'EVOLVED: make the score {{parent_score}} higher.\n\n{{parent}}\n\n{{format}}\n' };
    const operator = llmDiff({ templates });
    const first = context({ promptTemplate: evolved });
    expect('genome' in (await operator.propose(first.context))).toBe(true);
    const prompt = first.model.requests[0]?.messages.at(-1)?.content ?? '';
    expect(prompt.startsWith('EVOLVED: make the score -7.5 higher.')).toBe(true);
    expect(prompt).toContain('<<<<<<< SEARCH');
    const second = context();
    await operator.propose(second.context);
    expect(second.model.requests[0]?.messages.at(-1)?.content).toMatch(/^## The current version \(score -7\.5\)/);
  });

  it('fails without calling the model when the template does not parse, naming it', async () => {
    const { model, context: broken } = context({ promptTemplate: { id: 'llm-reflect.2', text: '{{#feedback}} never closed {{format}}' } });
    expect(await llmReflect({ templates }).propose(broken)).toEqual({
      failure: 'prompt template llm-reflect.2: {{#feedback}} is never closed',
    });
    expect(model.requests).toHaveLength(0);
  });
});

describe('checkVariant', () => {
  const { text } = templateSource('llm-diff');

  it('accepts a rewording that keeps every placeholder value, sections or not', () => {
    const variant = text.replace('Improve the current version', 'Raise the score of this version').replace(/\{\{[#/]lessons\}\}\n/g, '');
    const checked = checkVariant('llm-diff', text, variant, 'llm-diff.1');
    expect('failure' in checked).toBe(false);
    if (!('failure' in checked)) expect(valuePlaceholders(checked)).toEqual(expect.arrayContaining(['parent', 'format', 'lessons']));
  });

  it('refuses a variant that drops a placeholder, uses an unknown one, leaves a section open or is empty', () => {
    expect(checkVariant('llm-diff', text, text.replace('{{format}}', ''), 'llm-diff.1')).toEqual({
      failure: 'it drops {{format}}, which the parent template fills',
    });
    expect(checkVariant('llm-diff', text, `${text}{{score}}\n`, 'llm-diff.1')).toMatchObject({
      failure: expect.stringMatching(/^the template check failed: llm-diff\.1: unknown placeholder \{\{score\}\}/),
    });
    expect(checkVariant('llm-diff', text, text.replace('{{/feedback}}', ''), 'llm-diff.1')).toMatchObject({
      failure: expect.stringMatching(/\{\{#feedback\}\} is never closed/),
    });
    expect(checkVariant('llm-diff', text, ' \n', 'llm-diff.1')).toEqual({ failure: 'the template is empty' });
  });
});
