/**
 * Test doubles for the DGM loop tests. The real agent runtime (agents/runtime, a sandboxed
 * `node agent.mjs` with a model broker) is slow and needs a model's judgement, so `SkillRunner`
 * stands in for it IN TESTS ONLY, where a loop test needs agents that behave predictably;
 * test/dgm-e2e.test.ts runs the loop with the real sandboxed runner.
 *
 * SkillRunner reads the agent's code for real: an agent "knows" the tasks listed in the
 * `const SKILLS = [...]` line of its agent.mjs and writes the reference solution for those, a
 * wrong attempt for the others. When it edits its own code it follows the problem statement:
 * `ADD SKILL <task>` rewrites the SKILLS line, `BREAK` appends a syntax error, `NOTHING` leaves
 * the code alone and `ESCAPE` also reports a sandbox violation. The tasks are graded by the real
 * `gradeTask` in bubblewrap.
 */
import { resolve } from 'node:path';
import type { AgentGenome, AgentRunner, AgentRunRequest, AgentRunResult } from '../src/agents/agent.ts';
import type { LlmConfig } from '../src/core/experiment.ts';
import type { ModelHandle } from '../src/core/model.ts';
import { createModel, resolveModel } from '../src/llm/index.ts';
import { loadBenchmark, type Benchmark } from '../src/agents/coding-bench/tasks.ts';
import type { ScriptedLlmServer, ScriptedRequest, ScriptStep } from '../src/testing/scripted-llm-server.ts';

export const RUN_TOKENS = 100;
export const RUN_COST = 0.001;

/** Four real tasks of the shipped benchmark in nested sets: small 2, medium 3, full 4. */
export function testBenchmark(): Benchmark {
  const shipped = loadBenchmark(resolve(import.meta.dirname, '../benchmarks/coding'));
  const ids = ['clamp-range', 'title-case', 'digital-root', 'caesar-shift'];
  const tasks = ids.map((id) => shipped.tasks.find((task) => task.id === id)!);
  return { dir: shipped.dir, tasks, sets: { small: ids.slice(0, 2), medium: ids.slice(0, 3), full: ids } };
}

export function initialAgent(skills: string[] = ['clamp-range']): AgentGenome {
  return {
    'agent.mjs':
      `// A deliberately weak agent.\nconst SKILLS = ${JSON.stringify(skills)};\n\nexport async function solve(task) {\n` +
      `  return SKILLS.includes(task.id);\n}\n`,
    'README.md': 'The initial agent.\n',
  };
}

export function skillsOf(agent: AgentGenome): string[] {
  const match = /const SKILLS = (\[.*\]);/.exec(agent['agent.mjs'] ?? '');
  return match ? JSON.parse(match[1] as string) : [];
}

export interface SkillRunner extends AgentRunner {
  selfEdits: AgentRunRequest[];
  taskRuns: number;
  /** Called before each self-edit with its number (1-based); a test may abort there. */
  beforeSelfEdit?: (count: number) => void;
}

export function skillRunner(benchmark: Benchmark): SkillRunner {
  const runner: SkillRunner = {
    selfEdits: [],
    taskRuns: 0,
    async run(request: AgentRunRequest): Promise<AgentRunResult> {
      const result = {
        status: 'done' as const,
        violations: [] as string[],
        durationMs: 1,
        calls: 1,
        tokens: RUN_TOKENS,
        costUsd: RUN_COST,
      };
      if (request.workspace['agent.mjs'] !== undefined) {
        runner.selfEdits.push(request);
        runner.beforeSelfEdit?.(runner.selfEdits.length);
        return { ...result, ...selfEdit(request) };
      }
      runner.taskRuns++;
      const task = benchmark.tasks.find((candidate) => candidate.statement === request.workspace['STATEMENT.md']);
      if (!task)
        return { ...result, status: 'error', workspace: request.workspace, log: 'agent: no task statement', reason: 'unknown task' };
      const known = skillsOf(request.agent).includes(task.id);
      const attempt = known ? (task.reference[task.entry] as string) : `${task.stub[task.entry] as string}\n// tried\n`;
      return {
        ...result,
        workspace: { ...request.workspace, [task.entry]: attempt },
        log: `agent: task ${task.id}: ${known ? 'solved from skill' : `no skill for ${task.id}`}`,
      };
    },
    async close() {},
  };
  return runner;
}

function selfEdit(request: AgentRunRequest): Pick<AgentRunResult, 'workspace' | 'log' | 'violations'> {
  const code = { ...request.workspace };
  const problem = request.problem;
  const add = /ADD SKILL ([a-z0-9-]+)/.exec(problem);
  if (add) {
    const skills = [...new Set([...skillsOf(code), add[1] as string])];
    code['agent.mjs'] = (code['agent.mjs'] as string).replace(/const SKILLS = \[.*\];/, `const SKILLS = ${JSON.stringify(skills)};`);
  }
  if (problem.includes('BREAK')) code['agent.mjs'] += '\nexport const broken = (;\n';
  const violations = problem.includes('ESCAPE') ? ['network: connect to 1.1.1.1:443 refused'] : [];
  return { workspace: code, log: `agent: self-edit for: ${problem}`, violations };
}

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 512, prices: {} };

/** A real model handle (createModel) on the scripted OpenAI-compatible server. */
export function scriptedModel(server: ScriptedLlmServer): ModelHandle {
  return createModel(
    resolveModel({ id: `compat:${server.compatBaseURL}#scripted`, apiKeyEnv: 'OURO_TEST_DGM_KEY' }, LLM, { OURO_TEST_DGM_KEY: 'sk-test' }),
  );
}

/** Replies `ADD SKILL <task>` for the task the diagnosis prompt shows: a deterministic diagnosis. */
export function addSkillReply(request: ScriptedRequest): ScriptStep {
  const prompt = request.messages.map((message) => message.content).join('\n');
  const task = /## Task ([a-z0-9-]+)/.exec(prompt)?.[1] ?? 'none';
  return { text: `The agent lacks a skill.\n<problem>ADD SKILL ${task}</problem>` };
}
