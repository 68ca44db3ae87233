// Runs one STOP improver, `improve(program, utility, llm)`, in its own V8 isolate. `utility` and
// `llm` are host callbacks: the isolate holds two plain functions that forward a string to the
// host and wait for its answer. Scoring and model access happen on the host, out of the
// improver's reach; the improver can only pass strings in and read back what the host decides.
import ivm from 'isolated-vm';
import { parseIsolateReply } from './isolate-reply.ts';
import { harnessSource, toIsolateSource } from './transpile.ts';

/** What the host offers an improver. Each function gets the run's abort signal. */
export interface ImproverHost {
  utility: (program: string, signal: AbortSignal) => Promise<number>;
  llm: (prompt: string, signal: AbortSignal) => Promise<string>;
  /** Shown to the improver as `utility.description`. */
  utilityDescription: string;
  /** Shown as `utility.budget` and `llm.budget`: how many calls the host will answer. */
  utilityBudget: number;
  llmBudget: number;
}

export interface ImproverLimits {
  /** Heap limit of the improver's isolate. */
  memoryMb: number;
  /** CPU time the improver's own code may use, host callbacks not included. */
  cpuMs: number;
  /** Wall-clock limit of the whole run, host callbacks included. */
  wallMs: number;
}

export type ImproverStatus = 'ok' | 'timeout' | 'memory' | 'error' | 'invalid-result' | 'refused';

export interface ImproverOutcome {
  status: ImproverStatus;
  /** The improved program, when `status` is `ok`. */
  program?: string;
  message?: string;
  wallMs: number;
  cpuMs: number;
}

/** Longest program or prompt accepted across the boundary, in characters. */
export const TEXT_LIMIT = 200_000;
const TIMED_OUT = 'Script execution timed out.';
const WATCH_MS = 20;
const IMPROVER_FILE = 'improve.mjs';

// Installed after the harness and before the improver. The references stay in this closure; the
// improver sees two plain functions, each answering with a copy or throwing an Error. The host
// functions behind them have no prototype, so even a leaked reference would lead nowhere.
const BRIDGE = `'use strict';
const [utilityReference, llmReference, description, utilityBudget, llmBudget] = [$0, $1, $2, $3, $4];
const options = { arguments: { copy: true }, result: { promise: true, copy: true } };
const { defineProperty, freeze } = Object;
const HostError = Error;
const forward = (reference) => {
  const apply = reference.apply.bind(reference);
  return async (text) => {
    if (typeof text !== 'string') throw new TypeError('pass a string');
    const reply = await apply(undefined, [text], options);
    if (reply.ok !== true) throw new HostError(reply.message);
    return reply.value;
  };
};
const utility = forward(utilityReference);
const llm = forward(llmReference);
defineProperty(utility, 'description', { value: description });
defineProperty(utility, 'budget', { value: utilityBudget });
defineProperty(llm, 'budget', { value: llmBudget });
freeze(utility);
freeze(llm);
for (const [name, value] of [['__ouroUtility', utility], ['__ouroLlm', llm]]) {
  defineProperty(globalThis, name, { value, writable: false, configurable: false, enumerable: false });
}
`;

const ENTRY = `import * as improver from '${IMPROVER_FILE}';
export function run(program) {
  if (typeof improver.improve !== 'function') throw new TypeError('the improver must export a function named improve');
  return improver.improve(program, __ouroUtility, __ouroLlm);
}
`;

type Reply = { ok: true; value: unknown } | { ok: false; kind: 'error' | 'invalid-result' | 'refused'; message: string };

/**
 * Runs `improve(program, utility, llm)` from `source` under `limits` and returns what it produced.
 * Never throws for the improver's faults: a throw, a non-string result, an import, a loop or a
 * heap overflow become the outcome's status. The isolate is disposed before this returns, and the
 * signal handed to host callbacks is aborted, so no work outlives the run.
 *
 * @example
 * const outcome = await runImprover(source, 'export const x = 1', host, { memoryMb: 64, cpuMs: 1000, wallMs: 5000 });
 * if (outcome.status === 'ok') console.log(outcome.program);
 */
