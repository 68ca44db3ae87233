import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect.ts';
import { ouroErrorOf } from '../../test/support/ouro-error.ts';

/** A new folder holding these files (empty ones unless given text). */
function folder(files: Record<string, string> | string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ouro-detect-'));
  const entries = Array.isArray(files) ? files.map((name) => [name, ''] as const) : Object.entries(files);
  for (const [name, text] of entries) writeFileSync(join(dir, name), text);
  return dir;
}

describe('detectFormat', () => {
  it('finds an Ouroboros folder by its ouro.config.ts, which wins over the files of another tool', () => {
    expect(detectFormat(folder(['ouro.config.ts', 'pack.js']))).toEqual({ format: 'ouro' });
    expect(detectFormat(folder(['ouro.config.ts', 'initial_program.py', 'evaluator.py', 'config.yaml']))).toEqual({ format: 'ouro' });
  });

  it('finds an OpenEvolve folder, with or without its config.yaml', () => {
    expect(detectFormat(folder(['config.yaml', 'initial_program.py', 'evaluator.py', 'README.md']))).toEqual({
      format: 'openevolve',
      initial: 'initial_program.py',
      evaluator: 'evaluator.py',
      config: 'config.yaml',
      otherConfigs: [],
    });
    expect(detectFormat(folder(['initial_program.cpp', 'evaluator.py']))).toEqual({
      format: 'openevolve',
      initial: 'initial_program.cpp',
      evaluator: 'evaluator.py',
      otherConfigs: [],
    });
  });

  it('finds a ShinkaEvolve folder and picks its config: shinka.yaml, then config.yaml, then another shinka*.yaml', () => {
    expect(detectFormat(folder(['initial.py', 'evaluate.py']))).toEqual({
      format: 'shinka',
      initial: 'initial.py',
      evaluator: 'evaluate.py',
      otherConfigs: [],
    });
    expect(detectFormat(folder(['initial.py', 'evaluate.py', 'config.yaml', 'shinka.yaml']))).toMatchObject({
      config: 'shinka.yaml',
      otherConfigs: ['config.yaml'],
    });
    expect(detectFormat(folder(['initial.rs', 'evaluate.py', 'shinka_small.yaml', 'shinka_long.yaml', 'run_evo.py']))).toMatchObject({
      initial: 'initial.rs',
      config: 'shinka_long.yaml',
      otherConfigs: ['shinka_small.yaml'],
    });
  });

  it('ignores bytecode and editor leftovers beside the initial program', () => {
    expect(detectFormat(folder(['initial.py', 'initial.py~', 'initial.pyc', 'evaluate.py']))).toMatchObject({ initial: 'initial.py' });
  });

  it('refuses two initial programs, naming both', () => {
    const dir = folder(['initial_program.py', 'initial_program.js', 'evaluator.py']);
    const error = ouroErrorOf(() => detectFormat(dir));
    expect(error.message).toContain('initial_program.js and initial_program.py');
    expect(error.file).toBe(join(dir, 'initial_program.js'));
  });

  it('says in one message what it looked for and what the folder holds', () => {
    const dir = folder(['initial.py', 'notes.txt']);
    mkdirSync(join(dir, 'results'));
    const error = ouroErrorOf(() => detectFormat(dir));
    expect(error.code).toBe('config-missing');
    expect(error.message).toContain(join(dir, 'ouro.config.ts'));
    expect(error.message).toContain('initial_program.<ext> + evaluator.py');
    expect(error.message).toContain('initial.<ext> + evaluate.py');
    expect(error.message).toContain('holds: initial.py, notes.txt, results/.');
    expect(error.message.split('\n')).toHaveLength(1);
    expect(ouroErrorOf(() => detectFormat(folder([]))).message).toContain('holds: no files.');
  });

  it('with foreignOnly, looks past an ouro.config.ts, and fails without naming it', () => {
    const dir = folder(['ouro.config.ts', 'initial.py', 'evaluate.py']);
    expect(detectFormat(dir, { foreignOnly: true })).toMatchObject({ format: 'shinka' });
    const error = ouroErrorOf(() => detectFormat(folder(['ouro.config.ts']), { foreignOnly: true }));
    expect(error.message).toMatch(/is not an OpenEvolve or ShinkaEvolve folder\. Looked for: initial_program/);
  });

  it('names a folder that does not exist', () => {
    const missing = join(tmpdir(), 'ouro-detect-missing', 'nope');
    expect(ouroErrorOf(() => detectFormat(missing)).message).toBe(`experiment folder ${missing} does not exist`);
  });
});
