import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../engine/load-experiment.ts';
import { detectFormat, type ForeignFolder, mapFolder } from '../../formats/index.ts';
import { EMBEDDED_OPERATORS } from '../../propose/index.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/ouro.js');

function ouro(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

/** A copy of a fixture folder, named like the fixture so that the experiment's name is the same wherever it sits. */
function copy(fixture: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ouro-convert-')), fixture);
  cpSync(join(ROOT, 'test/fixtures', fixture), dir, { recursive: true });
  return dir;
}

describe('ouro convert', () => {
  for (const fixture of ['openevolve-circle', 'shinka-circle']) {
    it(`writes an ouro.config.ts that loads to the same config as the ${fixture} folder itself`, async () => {
      const dir = copy(fixture);
      const direct = await loadExperiment(dir);
      const { unmapped } = mapFolder(dir, detectFormat(dir) as ForeignFolder, EMBEDDED_OPERATORS);
      expect(unmapped.length).toBeGreaterThan(5);
      const converted = ouro(['convert', dir]);
      expect(converted.status, converted.stderr).toBe(0);
      expect(converted.stdout).toContain(`run it with: npx ouro run ${dir}`);
      const text = readFileSync(join(dir, 'ouro.config.ts'), 'utf8');
      expect(text).toContain("import { defineExperiment } from 'ouroboros';");
      for (const key of unmapped) expect(text).toContain(`//   ${key}\n`);

      const reloaded = await loadExperiment(dir);
      expect(reloaded.configFile).toBe(join(dir, 'ouro.config.ts'));
      expect(reloaded.config).toEqual(direct.config);
      expect(reloaded.genome).toEqual(direct.genome);
      expect(reloaded.evaluatorFile).toBe(direct.evaluatorFile);
      expect(reloaded.warnings).toEqual([]);
    });
  }

  it('says the seed to pass on the command line, and keeps it in the comment', () => {
    const dir = copy('openevolve-circle');
    const converted = ouro(['convert', dir, '--json']);
    expect(converted.status, converted.stderr).toBe(0);
    const report = JSON.parse(converted.stdout);
    expect(report).toMatchObject({ file: join(dir, 'ouro.config.ts'), format: 'openevolve', seed: 42 });
    expect(report.unmapped).toContain('database.elite_selection_ratio');
    expect(readFileSync(join(dir, 'ouro.config.ts'), 'utf8')).toContain('pass `--seed 42` to `ouro run`');
  });

  it('refuses to replace an ouro.config.ts unless forced, and a forced one follows the YAML again', () => {
    const dir = copy('openevolve-circle');
    writeFileSync(join(dir, 'ouro.config.ts'), '// written by hand\n');
    const refused = ouro(['convert', dir]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${join(dir, 'ouro.config.ts')} already exists: pass --force`);
    expect(readFileSync(join(dir, 'ouro.config.ts'), 'utf8')).toBe('// written by hand\n');

    writeFileSync(
      join(dir, 'config.yaml'),
      readFileSync(join(dir, 'config.yaml'), 'utf8').replace('max_iterations: 200', 'max_iterations: 75'),
    );
    const forced = ouro(['convert', dir, '--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(join(dir, 'ouro.config.ts'), 'utf8')).toContain('budget: { evaluations: 75 }');
  });

  it('says what it looked for in a folder of neither tool, and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ouro-convert-empty-'));
    writeFileSync(join(dir, 'main.py'), 'print(1)\n');
    const result = ouro(['convert', dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${dir} is not an OpenEvolve or ShinkaEvolve folder. Looked for: initial_program.<ext> + evaluator.py`);
    expect(result.stderr).toContain('holds: main.py.');
    expect(existsSync(join(dir, 'ouro.config.ts'))).toBe(false);
  });
});