export async function runImprover(source: string, program: string, host: ImproverHost, limits: ImproverLimits): Promise<ImproverOutcome> {
  const started = performance.now();
  const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
  const abort = new AbortController();
  let ended: 'timeout' | undefined;
  const finish = (outcome: Omit<ImproverOutcome, 'wallMs' | 'cpuMs'>): ImproverOutcome => {
    let cpuMs = 0;
    try {
      cpuMs = Number(isolate.cpuTime) / 1e6;
    } catch {
      // The isolate is gone; its CPU time went with it.
    }
    return { ...outcome, wallMs: Math.round(performance.now() - started), cpuMs: Math.round(cpuMs) };
  };
  let timer: NodeJS.Timeout | undefined;
  let watch: NodeJS.Timeout | undefined;
  const stop = new Promise<void>((resolve) => {
    const end = () => {
      ended = 'timeout';
      resolve();
    };
    timer = setTimeout(end, limits.wallMs);
    // isolated-vm's own timeout covers only synchronous runs; code that resumes after a host
    // callback settles runs unwatched, so the host checks the isolate's CPU clock itself.
    watch = setInterval(() => {
      if (!isolate.isDisposed && Number(isolate.cpuTime) / 1e6 > limits.cpuMs) end();
    }, WATCH_MS);
  });
  try {
    const run = execute(isolate, source, program, host, limits, abort.signal);
    run.catch(() => undefined);
    const reply = await Promise.race([run, stop]);
    if (reply === undefined || ended === 'timeout') {
      return finish({
        status: 'timeout',
        message: `the improver ran past its limit of ${limits.cpuMs} ms of CPU or ${limits.wallMs} ms of wall time`,
      });
    }
    if (!reply.ok) return finish({ status: reply.kind, message: reply.message });
    if (typeof reply.value !== 'string') {
      return finish({
        status: 'invalid-result',
        message: `improve() returned ${reply.value === null ? 'null' : typeof reply.value}, not a program string`,
      });
    }
    if (reply.value.length > TEXT_LIMIT) {
      return finish({
        status: 'invalid-result',
        message: `improve() returned ${reply.value.length} characters, over the limit of ${TEXT_LIMIT}`,
      });
    }
    return finish({ status: 'ok', program: reply.value });
  } catch (error) {
    return finish(explain(error, isolate, limits));
  } finally {
    clearTimeout(timer);
    clearInterval(watch);
    abort.abort();
    if (!isolate.isDisposed) isolate.dispose();
  }
}

async function execute(
  isolate: ivm.Isolate,
  source: string,
  program: string,
  host: ImproverHost,
  limits: ImproverLimits,
  signal: AbortSignal,
): Promise<Reply> {
  const timeout = limits.cpuMs;
  const context = await isolate.createContext();
  const harness = await isolate.compileScript(harnessSource((limits.memoryMb * 1024 * 1024) / 4), { filename: 'ouroboros-harness.js' });
  const api = await harness.run(context, { reference: true, timeout });
  const bind = api.getSync('bind', { reference: true });
  const call = api.getSync('call', { reference: true });
  const references = [hostFunction(host.utility, 'utility', signal), hostFunction(host.llm, 'llm', signal)];
  await context.evalClosure(BRIDGE, [...references, host.utilityDescription, host.utilityBudget, host.llmBudget], { timeout });

  const improver = await isolate.compileModule(toIsolateSource(IMPROVER_FILE, source), { filename: IMPROVER_FILE });
  if (improver.dependencySpecifiers.length > 0) {
    return {
      ok: false,
      kind: 'refused',
      message:
        `the improver imports ${improver.dependencySpecifiers.map((name) => JSON.stringify(name)).join(', ')}; ` +
        `an improver is one self-contained module`,
    };
  }
  const entry = await isolate.compileModule(ENTRY, { filename: 'ouroboros-stop-entry.mjs' });
  await improver.instantiate(context, () => {
    throw new Error('no imports');
  });
  await entry.instantiate(context, () => improver);
  await entry.evaluate({ timeout, promise: true });
  const bound = readReply(await bind.apply(undefined, [entry.namespace.derefInto()], { timeout, result: { copy: true } }));
  if (!bound.ok) return bound;
  const args = new ivm.ExternalCopy([program]).copyInto({ release: true });
  return readReply(await call.apply(undefined, ['run', args], { timeout, result: { copy: true, promise: true } }));
}

/** A reference to a host function with no prototype that never rejects: it answers `{ ok, value | message }`. */
function hostFunction<T>(fn: (text: string, signal: AbortSignal) => Promise<T>, name: string, signal: AbortSignal): ivm.Reference {
  const forward = async (text: unknown): Promise<{ ok: true; value: T } | { ok: false; message: string }> => {
    try {
      if (typeof text !== 'string') return { ok: false, message: `${name}() takes a string` };
      if (text.length > TEXT_LIMIT)
        return { ok: false, message: `${name}(): the text has ${text.length} characters, over the limit of ${TEXT_LIMIT}` };
      if (signal.aborted) return { ok: false, message: `${name}(): the improver's run is over` };
      return { ok: true, value: await fn(text, signal) };
    } catch (error) {
      return { ok: false, message: `${name}(): ${error instanceof Error ? error.message : String(error)}` };
    }
  };
  Object.setPrototypeOf(forward, null);
  return new ivm.Reference(forward);
}

function readReply(raw: unknown): Reply {
  return parseIsolateReply(raw) ?? { ok: false, kind: 'invalid-result', message: 'the isolate sent a malformed reply' };
}

function explain(error: unknown, isolate: ivm.Isolate, limits: ImproverLimits): Omit<ImproverOutcome, 'wallMs' | 'cpuMs'> {
  const message = error instanceof Error ? error.message : String(error);
  if (message === TIMED_OUT) return { status: 'timeout', message: `the improver ran past its limit of ${limits.cpuMs} ms of CPU` };
  if (isolate.isDisposed) return { status: 'memory', message: `the improver went over its heap limit of ${limits.memoryMb} MB` };
  return { status: 'error', message: message.slice(0, 2000) };
}
