import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evolve } from '../src/engine/evolve.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

const fence = '```';
const SECRET = 'sk-live-redteam-0123456789';

/** A reply that replaces the body of solve() with hostile code, as a model might write it. */
function attack(body: string): string {
  return `Rationale: faster.\n\n${fence}\n<<<<<<< SEARCH\n  return [a, b, c];\n=======\n${body}\n>>>>>>> REPLACE\n${fence}\n`;
}

/** Hostile candidates, each with what the stored evaluation must show. */
const ATTACKS: Array<{ name: string; body: string; expect: (status: string, error: string, score: number | undefined) => void }> = [
  {
    name: 'reads process.env',
    body: '  return [a, b, c].map(() => process.env.OURO_REDTEAM_SECRET);',
    expect: (status, error) => {
      expect(status).toBe('error');
      expect(error).toMatch(/process is not defined/);
    },
  },
  {
    name: 'reaches process through the Function constructor',
    body: "  const host = (() => {}).constructor('return process')();\n  return [host.env.OURO_REDTEAM_SECRET, b, c];",
    expect: (status) => expect(status).toBe('error'),
  },
  {
    name: 'forges a perfect answer by patching Math and JSON for the checker',
    body: '  Math.pow = () => 0; JSON.stringify = () => "0"; Object.prototype.score = 0;\n  return [a, b, c];',
    expect: (status, _error, score) => {
      expect(status).toBe('ok');
      expect(score).toBeLessThan(-1);
    },
  },
  { name: 'loops forever', body: '  for (;;) {}', expect: (status, error) => expect(`${status} ${error}`).toMatch(/timeout/) },
  {
    name: 'recurses without end',
    body: '  const dive = (n) => dive(n + 1) + 1;\n  return [dive(0), b, c];',
    expect: (status, error) => {
      expect(status).toBe('error');
      expect(error).toMatch(/call stack|recursion|stack/i);
    },
  },
  {
    name: 'allocates without bound',
    body: '  const hoard = [];\n  for (;;) hoard.push(new Array(1e6).fill(a));',
    expect: (status) => expect(['error', 'timeout']).toContain(status),
  },
  // A Proxy crosses as one plain snapshot, read once: [3, 3, 3], scored honestly.
  {
    name: 'returns a Proxy',
    body: '  return new Proxy([3, -2, 0.5], { get: (t, k) => (k === "length" ? 3 : 3) });',
    expect: (status, _error, score) => {
      expect(status).toBe('ok');
      expect(score).toBe(-31.25);
    },
  },
  {
    name: 'returns a lying getter',
    body: '  let reads = 0;\n  return [3, -2, { get value() { return reads++ ? 0.5 : 1e9; } }];',
    expect: (status) => expect(status).not.toBe('ok'),
  },
  { name: 'returns NaN', body: '  return [NaN, NaN, NaN];', expect: (status) => expect(['invalid', 'error']).toContain(status) },
];

let server: ScriptedLlmServer | undefined;
beforeAll(() => {
  process.env.OURO_REDTEAM_SECRET = SECRET;
});
afterAll(async () => {
  delete process.env.OURO_REDTEAM_SECRET;
  await server?.close();
});

describe('hostile candidates written by a model are contained, and the run goes on', () => {
  it('records each attack as a failed candidate, never a forged score, and finishes the run', async () => {
    server = await startScriptedLlmServer({ script: ATTACKS.map((entry) => ({ text: attack(entry.body) })) });
    const dir = writeTinyExperiment({
      config: `operators: ['llm-diff'],
  archive: { kind: 'greedy', k: 1 },
  lessons: { every: 0 },
  evaluation: { timeoutMs: 1500, memoryMb: 128, concurrency: 1 },`,
    });
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-redteam-')), 'ouro.db');
    const result = await evolve(dir, {
      db,
      seed: 1,
      concurrency: 1,
      budget: { evaluations: ATTACKS.length + 1 },
      models: [`compat:${server.compatBaseURL}#hostile`],
    });
    expect(result.evaluations).toBe(ATTACKS.length + 1);
    // The initial genome scores -14.25; no attack may beat it.
    expect(result.bestScore).toBe(-14.25);

    const store = new SqliteStore(db, { readonly: true });
    try {
      for (const [index, entry] of ATTACKS.entries()) {
        const record = store.getCandidate(`${result.runId}-${index + 1}`);
        expect(record, entry.name).toBeDefined();
        const { status, error, score } = record!.evaluation;
        entry.expect(status, error ?? '', score);
      }
      // Nothing the candidates saw or said holds the host's secret.
      expect(readFileSync(db).includes(SECRET)).toBe(false);
    } finally {
      store.close();
    }
  });
});
