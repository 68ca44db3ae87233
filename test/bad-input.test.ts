import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OuroError } from '../src/core/errors.ts';
import { evolve, resume } from '../src/engine/evolve.ts';
import { loadExperiment } from '../src/engine/load-experiment.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { TINY_GENOME, writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'ouro-bad-')), 'ouro.db');

async function failure(work: Promise<unknown>): Promise<OuroError> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(OuroError);
    return error as OuroError;
  }
  throw new Error('expected an OuroError');
}

describe('bad configs and files get errors that name the field or file', () => {
  it('names an invalid config field', async () => {
    const dir = writeTinyExperiment({ config: 'archive: { kind: "greedy", k: -3 },' });
    const error = await failure(loadExperiment(dir));
    expect(error.code).toBe('config-invalid');
    expect(error.field).toBe('archive.k');
    expect(error.message).toContain('archive.k');
    expect(error.message).toContain(join(dir, 'ouro.config.ts'));
  });

  it('names a missing required field and an unknown one', async () => {
    const dir = writeTinyExperiment({ config: 'budgett: { evaluations: 3 },' });
    const error = await failure(loadExperiment(dir));
    expect(error.message).toMatch(/budgett/);
    const noName = writeTinyExperiment();
    writeFileSync(join(noName, 'ouro.config.ts'), "export default { genome: ['solve.js'] };\n");
    expect((await failure(loadExperiment(noName))).message).toMatch(/^name: /m);
  });

  it('names a missing config file and a missing folder', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ouro-empty-'));
    expect((await failure(loadExperiment(empty))).message).toContain(join(empty, 'ouro.config.ts'));
    expect((await failure(loadExperiment(join(empty, 'nope')))).code).toBe('config-missing');
  });

  it('names an evaluator file that does not exist', async () => {
    const dir = writeTinyExperiment();
    writeFileSync(join(dir, 'ouro.config.ts'), "export default { name: 'x', genome: ['solve.js'], evaluator: 'missing.ts' };\n");
    const error = await failure(evolve(dir, { db: tempDb() }));
    expect(error.code).toBe('evaluator-missing');
    expect(error.file).toBe(join(dir, 'missing.ts'));
  });

  it('names an evaluator that exports nothing', async () => {
    const dir = writeTinyExperiment({ evaluator: 'export const unrelated = 1;\n' });
    const error = await failure(evolve(dir, { db: tempDb() }));
    expect(error.code).toBe('evaluator-invalid');
    expect(error.message).toContain(join(dir, 'evaluate.js'));
  });

  it('names a genome file missing its EVOLVE markers', async () => {
    const dir = writeTinyExperiment({ genome: 'export function solve() { return [1, 2, 3]; }\n' });
    const error = await failure(loadExperiment(dir));
    expect(error.code).toBe('genome-markers');
    expect(error.message).toContain(join(dir, 'solve.js'));
    expect(error.message).toContain('EVOLVE-BLOCK-START');
  });

  it('names an unknown run on resume', async () => {
    const error = await failure(resume('r-nope', { db: tempDb() }));
    expect(error.code).toBe('run-unknown');
    expect(error.message).toContain('r-nope');
  });

  it('names the initial candidate when the evaluator rejects it', async () => {
    const dir = writeTinyExperiment({ evaluator: 'export default async () => ({ score: NaN });\n' });
    const error = await failure(evolve(dir, { db: tempDb() }));
    expect(error.code).toBe('initial-failed');
    expect(error.candidate).toMatch(/-0$/);
    expect(error.message).toMatch(/invalid: score is NaN/);
  });
});

/** An evaluator that scores the initial genome and misbehaves on every child. */
function misbehaving(body: string): string {
  return `export default async function evaluate(genome, context) {
  const [a, b, c] = await (await context.isolate('solve.js')).call('solve');
  if (a === 1 && b === 0.5 && c === 2.5) return { score: -14.25 };
  ${body}
}
`;
}

// Only the hanging case needs a short time limit; the others get a long one, so that a loaded
// machine cannot turn a slow allocation into a timeout.
const cases: Array<[string, string, string, RegExp, number]> = [
  ['throws', "throw new Error('evaluator exploded');", 'error', /evaluator exploded/, 30_000],
  ['hangs', 'while (true) {}', 'timeout', /1000 ?ms|timed? ?out|time limit/i, 1000],
  [
    'allocates without bound',
    'const hoard = []; while (true) hoard.push(new Array(1e6).fill(Math.random()));',
    'error',
    /memory limit/i,
    30_000,
  ],
  ['returns NaN', 'return { score: NaN };', 'invalid', /score is NaN/, 30_000],
  ['returns a string', "return 'great';", 'invalid', /string/, 30_000],
  ['returns nothing', 'return;', 'invalid', /nothing|undefined/, 30_000],
];

describe('a misbehaving evaluator marks the candidate and the run goes on', () => {
  for (const [what, body, status, message, timeoutMs] of cases) {
    it(`${what} -> ${status}`, async () => {
      const db = tempDb();
      const dir = writeTinyExperiment({
        genome: TINY_GENOME,
        evaluator: misbehaving(body),
      });
      writeFileSync(
        join(dir, 'ouro.config.ts'),
        `export default {
  name: 'misbehaving', genome: ['solve.js'], evaluator: 'evaluate.js', operators: ['perturb-number'],
  evaluation: { timeoutMs: ${timeoutMs}, memoryMb: 128, concurrency: 1 },
};
`,
      );
      const result = await evolve(dir, { db, seed: 1, budget: { evaluations: 3 } });
      expect(result.evaluations).toBe(3);
      const store = new SqliteStore(db, { readonly: true });
      const children = [...store.replay(result.runId)].flatMap((row) => (row.kind === 'candidate' ? [row] : [])).slice(1);
      store.close();
      expect(children).toHaveLength(2);
      for (const child of children) {
        expect(child.evaluation.status).toBe(status);
        expect(child.evaluation.error).toMatch(message);
        expect(child.evaluation.score).toBeUndefined();
      }
    });
  }
});
