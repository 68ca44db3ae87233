// The JavaScript tier of the sandbox: candidate modules run in a V8 isolate (isolated-vm) with a
// heap limit and a time limit per call. See `IsolateSandbox` for what crosses the boundary.
import ivm from 'isolated-vm';
import { SandboxError, type CandidateModule, type IsolateLimits, type JsonValue } from '../core/sandbox.ts';
import { harnessSource, resolveImport, toIsolateSource } from './transpile.ts';
import { parseIsolateReply, type IsolateReply } from './isolate-reply.ts';

/** Longest error message kept from the isolate, in characters. */
const MESSAGE_LIMIT = 2000;
/** Recreate the isolate when a new genome finds more than this share of the heap still in use. */
const RECYCLE_SHARE = 0.5;
const TIMED_OUT = 'Script execution timed out.';
/** How long after isolated-vm's own timeout the host stops waiting for a promise. */
const HOST_GRACE_MS = 50;

type Reply = IsolateReply;

/** A fresh context with the harness installed: what one `load` consumes. */
interface Prepared {
  isolate: ivm.Isolate;
  context: ivm.Context;
  bind: ivm.Reference;
  call: ivm.Reference;
}

/**
 * One V8 isolate, reused for every candidate, with a fresh context (its own globals and
 * built-ins) per `load`, so nothing one candidate does is visible to the next.
 *
 * - Candidate code sees plain ECMAScript only: no `process`, `require`, timers or `fetch`;
 *   `console` drops everything. `WebAssembly` (its memory escapes the heap limit),
 *   `FinalizationRegistry` (its callbacks run outside any time limit) and `Atomics.waitAsync`
 *   (a timed wait aborts the host) are removed before the candidate runs.
 * - Imports resolve only to other genome files; anything else is `refused` at load. Dynamic
 *   `import()` always rejects inside the isolate.
 * - Arguments go in as copies. A result is copied inside the isolate first, each property read
 *   once, into plain data (JSON types; `NaN`, `±Infinity` and `-0` stay numbers for the
 *   evaluator's schema to judge), then handed over as a copy. Functions, symbols, bigints,
 *   `undefined` in arrays, non-plain objects, nesting over 1,000 levels and results bigger than a
 *   quarter of the heap limit are `invalid-result`; `undefined` object properties are dropped and a
 *   bare `undefined` becomes `null`. A returned promise is awaited within the same time limit.
 * - Over the time limit: `timeout`, and the isolate stays usable. Over the heap limit: `memory`,
 *   and the next `load` starts a new isolate. Some allocation patterns (one huge array or
 *   hash-table growth) make V8 abort the whole process instead (isolated-vm issues 107 and 527):
 *   run the sandbox in a disposable worker process, as the evaluator pool does.
 * - Loading a different genome object releases the modules of earlier ones; modules of the same
 *   genome object stay usable together.
 *
 * @example
 * const sandbox = IsolateSandbox.create({ memoryMb: 64, timeoutMs: 1000 });
 * const candidate = await sandbox.load({ 'f.ts': 'export const f = (x: number) => x + 1' }, 'f.ts');
 * await candidate.call('f', 1); // 2
 * sandbox.dispose();
 */
export class IsolateSandbox {
  private isolate: ivm.Isolate | undefined;
  private harness: ivm.Script | undefined;
  private spare: Promise<Prepared | undefined> | undefined;
  private genome: object | undefined;
  private readonly live = new Set<LoadedModule>();
  /** Isolates the sandbox disposed itself: their failures are not the candidate's memory. */
  private readonly retired = new WeakSet<ivm.Isolate>();
  private closed = false;

  private constructor(readonly limits: IsolateLimits) {}

  static create(limits: IsolateLimits): IsolateSandbox {
    if (!Number.isFinite(limits.memoryMb) || limits.memoryMb < 8) {
      throw new RangeError(`isolate limits: memoryMb must be a number of at least 8 (got ${limits.memoryMb})`);
    }
    if (!Number.isFinite(limits.timeoutMs) || limits.timeoutMs <= 0) {
      throw new RangeError(`isolate limits: timeoutMs must be a positive number (got ${limits.timeoutMs})`);
    }
    return new IsolateSandbox({ memoryMb: limits.memoryMb, timeoutMs: limits.timeoutMs });
  }

