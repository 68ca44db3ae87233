// Hostile candidates against the isolate tier. Each attack must fail, the host realm must be as it
// was, and the sandbox must still load and run a benign candidate afterwards: the run goes on.
import { execFile } from 'node:child_process';
import { types } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SandboxError, type JsonValue, type SandboxFailure } from '../../core/sandbox.ts';
import { IsolateSandbox } from '../isolate.ts';

type Outcome = { value: JsonValue } | { kind: SandboxFailure; message: string };

const HOST_NAMES = [
  'process',
  'require',
  'module',
  'exports',
  'Buffer',
  'global',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'queueMicrotask',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'ivm',
  'WebAssembly',
  'FinalizationRegistry',
];
const SPIN_WASM = '[0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,7,8,1,4,115,112,105,110,0,0,10,9,1,7,0,3,64,12,0,11,11]';

let sandbox: IsolateSandbox;
let roomy: IsolateSandbox; // a longer time limit, so that memory runs out before time does
const hostShape = () => ({
  object: Object.getOwnPropertyNames(Object.prototype).join(),
  array: Object.getOwnPropertyNames(Array.prototype).join(),
  math: Math.max(1, 2) + Math.min(1, 2),
  json: JSON.stringify(JSON.parse('{"a":[1]}')),
});
const pristine = hostShape();

beforeAll(() => {
  sandbox = IsolateSandbox.create({ memoryMb: 64, timeoutMs: 300 });
  roomy = IsolateSandbox.create({ memoryMb: 64, timeoutMs: 15_000 });
});
afterAll(() => {
  sandbox.dispose();
  roomy.dispose();
});
afterEach(() => expect(hostShape()).toEqual(pristine));

/** Loads `source` as a one-file genome and calls its `attack` export. */
async function attack(source: string, on = sandbox, args: JsonValue[] = []): Promise<Outcome> {
  try {
    const candidate = await on.load({ 'attack.js': source }, 'attack.js');
    return { value: await candidate.call('attack', ...args) };
  } catch (error) {
    if (error instanceof SandboxError) return { kind: error.kind, message: error.message };
    throw error;
  }
}

/** The run goes on: a benign TypeScript candidate loads and scores on the same sandbox. */
async function expectRunGoesOn(on = sandbox): Promise<void> {
  const benign = await on.load({ 'benign.ts': 'export function score(x: number): number { return x * 2 }' }, 'benign.ts');
  expect(await benign.call('score', 21)).toBe(42);
}

const failsWith = (kind: SandboxFailure, message?: RegExp) =>
  expect.objectContaining({ kind, ...(message ? { message: expect.stringMatching(message) } : {}) });

describe('isolate red team: reaching the host', () => {
  it('cannot read process.env', async () => {
    expect(await attack('export const attack = () => process.env')).toEqual(failsWith('error', /process is not defined/));
    await expectRunGoesOn();
  });

  it('finds no host object on globalThis', async () => {
    const outcome = await attack(
      `export const attack = () => ${JSON.stringify(HOST_NAMES)}.filter((name) => typeof globalThis[name] !== 'undefined')`,
    );
    expect(outcome).toEqual({ value: [] });
    await expectRunGoesOn();
  });

  it('cannot require("fs")', async () => {
    expect(await attack('export const attack = () => require("fs").readFileSync("/etc/passwd", "utf8")')).toEqual(
      failsWith('error', /require is not defined/),
    );
    await expectRunGoesOn();
  });

  it('cannot import node:fs', async () => {
    expect(await attack('import fs from "node:fs"; export const attack = () => fs.readFileSync("/etc/passwd", "utf8")')).toEqual(
      failsWith('refused', /"node:fs"/),
    );
    await expectRunGoesOn();
  });

  it('cannot import("node:child_process") at run time', async () => {
    const outcome = await attack(
      'export async function attack() { const { execSync } = await import("node:child_process"); return String(execSync("id")) }',
    );
    expect(outcome).toEqual(failsWith('error', /Not supported/));
    await expectRunGoesOn();
  });

  it.each(['net', 'worker_threads', 'vm', 'child_process', 'https://example.com/x.js', 'file:///etc/passwd', '../../outside.js'])(
    'cannot import %s',
    async (specifier) => {
      expect(await attack(`import * as m from ${JSON.stringify(specifier)}; export const attack = () => Object.keys(m)`)).toEqual(
        failsWith('refused', new RegExp(JSON.stringify(specifier).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))),
      );
      await expectRunGoesOn();
    },
  );

  it('finds no host object through the constructor chain', async () => {
    const outcome = await attack(`export function attack() {
      const global = ({}).constructor.constructor('return this')();
      return [({}).constructor.constructor('return typeof process')(), ...${JSON.stringify(HOST_NAMES)}.filter((name) => name in global)];
    }`);
    expect(outcome).toEqual({ value: ['undefined'] });
    await expectRunGoesOn();
  });

  it('finds no host object through eval', async () => {
    const outcome = await attack(
      'export const attack = () => [eval("typeof require"), (0, eval)("typeof process"), new Function("return typeof fetch")()]',
    );
    expect(outcome).toEqual({ value: ['undefined', 'undefined', 'undefined'] });
    await expectRunGoesOn();
  });

  it('cannot reach the harness through stack-trace call sites', async () => {
    const outcome = await attack(`export function attack() {
      Error.prepareStackTrace = (error, sites) => sites.map((site) => typeof site.getFunction() + ':' + typeof site.getThis());
      return new Error().stack.filter((entry) => entry !== 'undefined:undefined');
    }`);
    expect(outcome).toEqual({ value: [] });
    await expectRunGoesOn();
  });
});

