import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

const BIN = resolve(import.meta.dirname, '../bin/ouro.js');
const ROOT = resolve(import.meta.dirname, '..');

function ouro(args: string[], options: { cwd?: string; uid?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, encoding: 'utf8', uid: options.uid, timeout: 120_000 });
}

function json(result: SpawnSyncReturns<string>): any {
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) as string);
}

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'ouro-cli-')), 'ouro.db');

// Root ignores file modes, so the read-only check runs as an unprivileged user when the tests run
// as root; that user must be able to read this checkout.
const UNPRIVILEGED = process.getuid?.() === 0 ? 65534 : undefined;
const canDropPrivileges =
  UNPRIVILEGED === undefined ||
  spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(BIN)})`], { uid: UNPRIVILEGED }).status === 0;

describe('ouro CLI', () => {
  it('runs, lists, shows and exports the best of a run', () => {
    const db = tempDb();
    const dir = writeTinyExperiment();
    const run = ouro(['run', dir, '--seed', '3', '--budget', '25', '--db', db, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const result = json(run);
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['runId', 'bestScore', 'bestCandidate', 'evaluations', 'elapsedMs']));
    expect(result.evaluations).toBe(25);

    const ls = json(ouro(['ls', '--db', db, '--json']));
    expect(ls).toEqual([expect.objectContaining({ id: result.runId, status: 'finished', evaluations: 25, bestScore: result.bestScore })]);

    const show = ouro(['show', result.bestCandidate, '--db', db]);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toContain(`candidate ${result.bestCandidate}`);
    expect(show.stdout).toContain('--- solve.js');

    const out = mkdtempSync(join(tmpdir(), 'ouro-best-'));
    const best = ouro(['best', result.runId, '--db', db, '--out', out]);
    expect(best.status, best.stderr).toBe(0);
    expect(readFileSync(join(out, 'solve.js'), 'utf8')).toContain('EVOLVE-BLOCK-START');
  });

  it('prints the text summary with the best program path and how to look at the run', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ouro-cwd-'));
    const run = ouro(['run', writeTinyExperiment(), '--budget', '10'], { cwd });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/best score: -?\d/);
    const path = /best program: (\S+)/.exec(run.stdout)?.[1] as string;
    expect(existsSync(join(cwd, path))).toBe(true);
    expect(run.stdout).toMatch(/ouro best r\w+/);
    expect(run.stdout).toMatch(/ouro show r\w+-\d+/);
    expect(existsSync(join(cwd, '.ouro/ouro.db'))).toBe(true);
  });

  it("lists an experiment's own options in run --help and accepts them as flags", () => {
    const help = ouro(['run', 'examples/bin-packing', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--instances <value>');
  });

  it('passes an experiment option from its flag to the evaluator, and names a bad value', () => {
    const dir = writeTinyExperiment({
      evaluator:
        'export default async (genome, context) => ({ score: context.options.bonus ?? 0, metrics: { bonus: ' +
        'context.options.bonus ?? -1 } });\n',
      config: "options: z.object({ bonus: z.number().min(0).optional().describe('added to every score') }),",
    });
    const config = join(dir, 'ouro.config.ts');
    writeFileSync(config, `import { z } from 'ouroboros';\n${readFileSync(config, 'utf8')}`);
    const db = tempDb();
    const help = ouro(['run', dir, '--help']);
    expect(help.stdout).toContain('--bonus <n>');
    expect(help.stdout).toContain('added to every score');
    const run = ouro(['run', dir, '--bonus', '7', '--budget', '2', '--db', db, '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(json(run).bestScore).toBe(7);
    const bad = ouro(['run', dir, '--bonus', '-3', '--budget', '2', '--db', db]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('option --bonus');
  });

  it('resolves ouroboros/testing from an experiment anywhere on disk, in the config and in the evaluator', () => {
    const dir = writeTinyExperiment({
      evaluator: `import { TINY_GENOME } from 'ouroboros/testing';
