import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxError, type SandboxFailure } from '../core/sandbox.ts';
import { IsolateSandbox } from './isolate.ts';
import { resolveImport, toIsolateSource } from './transpile.ts';

let sandbox: IsolateSandbox;
beforeAll(() => {
  sandbox = IsolateSandbox.create({ memoryMb: 64, timeoutMs: 500 });
});
afterAll(() => sandbox.dispose());

const single = (source: string, file = 'candidate.js') => sandbox.load({ [file]: source }, file);

async function failure(action: () => Promise<unknown>): Promise<{ kind: SandboxFailure; message: string }> {
  try {
    await action();
  } catch (error) {
    if (error instanceof SandboxError) return { kind: error.kind, message: error.message };
    throw error;
  }
  throw new Error('expected a SandboxError');
}

describe('toIsolateSource', () => {
  it('strips TypeScript and passes JavaScript through', () => {
    expect(toIsolateSource('a.ts', 'export const n: number = 1;')).not.toContain(': number');
    expect(toIsolateSource('a.js', 'export const n = 1;')).toBe('export const n = 1;');
  });

  it('names the file and the position of a syntax error', () => {
    expect(() => toIsolateSource('bad.ts', 'export const = 1')).toThrow(/^bad\.ts: .*line 1, column 13/);
  });

  it('refuses files it cannot load', () => {
    expect(() => toIsolateSource('data.json', '{}')).toThrow(expect.objectContaining({ kind: 'refused' }));
  });
});

describe('resolveImport', () => {
  const genome = { 'main.ts': '', 'lib/math.ts': '', 'lib/util.js': '', 'lib/index.ts': '' };

  it('resolves relative imports inside the genome, as TypeScript writes them', () => {
    expect(resolveImport(genome, 'main.ts', './lib/math.js')).toBe('lib/math.ts');
    expect(resolveImport(genome, 'main.ts', './lib/util')).toBe('lib/util.js');
    expect(resolveImport(genome, 'lib/math.ts', '../main.ts')).toBe('main.ts');
    expect(resolveImport(genome, 'main.ts', './lib')).toBe('lib/index.ts');
  });

  it('refuses everything else, naming the specifier', () => {
    for (const specifier of ['fs', 'node:fs', 'https://example.com/x.js', '/lib/math.ts', '../outside.js', './missing.js']) {
      expect(() => resolveImport(genome, 'main.ts', specifier)).toThrow(
        expect.objectContaining({ kind: 'refused', message: expect.stringContaining(JSON.stringify(specifier)) }),
      );
    }
  });
});

