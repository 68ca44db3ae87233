import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../engine/load-experiment.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import { writeTinyExperiment } from '../../testing/tiny-experiment.ts';
import { resumeWarnings } from './run.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/ouro.js');

function ouro(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

function copy(fixture: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ouro-run-warning-')), fixture);
  cpSync(join(ROOT, 'test/fixtures', fixture), dir, { recursive: true });
  return dir;
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('the warning for settings of a foreign config with no equivalent', () => {
  it('is printed once on stderr when ouro run starts, before anything else', () => {
    const dir = copy('openevolve-circle');
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-run-warning-db-')), 'ouro.db');
    // A replay of a run that does not exist fails right after the start: the Python evaluator never runs.
    const result = ouro(['run', dir, '--replay', 'r00000000', '--db', db]);
    expect(result.status).toBe(1);
    const warning = `ouro: ${join(dir, 'config.yaml')} is an OpenEvolve config; 12 of its settings have no equivalent here`;
    expect(occurrences(result.stderr, warning)).toBe(1);
    expect(result.stderr.indexOf(warning)).toBeLessThan(result.stderr.indexOf('--replay: no run r00000000'));
    expect(result.stderr).toContain('also: archive.features[1] (radius_spread): range 0..1 is a guess');
  });

  it('is not printed by --help, which runs nothing', () => {
    const result = ouro(['run', copy('shinka-circle'), '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: ouro run');
    expect(result.stderr).not.toContain('ShinkaEvolve config');
  });

  it('is found again for ouro resume from the folder the run started in, and only for a foreign folder', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-resume-warning-')), 'ouro.db');
    const shinka = copy('shinka-circle');
    const tiny = writeTinyExperiment();
    const store = new SqliteStore(db);
    const settings = { seed: 1, options: {}, budget: {}, concurrency: 1 };
    store.createRun({ id: 'rforeign', experiment: 'shinka', experimentDir: shinka, config: {}, settings, createdAt: Date.now() });
    store.createRun({ id: 'rtiny', experiment: 'tiny', experimentDir: tiny, config: {}, settings, createdAt: Date.now() });
    store.close();
    expect(await resumeWarnings(db, 'rforeign')).toEqual((await loadExperiment(shinka)).warnings);
    expect((await resumeWarnings(db, 'rforeign'))[0]).toContain('is a ShinkaEvolve config');
    expect(await resumeWarnings(db, 'rtiny')).toEqual([]);
    expect(await resumeWarnings(db, 'rmissing')).toEqual([]);
    expect(await resumeWarnings(join(tmpdir(), 'ouro-no-such-dir', 'ouro.db'), 'rforeign')).toEqual([]);
    // The command says it first; this run's stored config is empty, so the resume itself then fails.
    const resumed = ouro(['resume', 'rforeign', '--db', db]);
    expect(resumed.status).toBe(1);
    expect(occurrences(resumed.stderr, `ouro: ${join(shinka, 'shinka.yaml')} is a ShinkaEvolve config;`)).toBe(1);
  });
});
