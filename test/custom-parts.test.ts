import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GreedyArchive } from '../src/archive/index.ts';
import { OuroError } from '../src/core/errors.ts';
import type { Operator } from '../src/core/operator.ts';
import { evolve, resume } from '../src/engine/evolve.ts';
import { checkExperiment, loadExperiment } from '../src/engine/load-experiment.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';
import { ouroErrorOf } from './support/ouro-error.ts';

// An operator written outside the engine, as a user would: it flips the sign of one number.
const NEGATE_NUMBER =
  `import { findRegions, type Operator } from 'ouroboros';

export const negateNumber: Operator = {
  name: 'negate-number',
  arity: 1,
  languages: ['JavaScript'],
  canEdit: (file) => file.endsWith('.js'),
  async propose({ parents: [parent], rng }) {
    const text = parent!.genome['solve.js']!;
    const sites = findRegions(text, 'solve.js').flatMap(({ start, end }) =>
      [...text.slice(start, end).matchAll(/-?\\b\\d+(\\.\\d+)?\\b/g)].map((match) => ({ at: start + match.index, number: match[0] })));
    if (sites.length === 0) return { failure: 'no number to negate' };
    const { at, number } = rng.pick(sites);
    const negated = number.startsWith('-') ? number.slice(1) : '-' + number;
    return { genome: { 'solve.js': text.slice(0, at) + negated + text.slice(at + number.length) }, ` +
  `description: 'negate-number ' + number + ' -> ' + negated };
  },
};
`;

/** The tiny experiment with negate-number beside perturb-number, and a greedy archive built by a function. */
function writeCustomExperiment(
  config = "operators: ['perturb-number', negateNumber],\n  archive: () => new GreedyArchive({ k: 3 }),",
): string {
  const dir = writeTinyExperiment({ config });
  writeFileSync(join(dir, 'negate-number.ts'), NEGATE_NUMBER);
  setConfig(dir, config);
  return dir;
}

/** Rewrites the experiment's config with other operator and archive lines. */
function setConfig(dir: string, lines: string): void {
  const file = join(dir, 'ouro.config.ts');
  const text = readFileSync(file, 'utf8')
    .replace(/^import .*\n/gm, '')
    .replace(/(concurrency: 1 },\n)[\s\S]*(\n\}\);)/, `$1  ${lines}$2`);
  writeFileSync(
    file,
    `import { defineExperiment, DgmArchive, GreedyArchive } from 'ouroboros';\nimport { negateNumber } from './negate-number.ts';\n${text}`,
  );
}

const tempDb = (): string => join(mkdtempSync(join(tmpdir(), 'ouro-custom-')), 'ouro.db');

function history(db: string, runId: string): string[] {
  const store = new SqliteStore(db, { readonly: true });
  try {
    return [...store.replay(runId)].flatMap((row) =>
      row.kind === 'failures'
        ? []
        : [`${row.candidate.seq} ${row.candidate.origin.operator} ${row.state.genomeHash} ${row.evaluation.score}`],
    );
  } finally {
    store.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<OuroError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof OuroError)) throw new Error(`expected an OuroError, got ${String(error)}`);
  return error;
}

const operator: Operator = { name: 'mine', arity: 1, propose: async () => ({ failure: 'not used here' }) };

