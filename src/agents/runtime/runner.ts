/**
 * The agent runtime: runs an agent genome (`node agent.mjs`) on a workspace in the process-tier
 * sandbox, with a model broker of its own bound in, and reads the workspace back.
 *
 * Inside the sandbox's scratch folder:
 *   agent/              the agent's files (it runs as `node agent/agent.mjs`)
 *   work/               the workspace, the agent's working directory (OURO_WORKSPACE)
 *   .ouro-agent/        the launcher and problem.md (OURO_PROBLEM_FILE)
 *   package.json        { "type": "module" }, so that the workspace's .js files are ES modules
 *
 * Violations are read from the sandbox's private network namespace (its kernel counters change
 * only through the agent): connections to outside addresses, refused connections to local ports
 * (host services), and unanswered datagrams (DNS lookups). A launcher that never reports (killed
 * by the agent) is one too. Reads outside the workspace and writes to read-only folders fail
 * without a trace the host can see, so they are prevented, not detected.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentRunner, AgentRunRequest, AgentRunResult, AgentRunStatus } from '../agent.ts';
import { OuroError } from '../../core/errors.ts';
import type { ModelHandle } from '../../core/model.ts';
import type { ProcessRunResult } from '../../core/sandbox.ts';
import { startModelBroker } from '../../sandbox/broker.ts';
import { runSandboxed } from '../../sandbox/process.ts';
import { extractReport, networkViolations, safeRelativeName, type LauncherReport } from './launcher-report.ts';
import { checkAgentGenome } from './load-agent.ts';
import { meteredModels, RunMeter } from './metered-models.ts';

export interface AgentRunnerOptions {
  /** The models the agent may call through the broker, by id. */
  models: ReadonlyMap<string, ModelHandle>;
  /** The model a request without `model` gets. */
  defaultModel: string;
  /** Run without bubblewrap where it is missing (`--unsafe`); network attempts then go undetected. */
  unsafe?: boolean;
  /** Data-segment cap per process in the sandbox. */
  memoryMb?: number;
  /** Bytes of the agent's output kept (its first quarter and its last three quarters). */
  maxLogBytes?: number;
  /** Workspace files larger than this are not read back. */
  maxFileBytes?: number;
  /** The workspace read back stops at this many bytes. */
  maxWorkspaceBytes?: number;
  /** How long an agent refused for a spent budget may go on to finish before it is stopped. */
  budgetGraceMs?: number;
  /** The operator the ledger books the agent's calls under. */
  operator?: string;
  /** Folder for the runs' scratch folders and broker sockets; the system's temporary folder by default. */
  scratchParent?: string;
}

interface RunnerDefaults {
  memoryMb: number;
  maxLogBytes: number;
  maxFileBytes: number;
  maxWorkspaceBytes: number;
  budgetGraceMs: number;
  operator: string;
  /** Processes and threads the sandbox may hold: the launcher, the agent and its tools' children. */
  maxProcesses: number;
  /** Time the launcher gets past the run's limit to stop the agent and report. */
  reportGraceMs: number;
}

export const AGENT_RUNNER_DEFAULTS: Readonly<RunnerDefaults> = {
  memoryMb: 1024,
  maxLogBytes: 64 * 1024,
  maxFileBytes: 256 * 1024,
  maxWorkspaceBytes: 4 * 1024 * 1024,
  budgetGraceMs: 3_000,
  operator: 'agent',
  maxProcesses: 128,
  reportGraceMs: 5_000,
};

const LAUNCHER = readFileSync(new URL('./launch.mjs', import.meta.url), 'utf8');
const ERROR_TAIL = 2_000;

/**
 * An `AgentRunner` on the process-tier sandbox. Each run gets a fresh scratch folder and its own
 * model broker, so that its calls, tokens and cost, and a spent budget, are counted on the host.
 *
 * @example
 * const runner = createAgentRunner({ models: new Map([[model.id, model]]), defaultModel: model.id });
 * const result = await runner.run({
 *   agent: loadAgentDir('agents/initial'),
 *   workspace: workspaceOf(task),
 *   problem: task.statement,
 *   timeoutMs: 60_000,
 * });
 * await runner.close();
 */
