// proposal.evolvePrompts end to end, against a scripted OpenAI-compatible server: the LLM operators'
// templates are varied, chosen by a bandit, stored, listed by `ouro show --prompts`, and a resumed
// run and a replay make the same choices.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evolve, resume } from '../src/engine/evolve.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptedRequest } from '../src/testing/scripted-llm-server.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

const BIN = resolve(import.meta.dirname, '../bin/ouro.js');
const FENCE = '```';

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'ouro-evolve-prompts-')), 'ouro.db');

function hash(text: string): number {
  let value = 2166136261;
  for (let index = 0; index < text.length; index++) value = Math.imul(value ^ text.charCodeAt(index), 16777619);
  return value >>> 0;
}

/**
 * Replies that depend on the prompt alone, so that two runs asked the same prompts get the same
 * answers in any order. A meta-prompt gets its template back with a line in front, and every
 * fifth one without `{{format}}`, which the engine must discard; an operator's prompt gets one
 * nudged decimal of its parent.
 */
function respond(request: ScriptedRequest): { text: string } {
  const prompt = request.messages.map((message) => message.content).join('\n');
  const seed = hash(prompt);
  if (prompt.includes('<<<TEMPLATE')) {
    const template = prompt.slice(prompt.indexOf('<<<TEMPLATE\n') + 12, prompt.indexOf('\nTEMPLATE>>>'));
    const body = seed % 5 === 0 ? template.replace('{{format}}', '') : template;
    return { text: `Rationale: focus ${seed % 97}.\n<<<TEMPLATE\nFocus on idea ${seed % 97} first.\n\n${body}\nTEMPLATE>>>` };
  }
  const line = parentBlock(prompt).find((text) => /\d\.\d/.test(text));
  if (line === undefined) return { text: 'No number to change.' };
  const match = /\d+\.\d+/.exec(line) as RegExpExecArray;
  const factor = 1 + ((seed % 2001) - 1000) / 5000;
  const next = `${line.slice(0, match.index)}${(Number(match[0]) * factor).toFixed(4)}${line.slice(match.index + match[0].length)}`;
  return { text: `Rationale: nudge.\n\n${FENCE}\n<<<<<<< SEARCH\n${line}\n=======\n${next}\n>>>>>>> REPLACE\n${FENCE}\n` };
}

/** The lines of the first EVOLVE block of the code in a prompt (the parent's), not of its prose. */
function parentBlock(prompt: string): string[] {
  const lines = prompt.split('\n');
  const start = lines.findIndex((line) => line.trim() === '// EVOLVE-BLOCK-START');
  const end = lines.findIndex((line, index) => index > start && line.trim() === '// EVOLVE-BLOCK-END');
  return start === -1 || end === -1 ? [] : lines.slice(start + 1, end);
}

/** The tiny experiment with two LLM operators, priced so that rates per dollar mean something. */
function experiment(url: string, proposal = 'evolvePrompts: true, promptEvery: 3, maxTemplates: 3'): string {
  const model = `compat:${url}#scripted`;
  return writeTinyExperiment({
    config: `operators: ['llm-diff', 'llm-reflect', 'perturb-number'],
  lessons: { every: 0 },
  llm: { prices: { ${JSON.stringify(model)}: { input: 2, output: 8 } } },
  proposal: { ${proposal} },`,
  });
}

/** What must be the same between two runs: each commit and failure batch, with its template. */
function log(store: SqliteStore, runId: string): string[] {
  return [...store.replay(runId)].map((row) =>
    row.kind === 'candidate'
      ? `${row.candidate.seq} ${row.candidate.origin.operator} ${row.candidate.origin.template ?? '-'} ` +
        `${row.state.genomeHash} ${row.state.reward}`
      : `failed ${row.failures.count} ${row.failures.operator} ${row.failures.template ?? '-'} ${row.failures.costUsd ?? '-'}`,
  );
}

function templates(store: SqliteStore, runId: string): string[] {
  return store
    .promptTemplates(runId)
    .map((record) => [record.seq, record.id, record.parentId, record.origin, record.discarded, record.retired, record.text].join('|'));
}