describe('isolate red team: exhausting time', () => {
  it('times out an infinite loop', async () => {
    expect(await attack('export function attack() { for (;;) {} }')).toEqual(failsWith('timeout'));
    await expectRunGoesOn();
  });

  it('times out an infinite async loop on the microtask queue', async () => {
    expect(await attack('export async function attack() { for (;;) await null }')).toEqual(failsWith('timeout'));
    await expectRunGoesOn();
  });

  it('times out a promise that never settles', async () => {
    expect(await attack('export const attack = () => new Promise(() => {})')).toEqual(failsWith('timeout', /did not settle/));
    await expectRunGoesOn();
  });

  it('times out Atomics.wait on a SharedArrayBuffer', async () => {
    expect(await attack('export const attack = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)')).toEqual(
      failsWith('timeout'),
    );
    await expectRunGoesOn();
  });

  it('has no Atomics.waitAsync, whose timed wait aborts the host', async () => {
    const outcome = await attack('export const attack = () => Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10).async');
    expect(outcome).toEqual(failsWith('error', /not a function/));
    await expectRunGoesOn();
  });

  it('has no WebAssembly to spin in', async () => {
    const outcome = await attack(
      `export const attack = () => new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(${SPIN_WASM}))).exports.spin()`,
    );
    expect(outcome).toEqual(failsWith('error', /WebAssembly is not defined/));
    await expectRunGoesOn();
  });

  it('has no FinalizationRegistry whose callbacks would run outside any time limit', async () => {
    expect(await attack('export const attack = () => new FinalizationRegistry(() => { for (;;) {} }).register({}, 1)')).toEqual(
      failsWith('error', /FinalizationRegistry is not defined/),
    );
    await expectRunGoesOn();
  });

  it('leaves no timer behind: setTimeout and setInterval do not exist', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const before = timers();
    expect(await attack('export const attack = () => [typeof setTimeout, typeof setInterval]')).toEqual({
      value: ['undefined', 'undefined'],
    });
    expect(await attack('export const attack = () => { setInterval(() => { for (;;) {} }, 1); return 1 }')).toEqual(
      failsWith('error', /setInterval is not defined/),
    );
    expect(timers()).toBe(before);
    await expectRunGoesOn();
  });

  it('times out catastrophic regular-expression backtracking', async () => {
    expect(await attack('export const attack = () => /^(a+)+$/.test("a".repeat(40) + "b")')).toEqual(failsWith('timeout'));
    await expectRunGoesOn();
  });

  it('turns deep recursion into an error, not a crash', async () => {
    expect(await attack('export function attack() { return attack() + 1 }')).toEqual(failsWith('error', /Maximum call stack/));
    await expectRunGoesOn();
  });
});