export function createAgentRunner(options: AgentRunnerOptions): AgentRunner {
  const settings = { ...AGENT_RUNNER_DEFAULTS, ...options };
  const running = new Set<{ stop: () => void; done: Promise<unknown> }>();
  let closed = false;

  return {
    async run(request) {
      if (closed) throw new OuroError('option-invalid', 'this agent runner is closed');
      checkRequest(request);
      const controller = new AbortController();
      const entry = { stop: () => controller.abort(), done: Promise.resolve() as Promise<unknown> };
      const done = runOnce(request, settings, controller.signal);
      entry.done = done.catch(() => {});
      running.add(entry);
      try {
        return await done;
      } finally {
        running.delete(entry);
      }
    },
    async close() {
      closed = true;
      for (const entry of running) entry.stop();
      await Promise.all([...running].map((entry) => entry.done));
    },
  };
}

type Settings = RunnerDefaults & AgentRunnerOptions;

function checkRequest(request: AgentRunRequest): void {
  checkAgentGenome(request.agent, 'agent');
  for (const [kind, files] of [
    ['agent', request.agent],
    ['workspace', request.workspace],
  ] as const) {
    const bad = Object.keys(files).find((name) => !safeRelativeName(name));
    if (bad !== undefined)
      throw new OuroError(
        'option-invalid',
        `${kind}: file name ${JSON.stringify(bad)} must be a relative path without "..", "." or empty parts`,
        { field: kind },
      );
  }
  if (!(Number.isFinite(request.timeoutMs) && request.timeoutMs > 0)) {
    throw new OuroError('option-invalid', `timeoutMs: must be a positive number of milliseconds (got ${request.timeoutMs})`, {
      field: 'timeoutMs',
    });
  }
}

async function runOnce(request: AgentRunRequest, settings: Settings, closing: AbortSignal): Promise<AgentRunResult> {
  const started = performance.now();
  const base = { workspace: request.workspace, violations: [] as string[], calls: 0, tokens: 0, costUsd: 0 };
  if (request.signal?.aborted || closing.aborted) {
    return { ...base, status: 'error', log: '', reason: 'aborted before the agent started', durationMs: 0 };
  }
  const runDir = await mkdtemp(join(settings.scratchParent ?? tmpdir(), 'ouro-agent-'));
  // Traversable by others: the sandbox's uid may differ from ours and must reach the broker socket.
  await chmod(runDir, 0o711);
  const sandboxParent = join(runDir, 'sandbox');
  await mkdir(sandboxParent, { mode: 0o711 });
  const stopper = new Stopper(sandboxParent);
  const meter = new RunMeter(() => stopper.stopAfter(settings.budgetGraceMs));
  let aborted = false;
  const abort = (): void => {
    aborted = true;
    stopper.stopAfter(0);
  };
  request.signal?.addEventListener('abort', abort, { once: true });
  closing.addEventListener('abort', abort, { once: true });
  const broker = await startModelBroker({
    socketPath: join(runDir, 'broker', 'model.sock'),
    models: meteredModels(settings.models, meter),
    defaultModel: settings.defaultModel,
    operator: settings.operator,
  }).catch(async (error: unknown) => {
    await rm(runDir, { recursive: true, force: true });
    throw error;
  });
  try {
    const key = randomBytes(24).toString('hex');
    const run = await runSandboxed({
      command: ['node', '.ouro-agent/launch.mjs'],
      files: scratchFiles(request),
      stdin: JSON.stringify({
        key,
        timeoutMs: request.timeoutMs,
        maxLogBytes: settings.maxLogBytes,
        maxFileBytes: settings.maxFileBytes,
        maxWorkspaceBytes: settings.maxWorkspaceBytes,
      }),
      timeoutMs: request.timeoutMs + settings.reportGraceMs,
      memoryMb: settings.memoryMb,
      maxProcesses: settings.maxProcesses,
      outputLimitBytes: 2 * (settings.maxWorkspaceBytes + settings.maxLogBytes) + 64 * 1024,
      brokerSocket: broker.socketPath,
      scratchParent: sandboxParent,
      ...(settings.unsafe ? { unsafe: true } : {}),
    });
    const { report, rest } = extractReport(run.stdout, key);
    const outcome = report === undefined ? withoutReport(run, rest, request) : withReport(report, run.unsafe, request.timeoutMs);
    if (meter.budgetRefusal !== undefined) {
      outcome.status = 'budget';
      outcome.reason = `the model budget was spent mid-task and the broker refused further calls: ${meter.budgetRefusal}`;
    } else if (aborted && outcome.status !== 'timeout') {
      outcome.status = 'error';
      outcome.reason = 'aborted: the run was cancelled and the agent stopped';
    }
    return {
      ...outcome,
      durationMs: Math.round(performance.now() - started),
      calls: meter.calls,
      tokens: meter.tokens,
      costUsd: meter.costUsd,
    };
  } finally {
    stopper.cancel();
    request.signal?.removeEventListener('abort', abort);
    closing.removeEventListener('abort', abort);
    await broker.close();
    await rm(runDir, { recursive: true, force: true }).catch(() => {});
  }
}

