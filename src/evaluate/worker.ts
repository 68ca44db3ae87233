// The worker process: loads the evaluator once, then evaluates candidates one at a time.
// Started by worker-entry.js, which registers the TypeScript runtime first.
import type { EvaluateContext, Stage } from '../core/evaluator.ts';
import { SandboxError } from '../core/sandbox.ts';
import { CandidateSandbox, IMPORT_REFUSED } from './candidate-sandbox.ts';
import { EvaluatorLoadError, loadEvaluator } from './evaluator-module.ts';
import { GenomeScratch, prepareScratchRoot } from './genome-scratch.ts';
import type { EvaluateMessage, InitMessage, Outcome, ParentMessage, WorkerMessage } from './protocol.ts';
import { checkResult, describeThrown } from './result.ts';
import { TaskModelsClient } from './task-models-client.ts';

if (process.send === undefined) throw new Error('worker.ts must be started by EvaluatorPool, with an IPC channel');

let settings: InitMessage | undefined;
let sandbox: CandidateSandbox | undefined;
let stages: Stage[] = [];
let current: number | undefined;
let models: TaskModelsClient | undefined;

function send(message: WorkerMessage, then?: () => void): void {
  process.send!(message, undefined, undefined, then);
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'init') void initialise(message);
  else if (message.type === 'model-reply') models?.receive(message);
  else void evaluate(message);
});

// The parent is gone: nobody will read our results, and nobody else would end us.
process.on('disconnect', () => process.exit(0));

// A candidate's stray timer or forgotten promise failed. Blame the candidate being evaluated,
// then exit: the process state is no longer trustworthy, and the pool starts a fresh worker.
process.on('uncaughtException', (error) => {
  if (current === undefined) {
    process.stderr.write(`uncaught exception in an idle evaluator process: ${describeThrown(error)}\n`);
    process.exit(70);
  }
  const outcome: Outcome = { status: 'error', error: `uncaught exception: ${describeThrown(error)}` };
  send({ type: 'result', id: current, stage: '', outcome, imported: true, exiting: true }, () => process.exit(70));
  current = undefined;
});

async function initialise(message: InitMessage): Promise<void> {
  // Options are shared by every candidate this worker evaluates; one must not change what the next sees.
  settings = { ...message, options: deepFreeze(message.options) };
  models = new TaskModelsClient(message.models, send);
  // The waiting sandbox's folder goes in the scratch root, which the pool removes even when it SIGKILLs this process.
  sandbox = new CandidateSandbox({ ...message.sandbox, warmParent: message.scratchRoot });
  try {
    await prepareScratchRoot(message.scratchRoot);
    stages = await loadEvaluator(message.evaluatorFile);
  } catch (error) {
    const text = error instanceof EvaluatorLoadError ? error.message : `evaluator ${message.evaluatorFile}: ${describeThrown(error)}`;
    send({ type: 'load-failed', message: text });
    return;
  }
  send({ type: 'ready', stages: stages.map((stage) => stage.name) });
}

async function evaluate({ id, candidateId, genome, parent, purpose }: EvaluateMessage): Promise<void> {
  const { options, experimentDir, scratchRoot } = settings!;
  current = id;
  const scratch = new GenomeScratch(genome, scratchRoot);
  try {
    for (let index = 0; index < stages.length; index++) {
      const stage = stages[index]!;
      if (index > 0) send({ type: 'stage', id, index });
      const context: EvaluateContext = {
        candidateId,
        ...(parent ? { parent } : {}),
        purpose,
        models: models!.for(id),
        options,
        experimentDir,
        stage: stage.name,
        importGenome: settings!.sandbox.unsafe ? scratch.importGenome : refuseImport,
        isolate: sandbox!.isolateFor(genome),
        run: sandbox!.runFor(genome),
      };
      const outcome = await runStage(stage, genome, context);
      const last = index === stages.length - 1;
      if (outcome.status !== 'ok' || last || outcome.result.score < stage.threshold) {
        if (current !== id) return; // an uncaught exception already answered for this evaluation
        current = undefined;
        reply({ type: 'result', id, stage: stage.name, outcome, imported: scratch.used });
        return;
      }
    }
  } catch (error) {
    if (current === id) {
      current = undefined;
      reply({ type: 'result', id, stage: '', outcome: { status: 'error', error: describeThrown(error) }, imported: scratch.used });
    }
  } finally {
    models!.end(id);
  }
}

async function refuseImport<T>(): Promise<T> {
  throw new SandboxError('refused', IMPORT_REFUSED);
}

async function runStage(stage: Stage, genome: EvaluateMessage['genome'], context: EvaluateContext): Promise<Outcome> {
  let value: unknown;
  try {
    value = await stage.evaluate(genome, context);
  } catch (error) {
    return { status: 'error', error: describeThrown(error) };
  }
  const check = checkResult(value);
  return check.ok ? { status: 'ok', result: check.result } : { status: 'invalid', error: check.error };
}

function reply(message: WorkerMessage & { type: 'result' }): void {
  try {
    send(message);
  } catch (error) {
    // Something the result check let through (a throwing toJSON, say) broke serialisation.
    const outcome: Outcome = { status: 'invalid', error: `result cannot be sent as JSON: ${describeThrown(error)}` };
    send({ ...message, outcome });
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

send({ type: 'online' });
