/**
 * A scripted model for DGM runs of the real initial agent (agents/initial) in the sandbox, shared by
 * the replay and kill -9 tests: every self-edit changes the agent (so every child is kept), the
 * agents solve clamp-range and give up on the rest.
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChatMessage } from '../src/core/model.ts';
import type { ScriptStep } from '../src/testing/scripted-llm-server.ts';

export const ROOT = resolve(import.meta.dirname, '..');
const fence = '```';
const CLAMP = readFileSync(join(ROOT, 'benchmarks/coding/clamp-range/reference/solution.js'), 'utf8');

/** Two small-set tasks of the shipped benchmark (clamp-range, title-case), in a folder of their own. */
export function twoTaskBenchmark(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ouro-dgm-bench-'));
  for (const id of ['clamp-range', 'title-case']) cpSync(join(ROOT, 'benchmarks/coding', id), join(dir, id), { recursive: true });
  return dir;
}

/**
 * The model. A diagnosis names the unresolved task it was shown. The agent editing itself raises
 * its turn limit by prefixing a 1 (30, 130, 1130, ...), so a child of a child differs from both.
 * On a task it solves clamp-range and gives up on the rest; an agent's second turn is DONE.
 */
export function dgmResponder(messages: readonly ChatMessage[]): ScriptStep {
  const all = messages.map((message) => message.content).join('\n');
  if (messages[0]?.content.startsWith('You diagnose a coding agent')) {
    const task = /## Task ([a-z0-9-]+)/.exec(all)?.[1] ?? 'a task';
    return { text: `<problem>The agent gives up on ${task} too early. Let it take more turns.</problem>` };
  }
  if (messages.some((message) => message.role === 'assistant')) return { text: 'DONE' };
  if (all.includes('agent.mjs') && all.includes('tools.mjs')) {
    return { text: `${fence}bash\nsed -i -E 's/OURO_MAX_TURNS \\?\\? ([0-9]+)/OURO_MAX_TURNS ?? 1\\1/' agent.mjs\n${fence}\n` };
  }
  if (/clamp/i.test(all)) return { text: `${fence}edit create solution.js\n${CLAMP}${fence}\n` };
  return { text: 'DONE' };
}
