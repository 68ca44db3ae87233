/**
 * OpenEvolve and ShinkaEvolve folders run as they are, through `ouro run`: with the embedded
 * operators, with models (a scripted server on 127.0.0.1), across a kill -9 and a resume, and
 * after `ouro convert` the same as before.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { NUMPY_PYTHON, probes, requireService } from './support/services.ts';

const BIN = resolve(import.meta.dirname, '../bin/ouro.js');
const OPENEVOLVE = resolve(import.meta.dirname, 'fixtures/openevolve-circle');
const SHINKA = resolve(import.meta.dirname, 'fixtures/shinka-circle');

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
const numpy = await requireService('python3 with numpy and scipy', probes.numpy);
const missing = bubblewrap.missing || numpy.missing;

/** A copy of a fixture folder, so that runs never write beside the checked-in files. */
function copyOf(folder: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'ouro-folder-')), 'experiment');
  cpSync(folder, copy, { recursive: true });
  return copy;
}

function ouro(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args, '--python', NUMPY_PYTHON as string], { encoding: 'utf8', timeout: 240_000 });
}

/** Like `ouro`, without blocking this process: the scripted model server lives in it. */
function ouroAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args, '--python', NUMPY_PYTHON as string], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((done) => child.once('close', (status) => done({ status, stdout, stderr })));
}

function lastJson(result: { stdout: string }): { runId: string; evaluations: number; bestScore: number } {
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
}

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'ouro-folder-db-')), 'ouro.db');

interface Row {
  id: string;
  operator: string;
  status: string;
  score: number | null;
  private_metrics: string | null;
  genome: string;
}

function rows(db: string): Row[] {
  const database = new Database(db, { readonly: true });
  try {
    return database
      .prepare(
        'SELECT c.id, c.operator, e.status, e.score, e.private_metrics, c.genome FROM candidates c ' +
          'JOIN evaluations e ON e.candidate_id = c.id ORDER BY c.rowid',
      )
      .all() as Row[];
  } finally {
    database.close();
  }
}

let replies = 0;
/** A reply in SEARCH/REPLACE form that applies to the fixture's program: a new helper, different each time. */
function addHelper(): string {
  const n = ++replies;
  const factor = (1 + n / 10).toFixed(2);
  return [
    `Rationale: a scaling helper (variant ${n}) to try next.`,
    '',
    '```',
    '<<<<<<< SEARCH',
    'def largest_radii(centers):',
    '=======',
    `def spread_${n}(values):`,
    `    # Variant ${n}: scales the values by ${factor}, then clips them to the unit interval.`,
    `    return np.clip(np.asarray(values, dtype=float) * ${factor}, 0.0, 1.0)`,
    '',
    '',
    'def largest_radii(centers):',
    '>>>>>>> REPLACE',
    '```',
  ].join('\n');
}

let server: ScriptedLlmServer;
beforeAll(async () => {
  server = await startScriptedLlmServer({
    respond: (request) => {
      const prompt = request.messages.map((message) => message.content).join('\n');
      return { text: prompt.includes('def largest_radii(centers):') ? addHelper() : '1. Smaller radii near the walls helped.' };
    },
  });
});
afterAll(async () => {
  await server?.close();
});