describe('isolate red team: exhausting memory', () => {
  it('stops unbounded allocation with kind memory, then starts a new isolate', async () => {
    expect(await attack('export function attack() { const kept = []; for (;;) kept.push({ at: Math.random() }) }', roomy)).toEqual(
      failsWith('memory'),
    );
    await expectRunGoesOn(roomy);
    await expectRunGoesOn();
  });

  it("cannot build a string past V8's limit", async () => {
    expect(await attack('export const attack = () => "x".repeat(2 ** 30).length')).toEqual(failsWith('error', /Invalid string length/));
    await expectRunGoesOn();
  });

  it('cannot hand the host a huge string', async () => {
    expect(await attack('export const attack = () => "x".repeat(2 ** 24)')).toEqual(failsWith('invalid-result', /larger than/));
    await expectRunGoesOn();
  });

  it('cannot build or return a huge array', async () => {
    expect(await attack('export const attack = () => new Array(2 ** 32)')).toEqual(failsWith('error', /Invalid array length/));
    expect(await attack('export function attack() { const sparse = []; sparse[2 ** 31] = 1; return sparse }')).toEqual(
      failsWith('invalid-result'),
    );
    await expectRunGoesOn();
  });

  it('cannot take memory outside the heap limit through WebAssembly.Memory', async () => {
    expect(await attack('export const attack = () => new WebAssembly.Memory({ initial: 16384 }).buffer.byteLength')).toEqual(
      failsWith('error', /WebAssembly is not defined/),
    );
    await expectRunGoesOn();
  });

  it('cannot keep memory for the next candidate to run short of', async () => {
    // 40 MB each, of a 64 MB limit: the second fits only if the first left nothing behind.
    const hold = 'for (let i = 0; i < 5; i++) kept.push(new Float64Array(1 << 20).fill(i)); return kept.length';
    const hog = await roomy.load({ 'hog.js': `const kept = []; export function attack() { ${hold} }` }, 'hog.js');
    expect(await hog.call('attack')).toBe(5);
    expect(await attack(`export function attack() { const kept = []; ${hold} }`, roomy)).toEqual({ value: 5 });
    await expectRunGoesOn(roomy);
  });

  it('aborts at worst the process that holds the isolate, which the evaluator pool replaces', async () => {
    // V8 cannot recover from some allocation patterns (isolated-vm issues 107 and 527): it aborts.
    const url = new URL('../isolate.ts', import.meta.url).href;
    const code =
      `const { IsolateSandbox } = await import(${JSON.stringify(url)});
      const sandbox = IsolateSandbox.create({ memoryMb: 32, timeoutMs: 20000 });
      const candidate = await sandbox.load({ 'a.js': 'export function f() { const o = {}; for (let i = 0; ; ` +
      `i++) o["k" + i] = i }' }, 'a.js');
      await candidate.call('f').catch((error) => console.log('kind=' + error.kind));`;
    const ended = await new Promise<{ signal: string | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ signal: error?.signal ?? null, stdout, stderr });
      });
    });
    if (ended.signal === null) expect(ended.stdout).toContain('kind=memory');
    else expect(ended).toMatchObject({ signal: 'SIGABRT', stderr: expect.stringContaining('is_heap_oom') });
    await expectRunGoesOn();
  }, 90_000);
});