  /** Compiles `entry` and the genome files it imports into a fresh context and evaluates them. */
  async load(genome: Record<string, string>, entry: string): Promise<CandidateModule> {
    if (this.closed) throw new SandboxError('error', `${entry}: the isolate sandbox was disposed`);
    if (!Object.hasOwn(genome, entry)) {
      throw new SandboxError('refused', `the genome has no file ${JSON.stringify(entry)} (it has ${Object.keys(genome).join(', ')})`);
    }
    if (genome !== this.genome) this.startGenome(genome);
    let prepared: Prepared;
    try {
      prepared = await this.takePrepared();
    } catch (error) {
      throw this.closed
        ? new SandboxError('error', `${entry}: the isolate sandbox was disposed`)
        : new SandboxError('error', `${entry}: could not prepare a context: ${error instanceof Error ? error.message : String(error)}`);
    }
    const loaded = new LoadedModule(this, prepared, entry);
    this.live.add(loaded);
    const modules: ivm.Module[] = [];
    try {
      const links = new Map<ivm.Module, Map<string, ivm.Module>>();
      const root = await this.compile(prepared.isolate, genome, entry, new Map(), links, modules);
      root.instantiateSync(prepared.context, (specifier, referrer) => links.get(referrer)!.get(specifier)!);
      const run = { timeout: this.limits.timeoutMs };
      await root.evaluate({ ...run, promise: true });
      const reply = await prepared.bind.apply(undefined, [root.namespace.derefInto()], { ...run, result: { copy: true } });
      loaded.exports = readExports(readReply(reply), entry);
    } catch (error) {
      loaded.release('it failed to load');
      throw this.explain(error, prepared.isolate, entry);
    } finally {
      for (const module of modules) module.release();
    }
    this.spare ??= this.prepare().catch(() => undefined);
    return loaded;
  }

  /** Releases every context and the isolate. Later loads and calls fail with kind `error`. */
  dispose(): void {
    this.closed = true;
    for (const loaded of this.live) loaded.release('the isolate sandbox was disposed');
    this.spare = undefined;
    if (this.isolate !== undefined) this.retire(this.isolate);
  }

  /** @internal Maps what isolated-vm threw to a `SandboxError` for `what` (a file or a call). */
  explain(error: unknown, isolate: ivm.Isolate, what: string): SandboxError {
    if (error instanceof SandboxError) return error;
    if (isolate.isDisposed) {
      if (this.retired.has(isolate)) return new SandboxError('error', `${what}: the sandbox disposed the isolate meanwhile`);
      if (this.isolate === isolate) this.isolate = undefined;
      return new SandboxError('memory', `${what}: over the isolate's memory limit of ${this.limits.memoryMb} MB`);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (message === TIMED_OUT) return new SandboxError('timeout', `${what}: over the time limit of ${this.limits.timeoutMs} ms`);
    return new SandboxError('error', `${what}: ${clip(message)}`);
  }

  /** @internal */
  forget(loaded: LoadedModule): void {
    this.live.delete(loaded);
  }

  private startGenome(genome: object): void {
    this.genome = genome;
    for (const loaded of this.live) loaded.release('a later load of another genome replaced it');
    // Garbage, and anything a candidate manages to leave in the isolate itself, outlives its
    // context: a new isolate costs a few milliseconds, a candidate failing for its predecessor more.
    const isolate = this.isolate;
    if (isolate === undefined || isolate.isDisposed) return;
    const heap = isolate.getHeapStatisticsSync();
    if (heap.used_heap_size + heap.externally_allocated_size > this.limits.memoryMb * 1024 * 1024 * RECYCLE_SHARE) {
      this.retire(isolate);
    }
  }

  private retire(isolate: ivm.Isolate): void {
    this.retired.add(isolate);
    if (!isolate.isDisposed) isolate.dispose();
    if (this.isolate === isolate) this.isolate = undefined;
  }

  private currentIsolate(): ivm.Isolate {
    if (this.isolate === undefined || this.isolate.isDisposed) {
      this.isolate = new ivm.Isolate({ memoryLimit: this.limits.memoryMb });
      // A result may be a quarter of the heap limit: one unit per value and per string character.
      const budget = (this.limits.memoryMb * 1024 * 1024) / 4;
      this.harness = this.isolate.compileScriptSync(harnessSource(budget), { filename: 'ouroboros-harness.js' });
      this.spare = undefined;
    }
    return this.isolate;
  }

  private async prepare(): Promise<Prepared> {
    const isolate = this.currentIsolate();
    const harness = this.harness!;
    const context = await isolate.createContext();
    try {
      const api = await harness.run(context, { reference: true, timeout: this.limits.timeoutMs });
      const bind = api.getSync('bind', { reference: true });
      const call = api.getSync('call', { reference: true });
      api.release();
      return { isolate, context, bind, call };
    } catch (error) {
      context.release();
      throw error;
    }
  }

  private async takePrepared(): Promise<Prepared> {
    const spare = this.spare;
    this.spare = undefined;
    const ready = spare === undefined ? undefined : await spare;
    if (ready !== undefined && ready.isolate === this.isolate && !ready.isolate.isDisposed) return ready;
    if (ready !== undefined && !ready.isolate.isDisposed) ready.context.release();
    return this.prepare();
  }

  private async compile(
    isolate: ivm.Isolate,
    genome: Record<string, string>,
    file: string,
    compiled: Map<string, ivm.Module>,
    links: Map<ivm.Module, Map<string, ivm.Module>>,
    modules: ivm.Module[],
  ): Promise<ivm.Module> {
    const known = compiled.get(file);
    if (known !== undefined) return known;
    const source = toIsolateSource(file, genome[file]!);
    let module: ivm.Module;
    try {
      module = await isolate.compileModule(source, { filename: file });
    } catch (error) {
      throw this.explain(error, isolate, file);
    }
    modules.push(module);
    compiled.set(file, module);
    const imports = new Map<string, ivm.Module>();
    links.set(module, imports);
    for (const specifier of module.dependencySpecifiers) {
      const target = resolveImport(genome, file, specifier);
      imports.set(specifier, await this.compile(isolate, genome, target, compiled, links, modules));
    }
    return module;
  }
}

class LoadedModule implements CandidateModule {
  exports: readonly string[] = [];
  private released: string | undefined;