describe('IsolateSandbox', () => {
  it('loads a JavaScript module and calls its exported functions', async () => {
    const candidate = await single(
      'export function add(a, b) { return a + b }\nexport const label = "x";\nexport default function () { return "default" }',
    );
    expect([...candidate.exports].sort()).toEqual(['add', 'default']);
    expect(await candidate.call('add', 2, 3)).toBe(5);
    expect(await candidate.call('default')).toBe('default');
  });

  it('loads TypeScript with imports across genome files', async () => {
    const genome = {
      'main.ts':
        "import { scale } from './lib/scale.js';\nimport type { Point } from './lib/types.ts';\n" +
        'export function grow(points: Point[]): Point[] { return points.map((point) => scale(point, 2)); }',
      'lib/scale.ts':
        "import { Factor } from './types.ts';\n" +
        'export const scale = (p: { x: number; y: number }, k: number) => ({ x: p.x * k * Factor.One, y: p.y * k });',
      'lib/types.ts': 'export interface Point { x: number; y: number }\nexport enum Factor { One = 1 }',
    };
    const candidate = await sandbox.load(genome, 'main.ts');
    expect(await candidate.call('grow', [{ x: 1, y: 2 }])).toEqual([{ x: 2, y: 4 }]);
  });

  it('copies plain data both ways', async () => {
    const candidate = await single(
      'export const echo = (value) => value; export const touch = (value) => { value.list.push(4); return value }',
    );
    const value = { text: 'é\u0000"', list: [1, 2.5, true, null], nested: { empty: {}, none: [] } };
    expect(await candidate.call('echo', value)).toEqual(value);
    await candidate.call('touch', value);
    expect(value.list).toHaveLength(4); // the candidate changed its own copy only
  });

  it('awaits an async export within the time limit', async () => {
    const candidate = await single(
      'export async function later(x) { await null; return { x } } export async function fails() { await null; ' +
        'throw new RangeError("late") }',
    );
    expect(await candidate.call('later', 3)).toEqual({ x: 3 });
    expect(await failure(() => candidate.call('fails'))).toEqual({ kind: 'error', message: expect.stringContaining('RangeError: late') });
  });

  it('applies the JSON rules to results', async () => {
    const candidate = await single(`
      export const nothing = () => undefined;
      export const optional = () => ({ kept: 1, dropped: undefined });
      export const gap = () => [1, undefined];
      export const hole = () => [1, , 3];
      export const when = () => ({ at: new Date(0) });
      export const big = () => 1n;
      export const shared = () => { const p = { x: 1 }; return [p, p] };
      export const circular = () => { const o = {}; o.self = o; return o };
      export const instance = () => new (class Point { constructor() { this.x = 1 } })();
    `);
    expect(await candidate.call('nothing')).toBeNull();
    expect(await candidate.call('optional')).toEqual({ kept: 1 });
    expect(await candidate.call('shared')).toEqual([{ x: 1 }, { x: 1 }]);
    for (const name of ['gap', 'hole', 'when', 'big', 'circular', 'instance']) {
      expect((await failure(() => candidate.call(name))).kind, name).toBe('invalid-result');
    }
    expect((await failure(() => candidate.call('when'))).message).toContain('the result["at"] is [object Date]');
  });

  it('reports what the candidate did wrong with the kind the evaluator needs', async () => {
    expect(await failure(() => single('export const = 1'))).toEqual({ kind: 'error', message: expect.stringContaining('candidate.js') });
    expect(await failure(() => single('throw new Error("at load")'))).toEqual({
      kind: 'error',
      message: expect.stringContaining('at load'),
    });
    expect((await failure(() => single('for (;;) {}'))).kind).toBe('timeout');
    expect((await failure(() => sandbox.load({ 'a.js': '' }, 'b.js'))).kind).toBe('refused');
    expect((await failure(() => single("import { x } from './nowhere.js'; export const f = () => x"))).kind).toBe('refused');
    const candidate = await single('export function f() { throw new TypeError("bad input") }');
    expect(await failure(() => candidate.call('f'))).toEqual({ kind: 'error', message: expect.stringContaining('TypeError: bad input') });
    expect(await failure(() => candidate.call('g'))).toEqual({
      kind: 'error',
      message: expect.stringContaining('exports no function "g"'),
    });
  });

  it('gives every load a fresh context on one reused isolate', async () => {
    for (let index = 0; index < 200; index++) {
      const candidate = await single(`globalThis.seen = (globalThis.seen ?? 0) + 1; export const f = () => [globalThis.seen, ${index}]`);
      expect(await candidate.call('f')).toEqual([1, index]);
    }
  });

  it('keeps modules of one genome together and releases those of earlier genomes', async () => {
    const genome = { 'a.js': 'export const a = () => "a"', 'b.js': 'export const b = () => "b"' };
    const first = await sandbox.load(genome, 'a.js');
    const second = await sandbox.load(genome, 'b.js');
    expect([await first.call('a'), await second.call('b')]).toEqual(['a', 'b']);
    await single('export const c = () => "c"');
    expect(await failure(() => first.call('a'))).toEqual({ kind: 'error', message: expect.stringContaining('released') });
  });

  it('keeps working after a timeout in a call', async () => {
    const candidate = await single('let calls = 0; export function f(spin) { calls++; while (spin) {} return calls }');
    expect((await failure(() => candidate.call('f', true))).kind).toBe('timeout');
    expect(await candidate.call('f', false)).toBe(2);
  });

  it('refuses work once disposed', async () => {
    const own = IsolateSandbox.create({ memoryMb: 16, timeoutMs: 500 });
    const candidate = await own.load({ 'a.js': 'export const f = () => 1' }, 'a.js');
    own.dispose();
    expect(await failure(() => candidate.call('f'))).toEqual({ kind: 'error', message: expect.stringContaining('disposed') });
    expect(await failure(() => own.load({ 'a.js': 'export const f = () => 1' }, 'a.js'))).toEqual({
      kind: 'error',
      message: expect.stringContaining('disposed'),
    });
  });

  it('rejects limits it cannot honour', () => {
    expect(() => IsolateSandbox.create({ memoryMb: 4, timeoutMs: 100 })).toThrow(/memoryMb/);
    expect(() => IsolateSandbox.create({ memoryMb: 64, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });

  it('serves thousands of calls on a warm module', async () => {
    const candidate = await single('export function f(x) { return x + 1 }');
    let value = 0;
    for (let index = 0; index < 3000; index++) value = (await candidate.call('f', value)) as number;
    expect(value).toBe(3000);
  });
});
