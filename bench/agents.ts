// The DGM's and STOP's own overhead on scripted model replies: per DGM child, the wall time of the
// diagnosis, the self-modification (a sandboxed agent run) and the evaluation (sandboxed agent
// runs and hidden-test grading per task), with the tokens the scripted server reports; STOP's time
// per round. Also measures the prompt sizes a real-model token estimate is derived from.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AgentRunner } from '../src/agents/agent.ts';
import type { ChatMessage, ModelHandle } from '../src/core/model.ts';
import { runDgm } from '../src/agents/dgm/index.ts';
import { SEED_IMPROVER_FILE } from '../src/agents/stop/loop.ts';
import { startStop } from '../src/agents/stop/start.ts';
import { createAgentRunner, loadAgentDir } from '../src/agents/runtime/index.ts';
import { gradeTask } from '../src/agents/coding-bench/grade.ts';
import { loadBenchmark, tasksOf, workspaceOf } from '../src/agents/coding-bench/tasks.ts';
import { createModel, resolveModel } from '../src/llm/index.ts';
import { startScriptedLlmServer, type ScriptStep } from '../src/testing/scripted-llm-server.ts';

const ROOT = resolve(import.meta.dirname, '..');
const fence = '```';
const LLM = { timeoutMs: 30_000, attempts: 1, maxOutputTokens: 4096, prices: {} };

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length === 0
    ? Number.NaN
    : sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** One child's time and tokens, by phase. */
export interface ChildFigures {
  seq: number;
  diagnosisMs: number;
  selfModifyMs: number;
  evaluationMs: number;
  /** Per task: the sandboxed agent run, and the grading of its workspace by the hidden tests. */
  taskRunMs: number;
  gradeMs: number;
  totalMs: number;
  tokens: { diagnosis: number; selfModification: number; evaluation: number; total: number };
}

export interface DgmFigures {
  tasks: string[];
  children: ChildFigures[];
  /** Model calls per task run (scripted: two turns). */
  callsPerTask: number;
  prompts: PromptSizes;
}

/** Characters of what a real model would be sent, measured on the shipped benchmark and agent. */
export interface PromptSizes {
  /** The initial agent's system prompt. */
  system: number;
  /** The initial agent's own files (what it reads when it edits itself). */
  agentCode: number;
  /** The diagnosis prompts of this run, median. */
  diagnosis: number;
  /** A diagnosis' problem statement, median. */
  problem: number;
  /** Per set of benchmarks/coding: tasks, and the mean statement plus stub files of a task. */
  sets: Record<string, { tasks: number; meanTaskChars: number }>;
}

/** The scripted model: diagnoses name a task, self-edits raise the turn limit, tasks take two turns (look, then DONE or a solution). */
function respond(messages: readonly ChatMessage[], clamp: string): ScriptStep {
  const all = messages.map((message) => message.content).join('\n');
  if (messages[0]?.content.startsWith('You diagnose a coding agent')) {
    const task = /## Task ([a-z0-9-]+)/.exec(all)?.[1] ?? 'a task';
    return { text: `<problem>The agent gives up on ${task} too early. Let it take more turns.</problem>` };
  }
  if (messages.some((message) => message.role === 'assistant')) {
    return /clamp/i.test(all) ? { text: `${fence}edit create solution.js\n${clamp}${fence}\nDONE` } : { text: 'DONE' };
  }
  if (all.includes('agent.mjs') && all.includes('tools.mjs')) {
    return { text: `${fence}bash\nsed -i -E 's/OURO_MAX_TURNS \\?\\? ([0-9]+)/OURO_MAX_TURNS ?? 1\\1/' agent.mjs\n${fence}\n` };
  }
  return { text: `${fence}edit view solution.js\n${fence}\n` };
}

/**
 * Runs the DGM loop for `children` children with the real sandboxed initial agent on the shipped
 * benchmark's small set, against the scripted server, and times each child's phases.
 */