describe('proposal.evolvePrompts', () => {
  it('varies, chooses and stores the templates, credits each child to its template, and ouro show --prompts lists them', async () => {
    server = await startScriptedLlmServer({ respond });
    const dir = experiment(server.compatBaseURL);
    const db = tempDb();
    const result = await evolve(dir, {
      db,
      seed: 4,
      concurrency: 1,
      budget: { evaluations: 40 },
      models: [`compat:${server.compatBaseURL}#scripted`],
    });
    expect(result.evaluations).toBe(40);
    const store = new SqliteStore(db, { readonly: true });
    let childrenOfTemplates = 0;
    try {
      const records = store.promptTemplates(result.runId);
      const ids = new Set(records.map((record) => record.id));
      expect(records.filter((record) => record.id.endsWith('.0')).map((record) => [record.id, record.origin])).toEqual([
        ['llm-diff.0', 'built-in'],
        ['llm-reflect.0', 'built-in'],
      ]);
      const kept = records.filter((record) => record.discarded === undefined);
      expect(new Set(kept.map((record) => record.origin))).toEqual(new Set(['built-in', 'model', 'prune-tokens']));
      expect(records.some((record) => record.discarded?.startsWith('it drops {{format}}'))).toBe(true);
      expect(records.some((record) => record.retired !== undefined)).toBe(true);
      for (const record of records.filter((record) => record.parentId !== undefined)) expect(ids.has(record.parentId as string)).toBe(true);

      // Each model variant is one meta-prompt call, booked under prompt-evolve with its id, and priced.
      const metaCalls = store.llmCalls(result.runId).filter((call) => call.operator === 'prompt-evolve');
      const byModel = records.filter((record) => record.origin === 'model');
      expect(metaCalls.map((call) => call.proposal)).toEqual(byModel.map((record) => `prompt:${record.id}`));
      for (const record of byModel) expect(record.costUsd).toBeGreaterThan(0);

      // LLM children carry the template that prompted them; embedded ones none.
      for (const row of store.replay(result.runId)) {
        if (row.kind === 'failures') {
          if (row.failures.template !== undefined) expect(row.failures.template.startsWith(`${row.failures.operator}.`)).toBe(true);
          continue;
        }
        const { operator, template } = row.candidate.origin;
        if (operator.startsWith('llm-')) {
          expect(template?.startsWith(`${operator}.`), row.candidate.id).toBe(true);
          expect(ids.has(template as string)).toBe(true);
          childrenOfTemplates++;
        } else {
          expect(template).toBeUndefined();
        }
      }
      expect(childrenOfTemplates).toBeGreaterThan(5);
    } finally {
      store.close();
    }

    const shown = spawnSync(process.execPath, [BIN, 'show', result.runId, '--prompts', '--db', db, '--json'], { encoding: 'utf8' });
    expect(shown.status, shown.stderr).toBe(0);
    const report = JSON.parse(shown.stdout) as {
      run: string;
      operators: Array<{ operator: string; templates: Array<Record<string, unknown>> }>;
    };
    expect(report.operators.map((entry) => entry.operator)).toEqual(['llm-diff', 'llm-reflect']);
    const rows = report.operators.flatMap((entry) => entry.templates);
    expect(rows.reduce((sum, row) => sum + (row.children as number), 0)).toBe(childrenOfTemplates);
    const used = rows.filter((row) => (row.children as number) > 0);
    for (const row of used) {
      expect(row.spendUsd as number).toBeGreaterThan(0);
      expect(row.beatRate).toBe((row.beats as number) / (row.children as number));
      expect(row.beatsPerDollar).toBeCloseTo((row.beats as number) / (row.spendUsd as number), 9);
      expect(typeof row.preview).toBe('string');
      expect(row).not.toHaveProperty('text');
    }
    expect(new Set(rows.map((row) => row.status))).toEqual(new Set(['member', 'retired', 'discarded']));

    const text = spawnSync(process.execPath, [BIN, 'show', result.runId, '--prompts', '--full', '--db', db], { encoding: 'utf8' });
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/llm-diff: \d+ templates, \d in use/);
    expect(text.stdout).toMatch(/template +from +made by +status +proposals +children +beats +beat rate +spend +beats\/\$ +mean reward/);
    expect(text.stdout).toContain('--- llm-reflect.0 (built-in; made after 0 evaluations)\n## The current version');
  });

  it('resumes with the same population, and a replay, stopped and resumed half-way, makes the same choices', async () => {
    server = await startScriptedLlmServer({ respond });
    const dir = experiment(server.compatBaseURL);
    const db = tempDb();
    const models = [`compat:${server.compatBaseURL}#scripted`];
    const uninterrupted = await evolve(dir, { db, seed: 6, concurrency: 1, budget: { evaluations: 36 }, models });
    const firstHalf = await evolve(dir, { db, seed: 6, concurrency: 1, budget: { evaluations: 15 }, models });
    const resumed = await resume(firstHalf.runId, { db, budget: { evaluations: 36 } });
    expect(resumed.evaluations).toBe(36);
    await server.close();
    server = undefined;

    // No server: every reply, the meta-prompts' included, comes from the recorded run.
    const replayed = await evolve(dir, { db, replay: uninterrupted.runId, budget: { evaluations: 17 } });
    const replayResumed = await resume(replayed.runId, { db, budget: { evaluations: 36 } });
    expect(replayResumed.evaluations).toBe(36);

    const store = new SqliteStore(db, { readonly: true });
    try {
      const reference = log(store, uninterrupted.runId);
      expect(store.promptTemplates(uninterrupted.runId).length).toBeGreaterThan(4);
      expect(reference.some((line) => / llm-(diff|reflect)\.[1-9]\d* /.test(line))).toBe(true);
      for (const runId of [firstHalf.runId, replayed.runId]) {
        expect(log(store, runId)).toEqual(reference);
        expect(templates(store, runId)).toEqual(templates(store, uninterrupted.runId));
      }
      const calls = (runId: string) => store.llmCalls(runId).map((call) => `${call.operator} ${call.costUsd}`);
      expect(calls(replayed.runId)).toEqual(calls(uninterrupted.runId));
    } finally {
      store.close();
    }
  });

  it.each([
    [
      "map-elites with islands, two proposals in flight, and a crossover's templates",
      "archive: { kind: 'map-elites', islands: 2 }",
      'concurrency: 2',
    ],
    ['a Pareto archive, each child the best of 2 proposals', "archive: { kind: 'pareto', scoreAsInstance: true }", 'bestOfN: 2'],
  ])('works with %s, beside the operator and model bandits', async (_name, archive, extra) => {
    server = await startScriptedLlmServer({ respond });
    const models = [`compat:${server.compatBaseURL}#first`, `compat:${server.compatBaseURL}#second`];
    const dir = writeTinyExperiment({
      config: `operators: ['llm-diff', 'llm-crossover', 'perturb-number'],
  ${archive},
  lessons: { every: 0 },
  proposal: { evolvePrompts: true, promptEvery: 2, maxTemplates: 4, ${extra} },`,
    });
    const db = tempDb();
    const result = await evolve(dir, { db, seed: 2, concurrency: 2, budget: { evaluations: 30 }, models });
    expect(result.evaluations).toBe(30);
    const store = new SqliteStore(db, { readonly: true });
    try {
      const records = store.promptTemplates(result.runId);
      expect(new Set(records.map((record) => record.operator))).toEqual(new Set(['llm-diff', 'llm-crossover']));
      expect(records.filter((record) => record.parentId !== undefined).length).toBeGreaterThanOrEqual(2);
      const children = [...store.replay(result.runId)].flatMap((row) =>
        row.kind === 'candidate' && row.candidate.origin.operator.startsWith('llm-') ? [row.candidate] : [],
      );
      expect(children.length).toBeGreaterThan(0);
      for (const child of children) expect(child.origin.template?.startsWith(`${child.origin.operator}.`)).toBe(true);
      // The model bandit still picks among both models; a variation asks the model of its proposal.
      const used = new Set(store.llmCalls(result.runId).map((call) => call.model));
      expect(used).toEqual(new Set(models));
      for (const call of store.llmCalls(result.runId).filter((call) => call.operator === 'prompt-evolve')) {
        expect(models).toContain(call.model);
      }
    } finally {
      store.close();
    }
  });

  it('off, changes nothing: a run with evolvePrompts false is the run without the field, with no template anywhere', async () => {
    server = await startScriptedLlmServer({ respond });
    const db = tempDb();
    const models = [`compat:${server.compatBaseURL}#scripted`];
    const without = await evolve(experiment(server.compatBaseURL, 'concurrency: 1'), {
      db,
      seed: 9,
      concurrency: 1,
      budget: { evaluations: 20 },
      models,
    });
    const off = await evolve(experiment(server.compatBaseURL, 'evolvePrompts: false, promptEvery: 2'), {
      db,
      seed: 9,
      concurrency: 1,
      budget: { evaluations: 20 },
      models,
    });
    const store = new SqliteStore(db, { readonly: true });
    try {
      expect(log(store, off.runId)).toEqual(log(store, without.runId));
      const prompts = (runId: string) => store.llmCalls(runId).map((call) => JSON.stringify(call.request));
      expect(prompts(off.runId)).toEqual(prompts(without.runId));
      expect(store.llmCalls(off.runId).some((call) => call.operator === 'prompt-evolve')).toBe(false);
      for (const runId of [without.runId, off.runId]) {
        expect(store.promptTemplates(runId)).toEqual([]);
        expect(log(store, runId).some((line) => / llm-(diff|reflect)\.\d/.test(line))).toBe(false);
      }
    } finally {
      store.close();
    }
  });
});
