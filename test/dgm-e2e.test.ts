// The whole DGM loop with real parts: the initial agent (agents/initial) runs as `node agent.mjs`
// in bubblewrap with the model broker, the hidden tests grade it in the sandbox, and the scripted
// OpenAI-compatible server plays the model for the diagnosis, the self-edit and the tasks.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OuroError } from '../src/core/errors.ts';
import type { ChatMessage } from '../src/core/model.ts';
import { loadAgentDir } from '../src/agents/runtime/index.ts';
import { rebuildAgent } from '../src/agents/dgm/lineage.ts';
import { readRun, startDgm } from '../src/agents/dgm/start.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../src/testing/scripted-llm-server.ts';
import { probes, requireService } from './support/services.ts';

const ROOT = resolve(import.meta.dirname, '..');
const fence = '```';
const CLAMP = readFileSync(join(ROOT, 'benchmarks/coding/clamp-range/reference/solution.js'), 'utf8');

/** Two small-set tasks of the shipped benchmark, in a folder of their own. */
function twoTaskBenchmark(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ouro-dgm-bench-'));
  for (const id of ['clamp-range', 'title-case']) cpSync(join(ROOT, 'benchmarks/coding', id), join(dir, id), { recursive: true });
  return dir;
}

/**
 * The model: a diagnosis gets a problem statement; the agent editing itself lowers its turn limit;
 * on a task it solves clamp-range and gives up on the rest. An agent's second turn is DONE.
 */
function respond(messages: ChatMessage[]): ScriptStep {
  const all = messages.map((message) => message.content).join('\n');
  if (messages[0]?.content.startsWith('You diagnose a coding agent')) {
    return {
      text: '<problem>The agent gives up on title-case without reading the statement. Make it stop sooner so that it can retry.</problem>',
    };
  }
  if (messages.some((message) => message.role === 'assistant')) return { text: 'DONE' };
  if (all.includes('agent.mjs') && all.includes('tools.mjs')) {
    return {
      text:
        `${fence}edit replace agent.mjs\n<<<<<<< SEARCH\nconst MAX_TURNS = Number(process.env.OURO_MAX_TURNS ?? 30);\n=======\n` +
        `const MAX_TURNS = Number(process.env.OURO_MAX_TURNS ?? 12);\n>>>>>>> REPLACE\n${fence}\n`,
    };
  }
  if (/clamp/i.test(all)) return { text: `${fence}edit create solution.js\n${CLAMP}${fence}\n` };
  return { text: 'DONE' };
}

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
describe.skipIf(bubblewrap.missing)(bubblewrap.title('the DGM loop end to end'), () => {
  it('diagnoses, lets the sandboxed parent edit itself into a child, evaluates it in stages and rebuilds it from its patch', async () => {
    server = await startScriptedLlmServer({ respond: (request) => respond(request.messages) });
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-dgm-e2e-')), 'ouro.db');
    const initial = loadAgentDir(join(ROOT, 'agents/initial'));
    const result = await startDgm({
      agentDir: join(ROOT, 'agents/initial'),
      bench: twoTaskBenchmark(),
      models: [`compat:${server.compatBaseURL}#scripted`],
      db,
      seed: 1,
      budget: { children: 1 },
      thresholds: { medium: 0.9 },
      taskTimeoutMs: 20_000,
    });
    expect(result.stopReason).toBe('children');

    const { agents } = readRun(db, result.runId);
    expect(agents.map((agent) => agent.seq)).toEqual([0, 1]);
    const [root, child] = agents as [(typeof agents)[0], (typeof agents)[0]];
    // The initial agent solved clamp-range in the sandbox and failed title-case.
    expect(Object.fromEntries(root.results.map((task) => [task.taskId, task.status]))).toEqual({
      'clamp-range': 'resolved',
      'title-case': 'unresolved',
    });
    // Diagnosis: the unresolved task's record reached the diagnosis prompt.
    const diagnosis = server.requests.find((request) => request.messages[0]?.content.startsWith('You diagnose a coding agent'));
    expect(diagnosis?.messages.map((message) => message.content).join('\n')).toContain('title-case');
    expect(child.diagnosis?.problem).toMatch(/gives up on title-case/);
    // Self-modification: the parent, run on its own code, made the child.
    expect(child.parentId).toBe(root.id);
    expect(child.kept).toBe(true);
    expect(child.diff).toContain('+const MAX_TURNS = Number(process.env.OURO_MAX_TURNS ?? 12);');
    // Staged evaluation: 1 of 2 on the small set is below the 0.9 threshold, so medium was never run.
    expect(Object.keys(child.scores)).toEqual(['small']);
    expect(child.scores.small).toBe(0.5);
    // The lineage rebuilds the child from the initial agent, bit for bit.
    const rebuilt = rebuildAgent(initial, [{ diff: child.diff, hash: child.hash, ...(child.code ? { code: child.code } : {}) }]);
    expect(rebuilt['agent.mjs']).toBe(initial['agent.mjs']?.replace('?? 30);', '?? 12);'));
    expect(child.metrics.tokens).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a benchmark whose reference solution fails, naming the task, before any agent runs', async () => {
    server = await startScriptedLlmServer({ respond: (request) => respond(request.messages) });
    const bench = twoTaskBenchmark();
    writeFileSync(join(bench, 'title-case', 'reference', 'solution.js'), 'export function titleCase() { return 42; }\n');
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-dgm-bad-')), 'ouro.db');
    const error = await startDgm({
      agentDir: join(ROOT, 'agents/initial'),
      bench,
      models: [`compat:${server.compatBaseURL}#scripted`],
      db,
      seed: 1,
      budget: { children: 1 },
    }).catch((caught: unknown) => caught);
    expect((error as OuroError).code).toBe('config-invalid');
    expect((error as OuroError).message).toMatch(/task "title-case": its reference solution does not pass its tests/);
    expect(server.requests).toEqual([]);
  }, 60_000);
});
