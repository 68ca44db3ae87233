import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isOuroError } from '../src/core/errors.ts';
import { runSoup } from '../src/soup/run.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import type { SoupStore } from '../src/soup/store.ts';
import { SOUP_TABLES } from '../src/soup/store-sqlite.ts';

const BIN = resolve(import.meta.dirname, '../bin/ouro.js');
const tempDb = () => join(mkdtempSync(join(tmpdir(), 'ouro-soup-')), 'ouro.db');

function ouro(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
}

function withSoups<T>(db: string, read: (soups: SoupStore) => T): T {
  const store = new SqliteStore(db, { readonly: true });
  try {
    return read(store.tables(SOUP_TABLES) as SoupStore);
  } finally {
    store.close();
  }
}

/** What a run's history is, without wall times: equal for equal seeds whatever the threads or restarts. */
function history(db: string, runId: string) {
  return withSoups(db, (soups) => ({
    metrics: soups.soupMetrics(runId).map(({ elapsedMs: _elapsed, ...row }) => ({ ...row, histogram: [...row.histogram] })),
    final: Buffer.from(soups.soupSnapshot(runId)!.bytes).toString('base64'),
  }));
}

const SMALL = { size: 512, seed: 5, mutation: 1 / 1024, metricsEvery: 4, snapshotEvery: 8 };

describe('runSoup', () => {
  it('is deterministic for a seed, and the same on 1 and 2 threads', async () => {
    const db = tempDb();
    const one = await runSoup({ db, ...SMALL, epochs: 24 });
    const again = await runSoup({ db, ...SMALL, epochs: 24 });
    const two = await runSoup({ db, ...SMALL, epochs: 24, workers: 2 });
    expect(one.epochs).toBe(24);
    const reference = history(db, one.runId);
    expect(reference.metrics.map((row) => row.epoch)).toEqual([0, 4, 8, 12, 16, 20, 24]);
    expect(reference.metrics.at(-1)!.interactions).toBe(24 * 256);
    expect(history(db, again.runId)).toEqual(reference);
    expect(history(db, two.runId)).toEqual(reference);
    expect(withSoups(db, (soups) => soups.soupSnapshotEpochs(one.runId))).toEqual([0, 8, 16, 24]);
  });

  it('resumes from its latest snapshot to exactly the history of an uninterrupted run', async () => {
    const db = tempDb();
    const whole = await runSoup({ db, ...SMALL, epochs: 40 });
    const controller = new AbortController();
    const cut = await runSoup({
      db,
      ...SMALL,
      epochs: 40,
      signal: controller.signal,
      onMetrics: (row) => {
        if (row.epoch === 20) controller.abort();
      },
    });
    expect(cut.stoppedBy).toBe('signal');
    expect(cut.epochs).toBeLessThan(40);
    expect(withSoups(db, (soups) => soups.getSoupRun(cut.runId)!.status)).toBe('stopped');
    const resumed = await runSoup({ db, resume: cut.runId, workers: 2 });
    expect(resumed.runId).toBe(cut.runId);
    expect(resumed.epochs).toBe(40);
    expect(history(db, cut.runId)).toEqual(history(db, whole.runId));
    expect(withSoups(db, (soups) => soups.getSoupRun(cut.runId)!.status)).toBe('finished');
  });

  it('refuses to resume as another substrate, or from a snapshot of another substrate', async () => {
    const db = tempDb();
    const run = await runSoup({ db, ...SMALL, epochs: 8 });
    await expect(runSoup({ db, resume: run.runId, substrate: 'subleq', epochs: 16 })).rejects.toThrow(
      `soup run ${run.runId} runs bff; it cannot be resumed as subleq`,
    );
    // A snapshot that claims another substrate (written by hand: the tables are append-only).
    const raw = new Database(db);
    raw
      .prepare(
        `INSERT INTO soup_snapshots (run_id, epoch, substrate, bytes, rng_state, interactions, steps, elapsed_ms, created_at)
      SELECT run_id, 99, 'subleq', bytes, rng_state, interactions, steps, elapsed_ms, created_at FROM soup_snapshots WHERE ` +
          `run_id = ? AND epoch = 8`,
      )
      .run(run.runId);
    raw.close();
    const refusal = await runSoup({ db, resume: run.runId, epochs: 200 }).catch((error: unknown) => error);
    expect(isOuroError(refusal) && refusal.code).toBe('soup-mismatch');
    expect(String(refusal)).toContain('is of substrate subleq, not bff; refusing to resume');
  });

  it('stops at the state transition when asked, and records its epoch', async () => {
    // Every program the same 64 distinct bytes: 6 bits of Shannon entropy that brotli squeezes to
    // almost nothing, so high-order entropy is far above 3 before the first epoch.
    const program = new Uint8Array(64).map((_, i) => 128 + i);
    const db = tempDb();
    const result = await runSoup({
      db,
      size: 64,
      seed: 1,
      epochs: 100,
      mutation: 0,
      stopOnTransition: true,
      seedPrograms: Array(64).fill(program),
    });
    expect(result.stoppedBy).toBe('transition');
    expect(result.transitionEpoch).toBe(0);
    expect(result.epochs).toBe(0);
    expect(result.highOrderEntropy).toBeGreaterThan(3);
  });

  it('lets one seeded BFF replicator take over a random soup (seed 1 of 4,096 programs)', async () => {
    // With one replicator in program 0, it spreads in 3 of seeds 1–12 at this size (1, 3 and 10),
    // close to the paper's 22%; in the others its partners overwrite it early.
    const db = tempDb();
    const { bffSubstrate } = await import('../src/soup/bff.ts');
    const result = await runSoup({ db, size: 4096, seed: 1, epochs: 100, metricsEvery: 50, seedPrograms: [bffSubstrate.knownReplicator!] });
    const bytes = Buffer.from(withSoups(db, (soups) => soups.soupSnapshot(result.runId)!.bytes));
    const needle = Buffer.from('[[{.>]-]]-]>.{[[', 'latin1');
    let copies = 0;
    for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) copies++;
    expect(copies).toBeGreaterThan(400);
    expect(result.topReplicatorScore).toBeGreaterThanOrEqual(5);
  }, 60_000);

  it('runs the SUBLEQ substrate, whose known replicator fills a soup without mutation', async () => {
    // Takeover is a matter of luck (a partner's code can overwrite the replicator before it copies
    // itself): with these settings it happens for seeds 3, 5, 6 and 7 of 1–8; seed 3 keeps it intact.
    const db = tempDb();
    const { SUBSTRATES } = await import('../src/soup/substrates.ts');
    const replicator = SUBSTRATES.get('subleq')!.knownReplicator!;
    const result = await runSoup({
      db,
      substrate: 'subleq',
      size: 256,
      seed: 3,
      epochs: 40,
      mutation: 0,
      metricsEvery: 8,
      seedPrograms: [replicator],
    });
    expect(result.substrate).toBe('subleq');
    expect(result.topPrograms[0]!.program).toBe(Buffer.from(replicator).toString('hex'));
    expect(result.topPrograms[0]!.count).toBeGreaterThan(16);
    expect(result.topReplicatorScore).toBeGreaterThanOrEqual(5);
  });
});