describe('operators and archives written in code', () => {
  it('refuses a bad Pareto option with a config error naming the field', () => {
    const error = ouroErrorOf(() =>
      checkExperiment('.', 'ouro.config.ts', { name: 'test', genome: ['a.js'], archive: { kind: 'pareto', scoreAsInstance: 'yes' } }),
    );
    expect(error.field).toBe('archive.scoreAsInstance');
    expect(error.message).toMatch(/archive\.scoreAsInstance: .*boolean/);
  });

  it('run, are stored by name, and resume exactly where an uninterrupted run would be', async () => {
    const dir = writeCustomExperiment();
    const whole = tempDb();
    const split = tempDb();
    const uninterrupted = await evolve(dir, { db: whole, seed: 11, budget: { evaluations: 30 } });
    const firstPart = await evolve(dir, { db: split, seed: 11, budget: { evaluations: 12 } });
    const resumed = await resume(firstPart.runId, { db: split, budget: { evaluations: 30 } });
    expect(resumed.evaluations).toBe(30);
    const rows = history(split, firstPart.runId);
    expect(rows).toEqual(history(whole, uninterrupted.runId));
    // Both operators took part before and after the resume, and negate-number's children were scored.
    for (const part of [rows.slice(1, 12), rows.slice(12)]) {
      expect(part.some((row) => row.split(' ')[1] === 'negate-number')).toBe(true);
      expect(part.some((row) => row.split(' ')[1] === 'perturb-number')).toBe(true);
    }
    expect(rows.filter((row) => row.split(' ')[1] === 'negate-number').every((row) => Number.isFinite(Number(row.split(' ')[3])))).toBe(
      true,
    );
    const store = new SqliteStore(split, { readonly: true });
    const config = store.getRun(firstPart.runId)?.config as Record<string, unknown>;
    store.close();
    expect(config.operators).toEqual(['perturb-number', 'negate-number']);
    expect(config.archive).toEqual({ kind: 'greedy', custom: true });
  });

  it('fail one proposal, not the run, when an embedded operator throws', async () => {
    const dir = writeCustomExperiment(
      "operators: ['perturb-number', { name: 'always-throws', arity: 1, async propose() { throw new Error('boom at line 3'); } }],",
    );
    const db = tempDb();
    const result = await evolve(dir, { db, seed: 4, concurrency: 1, budget: { evaluations: 12 } });
    expect(result.evaluations).toBe(12);
    const store = new SqliteStore(db, { readonly: true });
    try {
      const failures = [...store.replay(result.runId)].flatMap((row) => (row.kind === 'failures' ? [row.failures] : []));
      expect(
        failures.some(({ operator, reason }) => operator === 'always-throws' && reason === 'always-throws threw: boom at line 3'),
      ).toBe(true);
    } finally {
      store.close();
    }
  });

  it('refuse to resume when the config no longer defines what the run used', async () => {
    const dir = writeCustomExperiment();
    const db = tempDb();
    const first = await evolve(dir, { db, seed: 2, budget: { evaluations: 3 } });
    setConfig(dir, "operators: ['perturb-number'],\n  archive: () => new GreedyArchive({ k: 3 }),");
    const lost = await failure(resume(first.runId, { db, budget: { evaluations: 5 } }));
    expect(lost.message).toBe(
      `run ${first.runId} used the operator "negate-number", which ${join(dir, 'ouro.config.ts')} no longer defines: put it back in ` +
        `operators to continue the run`,
    );
    setConfig(dir, "operators: ['perturb-number', negateNumber],\n  archive: () => new DgmArchive({ lambda: 10 }),");
    const changed = await failure(resume(first.runId, { db, budget: { evaluations: 5 } }));
    expect(changed.message).toContain(
      `archive: run ${first.runId} used an archive of kind "greedy", and the archive function ` +
        `in ${join(dir, 'ouro.config.ts')} now builds "dgm"`,
    );
    setConfig(dir, "operators: ['perturb-number', negateNumber],\n  archive: { kind: 'greedy', k: 3 },");
    const gone = await failure(resume(first.runId, { db, budget: { evaluations: 5 } }));
    expect(gone.message).toContain('which no longer has one');
  });

  it('name the entry at fault in operators', async () => {
    const dir = writeTinyExperiment();
    const configFile = join(dir, 'ouro.config.ts');
    const check = (operators: unknown[]): OuroError => {
      try {
        checkExperiment(dir, configFile, { name: 'tiny', genome: ['solve.js'], evaluator: 'evaluate.js', operators });
      } catch (error) {
        if (error instanceof OuroError) return error;
        throw error;
      }
      throw new Error('expected the config to be refused');
    };
    const arity = check(['perturb-number', 'swap-operator', { ...operator, arity: 3 }]);
    expect(arity.field).toBe('operators[2]');
    expect(arity.message).toContain('operators[2]: operator "mine": arity must be 1 (a mutation) or 2 (a crossover), got 3');
    expect(check(['crossover', { name: 'mine', arity: 1 }]).message).toContain('operators[1]: operator "mine": propose must be a function');
    expect(check([operator, 7]).message).toContain(
      'operators[1]: expected an operator name or an Operator object ({ name, arity, propose }), got number',
    );
    expect(check([operator, 'perturb-number', operator]).message).toContain('operators[2]: operator "mine" is listed twice');
    expect(check([{ ...operator, canEdit: 'py' }]).message).toContain(
      'operators[0]: operator "mine": canEdit must be a function (file) => boolean',
    );

    // Names are checked against the built-in ones when the run starts, before anything is created.
    writeCustomExperiment();
    const unknown = await failure(evolve(writeCustomExperiment("operators: ['perturb-number', 'perturb-nunber'],"), { db: tempDb() }));
    expect(unknown.message).toMatch(/^operators\[1\]: unknown operator "perturb-nunber"/);
    const taken = await failure(evolve(writeCustomExperiment("operators: [{ ...negateNumber, name: 'crossover' }],"), { db: tempDb() }));
    expect(taken.message).toBe(
      'operators[0]: an Operator object is named "crossover", like a built-in operator: give it a name of its own',
    );
  });

  it('name the archive at fault: an archive object, an unknown kind, a function that returns no archive', async () => {
    const loadFailure = async (config: string): Promise<OuroError> => failure(loadExperiment(writeCustomExperiment(config)));
    const object = await loadFailure('archive: new GreedyArchive({ k: 3 }),');
    expect(object.message).toContain(
      'archive: pass a function that returns a new archive, such as `archive: () => new MyArchive()`, not an archive object',
    );
    expect((await loadFailure("archive: { kind: 'best' },")).message).toContain(
      `archive: kind must be one of 'dgm', 'greedy', 'map-elites', 'pareto' (got "best")`,
    );
    expect((await loadFailure("archive: { kind: 'greedy', k: 0 },")).field).toBe('archive.k');
    const empty = await failure(evolve(writeCustomExperiment("archive: () => ({ kind: 'half', add: () => true }),"), { db: tempDb() }));
    expect(empty.message).toBe(
      'archive: the archive function returned an object, not an Archive: it lacks recordChild, selectParents, inspirations, best, size',
    );
    // A function that builds a fresh archive each time is what the run wants.
    expect(new GreedyArchive({ k: 3 }).kind).toBe('greedy');
  });
});