describe.skipIf(missing)(numpy.title(bubblewrap.title('experiment folders of other tools, run as they are')), () => {
  it('runs an OpenEvolve folder with the embedded operators, warning once about the settings it ignores', () => {
    const db = tempDb();
    const run = ouro(['run', copyOf(OPENEVOLVE), '--model', 'none', '--budget', '10', '--seed', '1', '--db', db, '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(lastJson(run).evaluations).toBe(10);
    expect(run.stderr.match(/have no equivalent here and are ignored/g)).toHaveLength(1);
    expect(run.stderr).toContain('database.population_size');
    const stored = rows(db);
    expect(stored[0]).toMatchObject({ operator: 'initial', status: 'ok' });
    expect(stored[0]?.score).toBeGreaterThan(0.5);
    // The embedded operators edit the Python program, and the evaluator scores what they write.
    const children = stored.filter((row) => row.operator !== 'initial');
    expect(children.filter((row) => row.status === 'ok').length).toBeGreaterThan(0);
    expect(new Set(children.map((row) => row.operator)).size).toBeGreaterThan(1);
  });

  it('runs a ShinkaEvolve folder; its private metrics are stored apart from the public ones', () => {
    const db = tempDb();
    const run = ouro(['run', copyOf(SHINKA), '--model', 'none', '--budget', '6', '--seed', '2', '--db', db, '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(lastJson(run).evaluations).toBe(6);
    const stored = rows(db);
    expect(stored[0]?.status).toBe('ok');
    expect(Object.keys(JSON.parse(stored[0]?.private_metrics ?? '{}')).length).toBeGreaterThan(0);
  });

  it.each([
    ['OpenEvolve', OPENEVOLVE],
    ['ShinkaEvolve', SHINKA],
  ])('runs the %s fixture with a model: replies that apply become evaluated children', async (_name, fixture) => {
    const db = tempDb();
    const model = `compat:${server.compatBaseURL}#scripted`;
    const folder = copyOf(fixture);
    // The ShinkaEvolve config names OpenAI's embedding model, which no test can reach: leave it out of the copy.
    const yaml = join(folder, 'shinka.yaml');
    if (existsSync(yaml)) writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^\s*embedding_model:.*$/m, ''));
    // Enough evaluations that the bandit reaches the LLM operators beside the twelve embedded ones,
    // whatever order parallel evaluations finish in.
    const run = await ouroAsync(['run', folder, '--model', model, '--budget', '40', '--seed', '3', '--db', db, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const stored = rows(db);
    const fromModel = stored.filter((row) => row.operator.startsWith('llm-'));
    expect(fromModel.length).toBeGreaterThan(0);
    expect(fromModel.some((row) => row.status === 'ok')).toBe(true);
    const database = new Database(db, { readonly: true });
    const calls = database.prepare('SELECT count(*) AS n FROM llm_calls').get() as { n: number };
    database.close();
    expect(calls.n).toBeGreaterThan(0);
  });

  it('survives kill -9 mid-run; the resume loses nothing and goes on', async () => {
    const db = tempDb();
    const folder = copyOf(OPENEVOLVE);
    const args = [BIN, 'run', folder, '--model', 'none', '--budget', '100000', '--seed', '4', '--db', db, '--json'];
    const child = spawn(process.execPath, [...args, '--python', NUMPY_PYTHON as string], { stdio: 'ignore' });
    for (let waited = 0; waited < 120_000; waited += 200) {
      await new Promise((done) => setTimeout(done, 200));
      if (countRows(db) >= 8) break;
    }
    child.kill('SIGKILL');
    await new Promise((done) => child.once('exit', done));
    const before = rows(db);
    expect(before.length).toBeGreaterThanOrEqual(8);
    const database = new Database(db, { readonly: true });
    expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
    const runId = (database.prepare('SELECT id FROM runs').get() as { id: string }).id;
    database.close();
    const total = before.length + 6;
    const resumed = ouro(['resume', runId, '--budget', String(total), '--db', db, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(lastJson(resumed).evaluations).toBe(total);
    const after = rows(db);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(total);
  });

  it.each([
    ['OpenEvolve', OPENEVOLVE],
    ['ShinkaEvolve', SHINKA],
  ])('%s: a folder converted with `ouro convert` runs the same as the folder did', (_name, fixture) => {
    const folder = copyOf(fixture);
    const run = (db: string) => ouro(['run', folder, '--model', 'none', '--budget', '5', '--seed', '5', '--concurrency', '1', '--db', db]);
    const firstDb = tempDb();
    expect(run(firstDb).status).toBe(0);
    const converted = spawnSync(process.execPath, [BIN, 'convert', folder], { encoding: 'utf8' });
    expect(converted.status, converted.stderr).toBe(0);
    const secondDb = tempDb();
    const second = run(secondDb);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/have no equivalent here/); // ouro.config.ts is read now, not the YAML
    const strip = (stored: Row[]) => stored.map(({ operator, status, score, genome }) => ({ operator, status, score, genome }));
    expect(strip(rows(secondDb))).toEqual(strip(rows(firstDb)));
  });

  it('runs an Ouroboros experiment whose evaluator is Python (evaluator: evaluate.py)', () => {
    const folder = mkdtempSync(join(tmpdir(), 'ouro-native-python-'));
    writeFileSync(join(folder, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(folder, 'ouro.config.ts'),
      [
        "import { defineExperiment } from 'ouroboros';",
        '',
        'export default defineExperiment({',
        "  name: 'python-native',",
        "  genome: ['solve.py'],",
        "  evaluator: 'evaluate.py',",
        "  evaluation: { timeoutMs: 10_000, privateMetrics: ['held_out'] },",
        '});',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(folder, 'solve.py'),
      ['# EVOLVE-BLOCK-START', 'def solve():', '    return [0.5, 0.25, 2.0]', '# EVOLVE-BLOCK-END', ''].join('\n'),
    );
    writeFileSync(
      join(folder, 'evaluate.py'),
      [
        'import importlib.util',
        'import numpy as np',
        '',
        'def parses(program_path):',
        '    return {"score": 1.0 if "def solve" in open(program_path).read() else 0.0}',
        '',
        'STAGES = [{"name": "parses", "evaluate": parses, "threshold": 1.0}]',
        '',
        'def evaluate(program_path, context):',
        '    spec = importlib.util.spec_from_file_location("candidate", program_path)',
        '    module = importlib.util.module_from_spec(spec)',
        '    spec.loader.exec_module(module)',
        '    values = np.asarray(module.solve(), dtype=float)',
        '    score = -float(np.sum((values - 1.0) ** 2))',
        '    return {"score": score, "metrics": {"count": len(values), "held_out": 3.0}, "feedback": f"{len(values)} values"}',
        '',
      ].join('\n'),
    );
    const db = tempDb();
    const run = ouro(['run', folder, '--model', 'none', '--budget', '6', '--seed', '6', '--db', db, '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(lastJson(run).evaluations).toBe(6);
    const stored = rows(db);
    expect(stored[0]).toMatchObject({ operator: 'initial', status: 'ok', score: -(0.25 + 0.5625 + 1) });
    expect(JSON.parse(stored[0]?.private_metrics ?? '{}')).toEqual({ held_out: 3 });
  });
});

function countRows(db: string): number {
  try {
    const database = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (database.prepare('SELECT count(*) AS n FROM evaluations').get() as { n: number }).n;
    } finally {
      database.close();
    }
  } catch {
    return 0;
  }
}