describe('ouro soup', () => {
  it('runs with --json, shows the run as readable programs and lists it', () => {
    const db = tempDb();
    const run = ouro(['soup', 'run', '--size', '256', '--epochs', '16', '--seed', '3', '--seed-replicator', '--db', db, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(['runId', 'epochs', 'highOrderEntropy', 'transitionEpoch', 'interactionsPerSecond', 'topPrograms']),
    );
    expect(result).toMatchObject({ epochs: 16, transitionEpoch: null });
    expect(result.interactionsPerSecond).toBeGreaterThan(0);

    const show = ouro(['soup', 'show', result.runId, '--top', '3', '--db', db]);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toContain(`soup ${result.runId} (finished): bff, 256 programs, seed 3`);
    expect(show.stdout).toContain('no state transition yet');
    expect(
      show.stdout
        .trim()
        .split('\n')
        .filter((line) => /^ {2}x\d/.test(line)),
    ).toHaveLength(3);

    const ls = JSON.parse(ouro(['soup', 'ls', '--db', db, '--json']).stdout);
    expect(ls).toEqual([expect.objectContaining({ id: result.runId, substrate: 'bff', size: 256, epoch: 16, status: 'finished' })]);
  });

  it('refuses bad sizes, epochs, mutation rates and substrates with the allowed range, and writes nothing', () => {
    const db = tempDb();
    const cases: Array<[string[], RegExp]> = [
      [['--size', '0'], /--size: soup size must be an even integer from 2 to 4194304/],
      [['--size', '3'], /--size: soup size must be an even integer from 2 to 4194304/],
      [['--size', String(2 ** 23)], /--size: soup size must be an even integer from 2 to 4194304/],
      [['--epochs', '0'], /--epochs: epochs must be an integer from 1 to 100,000,000, got 0/],
      [['--epochs', '-5'], /--epochs: epochs must be an integer from 1 to 100,000,000, got -5/],
      [['--mutation', '1.5'], /--mutation: mutation rate must be a number from 0 to 1, got 1.5/],
      [['--mutation', 'lots'], /--mutation must be a number, got "lots"/],
      [['--workers', '0'], /workers must be an integer from 1 to 256, got 0/],
      [['--substrate', 'forth'], /unknown substrate "forth"; known: bff, subleq/],
      [['--resume', 'snope'], /no soup run snope/],
    ];
    for (const [flags, message] of cases) {
      const result = ouro(['soup', 'run', '--db', db, ...flags]);
      expect(result.status, flags.join(' ')).toBe(1);
      expect(result.stderr, flags.join(' ')).toMatch(message);
    }
    if (existsSync(db)) expect(withSoups(db, (soups) => soups.listSoupRuns())).toEqual([]);
  });

  it('survives kill -9: the resumed run ends exactly where an uninterrupted one does', async () => {
    const db = tempDb();
    const flags = ['--size', '2048', '--seed', '9', '--epochs', '200', '--metrics-every', '10', '--snapshot-every', '20', '--db', db];
    const child = spawn(process.execPath, [BIN, 'soup', 'run', ...flags], { stdio: 'ignore' });
    // Kill once a snapshot after epoch 0 is committed.
    let runId: string | undefined;
    for (let tries = 0; tries < 600 && runId === undefined; tries++) {
      await new Promise((done) => setTimeout(done, 100));
      if (!existsSync(db)) continue;
      try {
        const raw = new Database(db, { readonly: true });
        const row = raw.prepare('SELECT run_id FROM soup_snapshots WHERE epoch >= 20 LIMIT 1').get() as { run_id: string } | undefined;
        raw.close();
        runId = row?.run_id;
      } catch {
        // The tables may not exist yet.
      }
    }
    child.kill('SIGKILL');
    await new Promise((done) => child.once('exit', done));
    expect(runId).toBeDefined();
    const status = withSoups(db, (soups) => soups.getSoupRun(runId!)!.status);
    expect(status).toBe('crashed-or-running');

    const resumed = ouro(['soup', 'run', '--resume', runId!, '--db', db, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).epochs).toBe(200);
    const whole = ouro(['soup', 'run', ...flags, '--json']);
    expect(history(db, runId!)).toEqual(history(db, JSON.parse(whole.stdout).runId));
  }, 120_000);
});
