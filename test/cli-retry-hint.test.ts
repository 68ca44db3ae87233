// The CLI says that trying again may work only when the error says so (isRetryable).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

const BIN = resolve(import.meta.dirname, '../bin/ouro.js');

function ouro(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
}

/** A port nothing listens on: connections to it are refused at once. */
const NO_REDIS = 'redis://127.0.0.1:1';

describe('ouro error hints', () => {
  it('tells a run that failed for a passing reason that it may be tried again or resumed', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-hint-')), 'ouro.db');
    const run = ouro(['run', writeTinyExperiment(), '--fleet', NO_REDIS, '--budget', '5', '--db', db]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot reach Redis');
    expect(run.stderr).toMatch(/try again/);
    expect(run.stderr).toContain('ouro resume <run>');
  });

  it('gives a command other than run no resume hint, only the try-again one', () => {
    const status = ouro(['fleet', 'status', '--fleet', NO_REDIS]);
    expect(status.status).toBe(1);
    expect(status.stderr).toContain('cannot reach Redis');
    expect(status.stderr).toMatch(/try again/);
    expect(status.stderr).not.toContain('ouro resume');
  });

  it('gives no hint for an error that trying again cannot fix, and says so in --json', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-hint-')), 'ouro.db');
    const resume = ouro(['resume', 'rnosuchrun', '--db', db, '--json']);
    expect(resume.status).toBe(1);
    expect(resume.stderr).toContain('no run rnosuchrun');
    expect(resume.stderr).not.toMatch(/try again|ouro resume <run>/);
    const error = JSON.parse(resume.stdout.trim().split('\n').at(-1) as string).error;
    expect(error).toMatchObject({ code: 'run-unknown', isRetryable: false });
  });
});