  constructor(
    private readonly sandbox: IsolateSandbox,
    private readonly prepared: Prepared,
    private readonly entry: string,
  ) {}

  async call(name: string, ...args: JsonValue[]): Promise<JsonValue> {
    const what = `${this.entry}: ${name}()`;
    if (this.released !== undefined) throw new SandboxError('error', `${what}: this module was released: ${this.released}`);
    if (!this.exports.includes(name)) {
      throw new SandboxError(
        'error',
        `${what}: ${this.entry} exports no function ${JSON.stringify(name)} (it exports ${this.exports.join(', ') || 'none'})`,
      );
    }
    const copied = new ivm.ExternalCopy(args).copyInto({ release: true });
    const { timeoutMs } = this.sandbox.limits;
    const { isolate, call } = this.prepared;
    let timer: NodeJS.Timeout | undefined;
    // isolated-vm's timeout covers running code and its microtasks; a promise that nothing will
    // ever settle needs the host's own clock, a little later so that running code meets the first.
    const deadline = new Promise<never>((_, reject) => {
      const message = `${what}: its promise did not settle within ${timeoutMs} ms`;
      timer = setTimeout(() => reject(new SandboxError('timeout', message)), timeoutMs + HOST_GRACE_MS);
    });
    let reply: Reply;
    try {
      const pending = call.apply(undefined, [name, copied], { timeout: timeoutMs, result: { copy: true, promise: true } });
      reply = readReply(await Promise.race([pending, deadline]));
    } catch (error) {
      throw this.sandbox.explain(error, isolate, what);
    } finally {
      clearTimeout(timer);
    }
    if (!reply.ok) throw new SandboxError(reply.kind, `${what}: ${clip(reply.message)}`);
    return checkJson(reply.value, what);
  }

  /** Frees the module's context; later calls fail with kind `error` naming `reason`. */
  release(reason = 'it was released'): void {
    if (this.released !== undefined) return;
    this.released = reason;
    this.sandbox.forget(this);
    const { isolate, context, bind, call } = this.prepared;
    if (isolate.isDisposed) return;
    try {
      bind.release();
      call.release();
      context.release();
    } catch {
      // The isolate went away meanwhile, taking the context with it.
    }
  }
}

function readReply(raw: unknown): Reply {
  const reply = parseIsolateReply(raw);
  if (!reply) throw new SandboxError('invalid-result', 'the isolate sent a malformed reply');
  return reply;
}

function readExports(reply: Reply, entry: string): string[] {
  if (!reply.ok) throw new SandboxError(reply.kind, `${entry}: ${clip(reply.message)}`);
  const names = reply.value;
  if (Array.isArray(names) && names.every((name) => typeof name === 'string')) return names as string[];
  throw new SandboxError('invalid-result', `${entry}: the isolate sent a malformed export list`);
}

function clip(message: string): string {
  return message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT)}… (${message.length} characters)` : message;
}

/**
 * The host's own check of what the harness sent: plain JSON types in a tree. The harness builds
 * exactly that; this guards the type the evaluator relies on should the harness ever be subverted.
 */
function checkJson(value: unknown, what: string): JsonValue {
  const seen = new Set<object>();
  const visit = (item: unknown, depth: number): void => {
    if (item === null || typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return;
    const fail = (why: string) => new SandboxError('invalid-result', `${what}: the result ${why}`);
    if (typeof item !== 'object') throw fail(`holds a value of type ${typeof item}`);
    if (depth > 1001 || seen.has(item)) throw fail('is circular, shared or too deep');
    seen.add(item);
    if (Array.isArray(item)) {
      for (let index = 0; index < item.length; index++) {
        if (!(index in item)) throw fail('has a hole in an array');
        visit(item[index], depth + 1);
      }
      return;
    }
    const prototype = Object.getPrototypeOf(item);
    if (prototype !== Object.prototype && prototype !== null) throw fail('holds an object that is not plain data');
    for (const key of Object.keys(item)) visit((item as Record<string, unknown>)[key], depth + 1);
  };
  visit(value, 0);
  return value as JsonValue;
}