export async function measureDgm(children: number): Promise<DgmFigures> {
  const shipped = loadBenchmark(join(ROOT, 'benchmarks/coding'));
  const small = tasksOf(shipped, 'small').map((task) => task.id);
  const benchDir = mkdtempSync(join(tmpdir(), 'ouro-bench-agents-'));
  for (const id of small) cpSync(join(ROOT, 'benchmarks/coding', id), join(benchDir, id), { recursive: true });
  const benchmark = loadBenchmark(benchDir);
  const clamp = readFileSync(join(ROOT, 'benchmarks/coding/clamp-range/reference/solution.js'), 'utf8');
  const server = await startScriptedLlmServer({ respond: (request) => respond(request.messages, clamp) });
  const model: ModelHandle = createModel(resolveModel({ id: `compat:${server.compatBaseURL}#scripted` }, LLM));
  const inner = createAgentRunner({ models: new Map([[model.id, model]]), defaultModel: model.id });
  // The split of each child's evaluation into agent runs and grading, counted as they happen.
  let phase: 'diagnosis' | 'self' | 'evaluation' = 'evaluation';
  let current = { taskRunMs: 0, gradeMs: 0, tasks: 0 };
  const runner: AgentRunner = {
    async run(request) {
      const started = performance.now();
      try {
        return await inner.run(request);
      } finally {
        if (phase === 'evaluation') {
          current.taskRunMs += performance.now() - started;
          current.tasks += 1;
        }
      }
    },
    close: () => inner.close(),
  };
  const figures: ChildFigures[] = [];
  const problems: number[] = [];
  const db = join(benchDir, 'ouro.db');
  try {
    await runDgm({
      db,
      agent: loadAgentDir(join(ROOT, 'agents/initial')),
      agentDir: 'agents/initial',
      benchmark,
      runner,
      model,
      seed: 1,
      budget: { children },
      taskTimeoutMs: 30_000,
      grade: async (task, files) => {
        const started = performance.now();
        try {
          return await gradeTask(task, files);
        } finally {
          current.gradeMs += performance.now() - started;
        }
      },
      onEvent: (event) => {
        if (event.type === 'parent-selected') {
          phase = 'diagnosis';
          current = { taskRunMs: 0, gradeMs: 0, tasks: 0 };
        }
        if (event.type === 'diagnosis-finished') phase = 'self';
        if (event.type === 'child-proposed') phase = 'evaluation';
        if (event.type === 'agent-recorded') {
          const { metrics, seq } = event.agent;
          if (event.agent.diagnosis?.problem) problems.push(event.agent.diagnosis.problem.length);
          if (seq > 0) {
            figures.push({
              seq,
              diagnosisMs: metrics.diagnosis.wallMs,
              selfModifyMs: metrics.selfModification.wallMs,
              evaluationMs: metrics.evaluation.wallMs,
              taskRunMs: current.tasks === 0 ? 0 : current.taskRunMs / current.tasks,
              gradeMs: current.tasks === 0 ? 0 : current.gradeMs / current.tasks,
              totalMs: metrics.wallMs,
              tokens: {
                diagnosis: metrics.diagnosis.tokens,
                selfModification: metrics.selfModification.tokens,
                evaluation: metrics.evaluation.tokens,
                total: metrics.tokens,
              },
            });
          }
          current = { taskRunMs: 0, gradeMs: 0, tasks: 0 };
          phase = 'evaluation';
        }
      },
    });
  } finally {
    await runner.close();
    await server.close();
  }

  const diagnoses = server.requests.filter((request) => request.messages[0]?.content.startsWith('You diagnose a coding agent'));
  const agentCalls = server.requests.filter(
    (request) => request.messages[0]?.role === 'system' && !request.messages[0].content.startsWith('You diagnose'),
  );
  // A self-edit's first user message lists the agent's own files; a task's lists the task's.
  const taskCalls = agentCalls.filter((request) => !request.messages[1]?.content.includes('tools.mjs'));
  const taskRuns = taskCalls.filter((request) => request.messages.length === 2).length;
  const chars = (messages: readonly ChatMessage[]) => messages.reduce((sum, message) => sum + message.content.length, 0);
  const agent = loadAgentDir(join(ROOT, 'agents/initial'));
  const sets: PromptSizes['sets'] = {};
  for (const set of ['small', 'medium', 'full']) {
    const tasks = tasksOf(shipped, set);
    sets[set] = {
      tasks: tasks.length,
      meanTaskChars:
        tasks.reduce((sum, task) => sum + Object.values(workspaceOf(task)).reduce((n, text) => n + text.length, 0), 0) / tasks.length,
    };
  }
  rmSync(benchDir, { recursive: true, force: true });
  return {
    tasks: small,
    children: figures,
    callsPerTask: taskRuns === 0 ? 0 : taskCalls.length / taskRuns,
    prompts: {
      system: agentCalls[0]?.messages[0]?.content.length ?? 0,
      agentCode: Object.values(agent).reduce((sum, text) => sum + text.length, 0),
      diagnosis: median(diagnoses.map((request) => chars(request.messages))),
      problem: median(problems),
      sets,
    },
  };
}

export interface StopFigures {
  rounds: Array<{ round: number; wallMs: number; llmCalls: number; tokens: number }>;
  tasks: number;
}

/** STOP with scripted replies: every self-application returns a new (equivalent) improver, so each round evaluates one. */
export async function measureStop(rounds: number): Promise<StopFigures> {
  const seed = readFileSync(SEED_IMPROVER_FILE, 'utf8');
  let made = 0;
  const server = await startScriptedLlmServer({
    respond: (request) => {
      const prompt = request.messages.map((message) => message.content).join('\n');
      if (prompt.includes('function improve(')) return { text: `${fence}javascript\n${seed}\n// variant ${++made}\n${fence}\n` };
      return { text: 'I have no better idea.' };
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'ouro-bench-stop-'));
  try {
    // The path of `ouro agents stop`: every round and model call is recorded in a SQLite file.
    const { report } = await startStop({
      db: join(dir, 'ouro.db'),
      model: `compat:${server.compatBaseURL}#scripted`,
      seedImprover: seed,
      rounds,
      budget: {},
      llm: LLM,
    });
    return {
      rounds: report.rounds.map((round) => ({
        round: round.round,
        wallMs: round.wallMs,
        llmCalls: round.spend.llmCalls,
        tokens: round.spend.tokens,
      })),
      tasks: report.rounds[0]?.tasks.length ?? 0,
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
