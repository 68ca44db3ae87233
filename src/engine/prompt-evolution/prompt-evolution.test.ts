import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompletionRequest } from '../../core/model.ts';
import { Rng } from '../../core/rng.ts';
import { templateSource } from '../../propose/llm/index.ts';
import { scriptedModel, type ScriptedReply } from '../../propose/llm/test-model.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import { PromptEvolution, type PromptEvolutionSetup } from './prompt-evolution.ts';

const opened: SqliteStore[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

function newStore(): SqliteStore {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ouro-prompts-')), 'ouro.db'));
  store.createRun({
    id: 'r1',
    experiment: 'demo',
    experimentDir: '/x',
    config: {},
    settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
    createdAt: 1,
  });
  opened.push(store);
  return store;
}

/** Models whose calls answer from `replies` in order; every call is kept with the tag it was bound to. */
function models(replies: ScriptedReply[], costUsd = 0) {
  const calls: Array<{ tag: string; request: CompletionRequest }> = [];
  let answered = 0;
  return {
    calls,
    bind(id: string, tag: string) {
      let spent = 0;
      const handle = {
        id,
        contextWindow: 32_000,
        async complete(request: CompletionRequest) {
          calls.push({ tag, request });
          const completion = await scriptedModel([replies[answered++] ?? 'no reply'], { id }).complete(request);
          spent += costUsd;
          return { ...completion, costUsd };
        },
      };
      return { handle, spentUsd: () => spent };
    },
  };
}

/** A model reply that puts `line` in front of the template the meta-prompt shows. */
function prepend(line: string) {
  return (request: CompletionRequest): string => {
    const prompt = request.messages[0]?.content ?? '';
    const template = prompt.slice(prompt.indexOf('<<<TEMPLATE\n') + 12, prompt.indexOf('\nTEMPLATE>>>'));
    return `Rationale: ${line}\n<<<TEMPLATE\n${line}\n\n${template}\nTEMPLATE>>>`;
  };
}

function setup(store: SqliteStore, fields: Partial<PromptEvolutionSetup> = {}): PromptEvolutionSetup {
  return {
    runId: 'r1',
    store,
    operators: ['llm-diff'],
    models: models([]),
    every: 2,
    maxTemplates: 3,
    maxOutputTokens: 2_000,
    evaluations: 0,
    ...fields,
  };
}

describe('PromptEvolution', () => {
  it("writes each operator's own template first: the prompts folder's where it has one, else the built-in", () => {
    const store = newStore();
    const folder = mkdtempSync(join(tmpdir(), 'ouro-prompts-dir-'));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'llm-reflect.md'), 'Reflect on {{parent}} first.\n{{format}}\n');
    PromptEvolution.open(setup(store, { operators: ['llm-diff', 'llm-reflect'], templatesDir: folder, evaluations: 4 }));
    expect(store.promptTemplates('r1')).toEqual([
      expect.objectContaining({ id: 'llm-diff.0', seq: 0, origin: 'built-in', text: templateSource('llm-diff').text, evaluations: 4 }),
      expect.objectContaining({ id: 'llm-reflect.0', seq: 1, origin: 'override', detail: join(folder, 'llm-reflect.md') }),
    ]);
    expect(store.promptTemplates('r1')[0]).not.toHaveProperty('parentId');
    // Opened again (a resume), it finds them and writes nothing.
    PromptEvolution.open(setup(store, { operators: ['llm-diff', 'llm-reflect'], templatesDir: folder }));
    expect(store.promptTemplates('r1')).toHaveLength(2);
  });

  it('varies the favourite every `every` proposals: odd variants by the model, even ones by pruning', async () => {
    const store = newStore();
    const model = models([], 0.25);
    const replies = [prepend('Look for the largest error first.')];
    const fake = {
      bind(id: string, tag: string) {
        const bound = model.bind(id, tag);
        const complete = bound.handle.complete;
        bound.handle.complete = (request) => {
          const reply = replies.shift();
          return reply ? complete({ ...request }).then((done) => ({ ...done, text: reply(request) })) : complete(request);
        };
        return bound;
      },
    };
    const prompts = PromptEvolution.open(setup(store, { models: fake }));
    const rng = Rng.fromSeed(4);
    const picked: string[] = [];
    for (let index = 0; index < 6; index++) {
      const id = (await prompts.pick('llm-diff', { rng, modelId: 'compat:m', evaluations: index }))?.id as string;
      picked.push(id);
      prompts.populations.failed(id);
    }
    // A new member is tried at once (the bandit's unexplored arm), so each variant shows up right after it is made.
    expect(picked).toEqual(['llm-diff.0', 'llm-diff.0', 'llm-diff.1', expect.any(String), 'llm-diff.2', expect.any(String)]);
    const records = store.promptTemplates('r1');
    expect(records.map((record) => [record.id, record.parentId, record.origin, record.discarded])).toEqual([
      ['llm-diff.0', undefined, 'built-in', undefined],
      ['llm-diff.1', 'llm-diff.0', 'model', undefined],
      ['llm-diff.2', expect.stringMatching(/^llm-diff\.[01]$/), 'prune-tokens', undefined],
    ]);
    const [, byModel, pruned] = records;
    expect(byModel?.text.startsWith('Look for the largest error first.\n\n## The current version')).toBe(true);
    expect(byModel).toMatchObject({ detail: 'compat:m: Look for the largest error first.', costUsd: 0.25, evaluations: 2 });
    expect(pruned?.detail).toMatch(/^(delete|swap|duplicate) /);
    expect(pruned?.costUsd).toBe(0);
    // The meta-prompt's one call, bound to the variant's tag.
    expect(model.calls.map((call) => [call.tag, call.request.operator, call.request.maxOutputTokens])).toEqual([
      ['prompt:llm-diff.1', 'prompt-evolve', 2_000],
    ]);
    expect(model.calls[0]?.request.messages[0]?.content).toContain('- It prompted 2 proposals');
  });

  it('records a variant that fails its checks as discarded, with the reason, and never chooses it', async () => {
    const store = newStore();
    const replies: ScriptedReply[] = [
      'Rationale: shorter.\n<<<TEMPLATE\n{{parent}}\nTEMPLATE>>>',
      'I would rather not.',
      `Rationale: it is fine as it is.\n<<<TEMPLATE\n${templateSource('llm-diff').text}TEMPLATE>>>`,
    ];
    const prompts = PromptEvolution.open(setup(store, { every: 1, models: models(replies) }));
    const rng = Rng.fromSeed(1);
    const picked: string[] = [];
    for (let index = 0; index < 6; index++)
      picked.push((await prompts.pick('llm-diff', { rng, modelId: 'compat:m', evaluations: 0 }))?.id as string);
    const records = store.promptTemplates('r1');
    expect(records[1]).toMatchObject({
      id: 'llm-diff.1',
      origin: 'model',
      text: '{{parent}}\n',
      discarded:
        'it drops {{parent_score}}, {{feedback}}, {{artifacts}}, {{inspirations}}, {{lessons}}, {{format}}, ' +
        'which the parent template fills',
    });
    expect(records[3]).toMatchObject({
      id: 'llm-diff.3',
      discarded: 'the reply holds no template between a line <<<TEMPLATE and a line TEMPLATE>>>',
      text: 'I would rather not.',
    });
    expect(records[5]).toMatchObject({ id: 'llm-diff.5', parentId: 'llm-diff.0', discarded: 'it repeats llm-diff.0 word for word' });
    expect(picked).not.toContain('llm-diff.1');
    expect(picked).not.toContain('llm-diff.3');
    expect(picked).not.toContain('llm-diff.5');
  });

  it('retires the worst member once the operator has maxTemplates, and a resumed run finds the same members', async () => {
    const store = newStore();
    const replies = [1, 2, 3].map(
      (number) => `Rationale: r${number}\n<<<TEMPLATE\nVariant ${number}.\n{{parent_score}} {{parent}} {{feedback}}
{{artifacts}} {{inspirations}} {{lessons}}\n{{format}}\nTEMPLATE>>>`,
    );
    const prompts = PromptEvolution.open(setup(store, { every: 1, maxTemplates: 3, models: models(replies) }));
    const rng = Rng.fromSeed(8);
    for (let index = 0; index < 6; index++) {
      const template = await prompts.pick('llm-diff', { rng, modelId: 'compat:m', evaluations: index });
      // The later templates do better, so the early variants are the ones to go.
      prompts.populations.child(template?.id as string, { reward: index / 6, beat: index > 2, costUsd: 0 });
    }
    const records = store.promptTemplates('r1');
    const members = prompts.populations.byOperator
      .get('llm-diff')
      ?.current()
      .map((member) => member.id);
    expect(members).toHaveLength(3);
    expect(members?.[0]).toBe('llm-diff.0');
    const retired = records.flatMap((record) => (record.retired ? [record.retired] : []));
    expect(retired.length).toBeGreaterThanOrEqual(1);
    expect(retired).not.toContain('llm-diff.0');
    const resumed = PromptEvolution.open(setup(store, { every: 1, maxTemplates: 3 }));
    expect(
      resumed.populations.byOperator
        .get('llm-diff')
        ?.current()
        .map((member) => member.id),
    ).toEqual(members);
    expect(store.promptTemplates('r1')).toHaveLength(records.length);
  });

  it('hands out nothing for an operator without templates', async () => {
    const prompts = PromptEvolution.open(setup(newStore()));
    expect(await prompts.pick('llm-rewrite', { rng: Rng.fromSeed(1), modelId: 'compat:m', evaluations: 0 })).toBeUndefined();
    expect(await prompts.pick('perturb-number', { rng: Rng.fromSeed(1), modelId: 'compat:m', evaluations: 0 })).toBeUndefined();
  });
});