export default async function evaluate(genome) {
  return { score: genome['solve.js'] === TINY_GENOME ? 1 : 0 };
}
`,
    });
    const run = ouro(['run', dir, '--seed', '1', '--budget', '3', '--db', tempDb(), '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(json(run).bestScore).toBe(1);
  });

  it('names unknown runs and candidates', () => {
    const db = tempDb();
    ouro(['run', writeTinyExperiment(), '--budget', '3', '--db', db, '--json']);
    const show = ouro(['show', 'rnope-4', '--db', db]);
    expect(show.status).toBe(1);
    expect(show.stderr).toContain('no run or candidate rnope-4');
    const resume = ouro(['resume', 'rnope', '--db', db, '--json']);
    expect(resume.status).toBe(1);
    expect(json(resume).error).toMatchObject({ code: 'run-unknown' });
    const best = ouro(['best', 'rnope', '--db', db]);
    expect(best.stderr).toContain('no run rnope');
  });

  it('names a bad --budget and a bad option value', () => {
    const budget = ouro(['run', writeTinyExperiment(), '--budget', 'lots', '--db', tempDb()]);
    expect(budget.status).toBe(1);
    expect(budget.stderr).toContain('option --budget: "lots"');
  });

  it('refuses a database locked by another process, naming the file', () => {
    const db = tempDb();
    ouro(['run', writeTinyExperiment(), '--budget', '2', '--db', db, '--json']);
    const holder = new Database(db);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const run = ouro(['run', writeTinyExperiment(), '--budget', '2', '--db', db]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`database ${db} is locked`);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it.skipIf(!canDropPrivileges)(
    `refuses a read-only database, naming the file, and still lists it${
      canDropPrivileges ? '' : ' (skipped: running as root and user 65534 cannot read this checkout; move it under a world-readable path)'
    }`,
    () => {
      const db = tempDb();
      const dir = writeTinyExperiment();
      ouro(['run', dir, '--budget', '2', '--db', db, '--json']);
      chmodSync(db, 0o444);
      chmodSync(join(db, '..'), 0o555);
      chmodSync(join(dir, '..'), 0o755);
      const uid = UNPRIVILEGED;
      const run = ouro(['run', dir, '--budget', '2', '--db', db], { uid, cwd: tmpdir() });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`database ${db} is read-only|cannot open database ${db}`));
      const ls = ouro(['ls', '--db', db, '--json'], { uid, cwd: tmpdir() });
      expect(ls.status, ls.stderr).toBe(0);
      expect(json(ls)).toHaveLength(1);
    },
  );

  it('stops cleanly on Ctrl-C (SIGINT), records the run as stopped, and resumes', async () => {
    const db = tempDb();
    const child = spawn(process.execPath, [BIN, 'run', writeTinyExperiment(), '--seed', '2', '--budget', '100000', '--db', db, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    await waitForCandidates(db, 10);
    child.kill('SIGINT');
    const code = await new Promise((done) => child.once('exit', done));
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(result.stopReason).toBe('interrupted');
    expect(json(ouro(['ls', '--db', db, '--json']))[0]).toMatchObject({
      id: result.runId,
      status: 'stopped',
      evaluations: result.evaluations,
    });
    const resumed = ouro(['resume', result.runId, '--budget', String(result.evaluations + 5), '--db', db, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(json(resumed).evaluations).toBe(result.evaluations + 5);
  });

  it('survives kill -9 mid-run: committed candidates intact, resume continues without loss', async () => {
    const db = tempDb();
    const dir = writeTinyExperiment();
    const child = spawn(process.execPath, [BIN, 'run', dir, '--seed', '9', '--budget', '100000', '--db', db, '--json'], {
      stdio: 'ignore',
    });
    const committed = await waitForCandidates(db, 30);
    child.kill('SIGKILL');
    await new Promise((done) => child.once('exit', done));
    expect(committed).toBeGreaterThanOrEqual(30);

    const reader = new Database(db, { readonly: true });
    expect(reader.pragma('integrity_check', { simple: true })).toBe('ok');
    const before = reader
      .prepare('SELECT c.id, c.genome, e.score FROM candidates c JOIN evaluations e ON e.candidate_id = c.id ORDER BY c.rowid')
      .all();
    const orphans = (
      reader
        .prepare('SELECT count(*) AS n FROM candidates c LEFT JOIN evaluations e ON e.candidate_id = c.id WHERE e.candidate_id IS NULL')
        .get() as { n: number }
    ).n;
    const runId = (reader.prepare('SELECT id FROM runs').get() as { id: string }).id;
    reader.close();
    expect(orphans).toBe(0);

    const total = before.length + 20;
    const resumed = ouro(['resume', runId, '--budget', String(total), '--db', db, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(json(resumed).evaluations).toBe(total);

    const after = new Database(db, { readonly: true });
    const rows = after
      .prepare('SELECT c.id, c.genome, e.score FROM candidates c JOIN evaluations e ON e.candidate_id = c.id ORDER BY c.rowid')
      .all();
    after.close();
    expect(rows.slice(0, before.length)).toEqual(before);
    expect(rows).toHaveLength(total);
  });

  it('scaffolds an experiment with init that runs as generated', () => {
    const parent = mkdtempSync(join(tmpdir(), 'ouro-init-'));
    const init = ouro(['init', 'my-experiment'], { cwd: parent });
    expect(init.status, init.stderr).toBe(0);
    const run = ouro(['run', 'my-experiment', '--budget', '30', '--seed', '1', '--json'], { cwd: parent });
    expect(run.status, run.stderr).toBe(0);
    const result = json(run);
    expect(result.evaluations).toBe(30);
    const initial = json(ouro(['show', `${result.runId}-0`, '--json'], { cwd: parent }));
    expect(result.bestScore).toBeGreaterThan(initial.evaluation.score);
    const again = ouro(['init', 'my-experiment'], { cwd: parent });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists');
  });
});

/** Polls the database until at least `count` candidates are committed; returns how many there are. */
async function waitForCandidates(db: string, count: number): Promise<number> {
  let committed = 0;
  for (let attempt = 0; attempt < 600 && committed < count; attempt++) {
    await new Promise((done) => setTimeout(done, 100));
    if (!existsSync(db)) continue;
    try {
      const reader = new Database(db, { readonly: true });
      committed = (reader.prepare('SELECT count(*) AS n FROM candidates').get() as { n: number }).n;
      reader.close();
    } catch {
      // The schema may not exist yet.
    }
  }
  return committed;
}