describe('isolate red team: tampering with shared state and the result', () => {
  it('patches Math only in its own context', async () => {
    expect(await attack('Math.max = () => 1e9; Math.random = () => 0; export const attack = () => Math.max(1, 2)')).toEqual({ value: 1e9 });
    expect(await attack('export const attack = () => [Math.max(1, 2), Math.random() === 0]')).toEqual({ value: [2, false] });
    await expectRunGoesOn();
  });

  it('patches JSON only in its own context, and cannot forge its result through it', async () => {
    const outcome = await attack(
      'JSON.stringify = () => \'{"score":1e9}\'; JSON.parse = () => ({ score: 1e9 }); export const attack = () => ({ score: 1 })',
    );
    expect(outcome).toEqual({ value: { score: 1 } });
    expect(await attack('export const attack = () => JSON.stringify({ a: 1 })')).toEqual({ value: '{"a":1}' });
    await expectRunGoesOn();
  });

  it('pollutes Object.prototype only in its own context', async () => {
    const outcome = await attack(
      'Object.prototype.score = 1e9; Object.defineProperty(Object.prototype, "value", { get() { return 1e9 }, set() {} }); ' +
        'export const attack = () => ({ points: 5 })',
    );
    expect(outcome).toEqual({ value: { points: 5 } });
    expect(await attack('export const attack = () => [({}).score === undefined, ({}).value === undefined]')).toEqual({
      value: [true, true],
    });
    await expectRunGoesOn();
  });

  it('patches Array.prototype only in its own context', async () => {
    const outcome = await attack(
      'Array.prototype.push = () => 0; Array.prototype.map = () => [1e9]; Array.prototype[Symbol.iterator] = function* () { yield 1e9 }; ' +
        'export const attack = () => [1, 2, 3]',
    );
    expect(outcome).toEqual({ value: [1, 2, 3] });
    expect(await attack('export const attack = () => [...[1, 2]].map((x) => x * 2)')).toEqual({ value: [2, 4] });
    await expectRunGoesOn();
  });

  it('cannot hijack the reply with Object.prototype.then', async () => {
    const hijack = 'Object.prototype.then = function (resolve) { delete Object.prototype.then; resolve({ ok: true, value: 1e9 }) };';
    expect(await attack(`${hijack} export const attack = () => 5`)).toEqual({ value: 5 });
    expect(await attack(`${hijack} export const attack = async () => { await null; return 5 }`)).toEqual({ value: 5 });
    await expectRunGoesOn();
  });

  it('cannot leave globals for the next candidate', async () => {
    expect(await attack('globalThis.secret = "planted"; export const attack = () => globalThis.secret')).toEqual({ value: 'planted' });
    expect(await attack('export const attack = () => typeof globalThis.secret')).toEqual({ value: 'undefined' });
    await expectRunGoesOn();
  });

  it('returns a Proxy: the host gets a plain snapshot', async () => {
    const outcome = await attack(
      'export const attack = () => new Proxy({}, { ownKeys: () => ["score"], ' +
        'getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }), get: () => 7 })',
    );
    expect(outcome).toEqual({ value: { score: 7 } });
    expect(types.isProxy((outcome as { value: JsonValue }).value)).toBe(false);
    expect(await attack('export const attack = () => new Proxy({}, { ownKeys() { throw new Error("trap") } })')).toEqual(
      failsWith('invalid-result', /trap/),
    );
    await expectRunGoesOn();
  });

  it('returns a getter that throws', async () => {
    expect(await attack('export const attack = () => ({ get score() { throw new Error("gotcha") } })')).toEqual(
      failsWith('invalid-result', /gotcha/),
    );
    await expectRunGoesOn();
  });

  it('returns an object that lies on its second read: the host keeps the first', async () => {
    const outcome = await attack('let reads = 0; export const attack = () => ({ get score() { reads++; return reads === 1 ? 1 : 1e9 } })');
    const value = (outcome as { value: { score: number } }).value;
    expect(value.score).toBe(1);
    expect(value.score).toBe(1);
    expect(Object.getOwnPropertyDescriptor(value, 'score')).toMatchObject({ value: 1 });
    await expectRunGoesOn();
  });

  it('returns a function, or an object with a method', async () => {
    expect(await attack('export const attack = () => () => 1')).toEqual(failsWith('invalid-result', /function/));
    expect(await attack('export const attack = () => ({ score: 1, valueOf() { return 1e9 } })')).toEqual(
      failsWith('invalid-result', /"valueOf"/),
    );
    await expectRunGoesOn();
  });

  it("returns NaN, Infinity and -0: they arrive as numbers, for the evaluator's schema to reject", async () => {
    const outcome = await attack('export const attack = () => [NaN, Infinity, -Infinity, -0]');
    const [nan, infinity, negative, zero] = (outcome as { value: number[] }).value;
    expect([Number.isNaN(nan), infinity, negative, Object.is(zero, -0)]).toEqual([true, Infinity, -Infinity, true]);
    await expectRunGoesOn();
  });

  it('throws a huge error message: the host keeps a clipped one', async () => {
    const outcome = await attack('export function attack() { throw new Error("m".repeat(2 ** 24)) }');
    expect(outcome).toEqual(failsWith('error', /characters\)$/));
    expect((outcome as { message: string }).message.length).toBeLessThan(2200);
    await expectRunGoesOn();
  });
});