function scratchFiles(request: AgentRunRequest): Record<string, string> {
  const files: Record<string, string> = {
    'package.json': '{ "type": "module", "private": true }\n',
    '.ouro-agent/launch.mjs': LAUNCHER,
    '.ouro-agent/problem.md': request.problem,
  };
  for (const [name, text] of Object.entries(request.agent)) files[`agent/${name}`] = text;
  for (const [name, text] of Object.entries(request.workspace)) files[`work/${name}`] = text;
  return files;
}

type Outcome = Pick<AgentRunResult, 'status' | 'workspace' | 'log' | 'violations'> & { reason?: string };

function withReport(report: LauncherReport, unsafe: boolean, timeoutMs: number): Outcome {
  const notes = report.skipped.length === 0 ? '' : `\n[ouro] not read back from the workspace: ${report.skipped.join('; ')}`;
  const unsafeNote = unsafe ? '\n[ouro] --unsafe: the agent ran without isolation; network attempts were not watched' : '';
  const log = report.log + notes + unsafeNote;
  const violations = unsafe ? [] : networkViolations(report.network);
  const workspace = report.files;
  let status: AgentRunStatus = 'done';
  let reason: string | undefined;
  if (report.ended === 'timeout') {
    status = 'timeout';
    reason = `timeout: the agent was still running after ${timeoutMs} ms and was killed`;
  } else if (report.exitCode !== 0) {
    status = 'error';
    const how = report.exitCode === null ? `was killed by ${report.signal ?? 'a signal'}` : `exited with code ${report.exitCode}`;
    reason = `the agent ${how}; its last output:\n${tail(report.log)}`;
  }
  return { status, workspace, log, violations, ...(reason === undefined ? {} : { reason }) };
}

/** The launcher never reported: the sandbox's own limit killed everything, or the agent killed or silenced its supervisor. */
function withoutReport(run: ProcessRunResult, stdout: string, request: AgentRunRequest): Outcome {
  const log = [stdout, run.stderr.trim()].filter((part) => part !== '').join('\n');
  const kept = '; the workspace could not be read back and is returned as it was given';
  if (run.timedOut) {
    return {
      status: 'timeout',
      workspace: request.workspace,
      log,
      violations: [],
      reason: `timeout: the agent ran past ${request.timeoutMs} ms (or its CPU limit) and the sandbox was killed${kept}`,
    };
  }
  const how = run.exitCode === null ? `killed by ${run.signal ?? 'a signal'}` : `exit ${run.exitCode}`;
  return {
    status: 'error',
    workspace: request.workspace,
    log,
    violations: [`supervisor: the agent's launcher gave no report (${how}): it was killed, or its output was tampered with`],
    reason: `the run ended without the launcher's report (${how})${kept}; last output:\n${tail(log)}`,
  };
}

function tail(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= ERROR_TAIL ? trimmed : `...${trimmed.slice(-ERROR_TAIL)}`;
}

/**
 * Asks the launcher to stop the agent by writing `.ouro-agent/stop` into the run's scratch folder,
 * again every few hundred milliseconds in case the folder did not exist yet or the agent removed
 * the file. An agent that defeats it still dies at its time limit.
 */
class Stopper {
  private timer: NodeJS.Timeout | undefined;
  private repeat: NodeJS.Timeout | undefined;

  constructor(private readonly sandboxParent: string) {}

  stopAfter(delayMs: number): void {
    if (this.repeat !== undefined) return;
    if (this.timer !== undefined) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      void this.write();
      this.repeat = setInterval(() => void this.write(), 300);
    }, delayMs);
  }

  cancel(): void {
    clearTimeout(this.timer);
    clearInterval(this.repeat);
  }

  private async write(): Promise<void> {
    for (const name of await readdir(this.sandboxParent).catch(() => [] as string[])) {
      await writeFile(join(this.sandboxParent, name, 'scratch', '.ouro-agent', 'stop'), '').catch(() => {});
    }
  }
}
