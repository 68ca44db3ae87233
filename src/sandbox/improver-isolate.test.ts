import { describe, expect, it } from 'vitest';
import { runImprover, type ImproverHost } from './improver-isolate.ts';

const LIMITS = { memoryMb: 32, cpuMs: 300, wallMs: 1_500 };

function recordingHost(overrides: Partial<ImproverHost> = {}): ImproverHost & { utilityCalls: string[]; prompts: string[] } {
  const utilityCalls: string[] = [];
  const prompts: string[] = [];
  return {
    utilityCalls,
    prompts,
    utilityDescription: 'length of the program',
    utilityBudget: 5,
    llmBudget: 2,
    utility: async (program) => {
      utilityCalls.push(program);
      return program.length;
    },
    llm: async (prompt) => {
      prompts.push(prompt);
      return `reply to ${prompt.length}`;
    },
    ...overrides,
  };
}

describe('runImprover', () => {
  it('runs improve() in the isolate with host utility and llm callbacks', async () => {
    const host = recordingHost();
    const source = `export async function improve(program, utility, llm) {
      const reply = await llm('make it longer');
      const better = program + ' // ' + reply;
      const scores = [await utility(program), await utility(better)];
      return better + ' ' + scores.join(',') + ' ' + utility.budget + '/' + llm.budget + ' ' + utility.description;
    }`;
    const outcome = await runImprover(source, 'abc', host, LIMITS);
    expect(outcome.status).toBe('ok');
    expect(host.utilityCalls).toEqual(['abc', 'abc // reply to 14']);
    expect(host.prompts).toEqual(['make it longer']);
    expect(outcome.program).toBe('abc // reply to 14 3,18 5/2 length of the program');
  });

  it('offers no process, require, fetch, timers, dynamic import or host realm', async () => {
    const source =
      `export async function improve(program, utility, llm) {
      const seen = {};
      const probe = (name, get) => { try { const value = get(); seen[name] = typeof value; } catch (error) { seen[name] = 'throws'; } };
      probe('process', () => process);
      probe('require', () => require);
      probe('fetch', () => fetch);
      probe('setTimeout', () => setTimeout);
      probe('WebAssembly', () => WebAssembly);
      probe('functionProcess', () => Function('return typeof process')());
      seen.constructorProcess = await utility.constructor('return typeof process')();
      seen.globalKeys = Object.getOwnPropertyNames(globalThis).filter((name) => ` +
      `/^(ivm|_ivm|Reference|process|require|module|global)$/.test(name)).join();
      seen.functionProcess = Function('return typeof process')();
      try { await import('node:fs'); seen.import = 'loaded'; } catch { seen.import = 'refused'; }
      seen.utilityOwn = Object.getOwnPropertyNames(utility).sort().join();
      seen.frozen = Object.isFrozen(utility);
      return JSON.stringify(seen);
    }`;
    const outcome = await runImprover(source, '', recordingHost(), LIMITS);
    expect(outcome.status).toBe('ok');
    const seen = JSON.parse(outcome.program!) as Record<string, unknown>;
    expect(seen).toMatchObject({
      process: 'throws',
      require: 'throws',
      fetch: 'throws',
      setTimeout: 'throws',
      WebAssembly: 'throws',
      functionProcess: 'undefined',
      constructorProcess: 'undefined',
      globalKeys: '',
      import: 'refused',
      frozen: true,
    });
    expect(seen.utilityOwn).toBe('budget,description,length,name');
  });

  it('refuses a static import', async () => {
    const outcome = await runImprover(`import fs from 'node:fs'; export const improve = () => 'x';`, '', recordingHost(), LIMITS);
    expect(outcome.status).toBe('refused');
    expect(outcome.message).toMatch(/node:fs/);
  });

  it('stops a synchronous loop, a loop after a host callback and a promise that never settles', async () => {
    const host = recordingHost();
    const spin = await runImprover('export function improve() { for (;;) {} }', '', host, LIMITS);
    expect(spin.status).toBe('timeout');
    const late = await runImprover('export async function improve(p, utility) { await utility(p); for (;;) {} }', 'p', host, LIMITS);
    expect(late.status).toBe('timeout');
    expect(late.wallMs).toBeLessThan(LIMITS.wallMs);
    const never = await runImprover('export function improve() { return new Promise(() => {}); }', '', host, LIMITS);
    expect(never.status).toBe('timeout');
    expect(never.wallMs).toBeGreaterThanOrEqual(LIMITS.wallMs - 5);
  });

  it('reports a throw, a missing export and a result that is not a string', async () => {
    const host = recordingHost();
    const thrown = await runImprover(`export function improve() { throw new Error('broken improver'); }`, '', host, LIMITS);
    expect(thrown).toMatchObject({ status: 'error', message: expect.stringMatching(/broken improver/) });
    const missing = await runImprover('export const other = 1;', '', host, LIMITS);
    expect(missing).toMatchObject({ status: 'error', message: expect.stringMatching(/function named improve/) });
    const number = await runImprover('export async function improve() { return 42; }', '', host, LIMITS);
    expect(number).toMatchObject({ status: 'invalid-result', message: expect.stringMatching(/number, not a program string/) });
    const syntax = await runImprover('export function improve( {', '', host, LIMITS);
    expect(syntax.status).toBe('error');
  });

  it('turns host failures into errors inside the isolate and rejects non-strings before the host sees them', async () => {
    const host = recordingHost({
      utility: async () => {
        throw new Error('budget spent');
      },
    });
    const source = `export async function improve(program, utility) {
      const messages = [];
      try { await utility(program); } catch (error) { messages.push(error.message); }
      try { await utility({ toString() { return 'x'; } }); } catch (error) { messages.push(error.message); }
      return messages.join(' | ');
    }`;
    const outcome = await runImprover(source, 'p', host, LIMITS);
    expect(outcome.program).toBe('utility(): budget spent | pass a string');
  });

  it('reports an improver that goes over its heap limit', async () => {
    const source = 'export function improve() { const hoard = []; for (;;) hoard.push({ a: Math.random(), b: [1, 2, 3] }); }';
    const outcome = await runImprover(source, '', recordingHost(), { memoryMb: 16, cpuMs: 5_000, wallMs: 10_000 });
    expect(['memory', 'timeout']).toContain(outcome.status);
  });
});
