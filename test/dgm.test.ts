import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.ts';
import { gradeTask } from '../src/agents/coding-bench/grade.ts';
import { archiveOf, lineageOf, rebuildAgent, rebuildAll, runDgm, type DgmEvent } from '../src/agents/dgm/index.ts';
import { evaluateStaged, type StagedEvaluationContext } from '../src/agents/dgm/evaluate.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../src/testing/scripted-llm-server.ts';
import { addSkillReply, initialAgent, scriptedModel, skillRunner, skillsOf, testBenchmark } from './dgm-fixtures.ts';
import { probes, requireService } from './support/services.ts';
import { DGM_TABLES } from '../src/agents/dgm/store-sqlite.ts';

const benchmark = testBenchmark();
let server: ScriptedLlmServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function model(script: ScriptStep[] = []) {
  server = await startScriptedLlmServer({ script, respond: addSkillReply });
  return scriptedModel(server);
}

const dbFile = () => join(mkdtempSync(join(tmpdir(), 'ouro-dgm-')), 'ouro.db');

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
describe.skipIf(bubblewrap.missing)(bubblewrap.title('the DGM loop on real tasks graded in the sandbox'), () => {
  it('diagnoses an unresolved task, lets the parent edit itself into a child, and rebuilds the lineage bit for bit', async () => {
    const db = dbFile();
    const runner = skillRunner(benchmark);
    const events: DgmEvent[] = [];
    const result = await runDgm({
      db,
      agent: initialAgent(),
      benchmark,
      runner,
      model: await model(),
      seed: 7,
      budget: { children: 2 },
      thresholds: { medium: 0.5 },
      onEvent: (event) => events.push(event),
    });
    expect(result.stopReason).toBe('children');
    const [initial, first, second] = result.agents;
    expect(result.agents.map((agent) => agent.seq)).toEqual([0, 1, 2]);
    // The initial agent knows clamp-range only: 1 of 2 small tasks, so it goes on to medium (1/3) and full (1/4).
    expect(initial!.scores).toEqual({ small: 0.5, medium: 1 / 3, full: 0.25 });
    expect(initial!.results.find((task) => task.taskId === 'title-case')).toMatchObject({ status: 'unresolved', changed: [true] });

    // Diagnosis: an unresolved task of the parent, with its run log and test output in the prompt.
    expect(first!.parentId).toBe(initial!.id);
    expect(first!.diagnosis?.kind).toBe('unresolved-task');
    const diagnosed = first!.diagnosis!.taskId!;
    expect(['title-case', 'digital-root', 'caesar-shift']).toContain(diagnosed);
    const prompt = server!.requests[0]!.messages.map((message) => message.content).join('\n');
    expect(prompt).toContain(`agent: task ${diagnosed}: no skill for ${diagnosed}`);
    expect(prompt).toContain(initial!.results.find((task) => task.taskId === diagnosed)!.output.split('\n')[0]);
    expect(prompt).toMatch(/FAIL /);
    expect(prompt).toContain('const SKILLS = ["clamp-range"];');
    expect(first!.diagnosis!.problem).toBe(`ADD SKILL ${diagnosed}`);

    // Self-modification: the parent ran on its own code with the problem statement; its edit is the child.
    expect(runner.selfEdits[0]!.agent).toEqual(initialAgent());
    expect(runner.selfEdits[0]!.workspace).toEqual(initialAgent());
    expect(runner.selfEdits[0]!.problem).toBe(`ADD SKILL ${diagnosed}`);
    const genomes = rebuildAll(initialAgent(), result.agents);
    expect(skillsOf(genomes.get(first!.id)!)).toEqual(['clamp-range', diagnosed]);
    expect(first!.diff).toContain(`+const SKILLS = ["clamp-range","${diagnosed}"];`);
    expect(first!.kept).toBe(true);
    expect(first!.score).toBe(0.5);
    expect(first!.metrics.tokens).toBeGreaterThan(0);
    expect(first!.metrics.diagnosis.tokens).toBeGreaterThan(0);
    expect(first!.metrics.selfModification.tokens).toBe(100);

    // Parent selection follows the DGM weights: the archive rebuilt from the first two agents, with
    // the RNG state the loop had, draws exactly the parent the loop chose.
    const [expected] = archiveOf(result.agents.slice(0, 2), 10).selectParents(new Rng(first!.rngState), 1);
    expect(second!.parentId).toBe(expected!.id);

    // The lineage, read back from a fresh connection, rebuilds every agent bit for bit.
    const store = new SqliteStore(db, { readonly: true });
    const stored = store.tables(DGM_TABLES)!.agents(result.runId);
    store.close();
    expect(stored).toEqual(result.agents);
    for (const agent of stored) {
      const chain = lineageOf(stored, agent.id);
      expect(chain[0]!.seq).toBe(0);
      expect(rebuildAgent(initialAgent(), chain.slice(1))).toEqual(genomes.get(agent.id));
    }
    expect(events.filter((event) => event.type === 'agent-recorded')).toHaveLength(3);
    expect(events.at(-1)).toEqual({ type: 'run-finished', runId: result.runId, stopReason: 'children' });
  }, 30_000);

  it('stops at the small set below the threshold, and goes to medium and full only above it', async () => {
    const staged = (thresholds: { medium: number; full: 'beats-runner-up' | number }): StagedEvaluationContext => ({
      benchmark,
      runner: skillRunner(benchmark),
      grade: (task, files) => gradeTask(task, files),
      thresholds,
      taskTimeoutMs: 5_000,
      repeats: 1,
      concurrency: 2,
      stopBefore: () => null,
      onSpend: () => {},
    });
    const weak = initialAgent(['clamp-range']);
    const strong = initialAgent(['clamp-range', 'title-case']);
    const below = await evaluateStaged(staged({ medium: 0.6, full: 'beats-runner-up' }), weak, undefined);
    expect(below.scores).toEqual({ small: 0.5 });
    expect(below.score).toBe(0.5);
    expect(below.results.map((task) => task.taskId)).toEqual(['clamp-range', 'title-case']);
    // Above the medium threshold, but 2/3 on medium does not beat a runner-up at 0.9.
    const notBeating = await evaluateStaged(staged({ medium: 0.6, full: 'beats-runner-up' }), strong, 0.9);
    expect(notBeating.scores).toEqual({ small: 1, medium: 2 / 3 });
    const beating = await evaluateStaged(staged({ medium: 0.6, full: 'beats-runner-up' }), strong, 0.5);
    expect(beating.scores).toEqual({ small: 1, medium: 2 / 3, full: 0.5 });
    expect(beating.score).toBe(0.5);
    const fixed = await evaluateStaged(staged({ medium: 0.6, full: 0.7 }), strong, undefined);
    expect(Object.keys(fixed.scores)).toEqual(['small', 'medium']);
  }, 30_000);

  it('keeps children that compile and change something, records the others with the reason, and flags escapes', async () => {
    const result = await runDgm({
      db: dbFile(),
      agent: initialAgent(),
      benchmark,
      runner: skillRunner(benchmark),
      seed: 3,
      budget: { children: 4 },
      thresholds: { medium: 1 },
      model: await model([
        { text: '<problem>BREAK the parser</problem>' },
        { text: '<problem>NOTHING to do</problem>' },
        { text: '   ' },
        { text: '<problem>ESCAPE and ADD SKILL title-case</problem>' },
      ]),
    });
    const [, broken, nothing, silent, escaped] = result.agents;
    expect(broken).toMatchObject({ kept: false, score: null, results: [] });
    expect(broken!.discardReason).toMatch(/agent\.mjs does not parse/);
    expect(broken!.diff).toContain('+export const broken = (;');
    expect(nothing).toMatchObject({ kept: false, diff: '' });
    expect(nothing!.discardReason).toMatch(/empty change/);
    expect(silent).toMatchObject({ kept: false, discardReason: 'the diagnosis gave no problem statement' });
    expect(escaped).toMatchObject({ kept: true, flags: ['sandbox-violation'], violations: ['network: connect to 1.1.1.1:443 refused'] });
    expect(escaped!.metrics.violations).toBe(1);
    // Small 2/2 reaches the medium threshold of 1; with one archived agent there is no runner-up to beat.
    expect(escaped!.scores).toEqual({ small: 1, medium: 2 / 3, full: 0.5 });
    // Only kept agents enter the archive, and only they count as children of their parent.
    expect(archiveOf(result.agents, 10).size()).toBe(2);
    expect(archiveOf(result.agents, 10).childCount(result.agents[0]!.id)).toBe(1);
  }, 30_000);
});
