// The OpenEvolve and ShinkaEvolve fixture folders (test/fixtures/openevolve-circle, shinka-circle):
// they load as the folders of those tools, and their evaluators score as their users' evaluators do.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NUMPY_PYTHON, probes, requireService } from '../../test/support/services.ts';
import { loadExperiment } from '../engine/load-experiment.ts';

const FIXTURES = resolve(import.meta.dirname, '../../test/fixtures');
const OPENEVOLVE = join(FIXTURES, 'openevolve-circle');
const SHINKA = join(FIXTURES, 'shinka-circle');

describe('the fixture folders', () => {
  it('load as an OpenEvolve folder, with one warning for the settings that do not map and the seed of its config', async () => {
    const loaded = await loadExperiment(OPENEVOLVE);
    expect(loaded.configFile).toBe(join(OPENEVOLVE, 'config.yaml'));
    expect(loaded.config.evaluation).toMatchObject({ protocol: 'openevolve', timeoutMs: 30_000, cascadeThresholds: [0.5], concurrency: 2 });
    expect(loaded.config.archive).toMatchObject({ kind: 'map-elites', islands: 3, migrationInterval: 25 });
    expect(loaded.config.models).toEqual([
      { id: 'compat:http://127.0.0.1:11434/v1#qwen2.5-coder:7b', apiKeyEnv: 'OLLAMA_API_KEY', temperature: 0.7 },
      { id: 'compat:http://127.0.0.1:11434/v1#llama3.1:8b', apiKeyEnv: 'OLLAMA_API_KEY', temperature: 0.7 },
    ]);
    expect(loaded.seed).toBe(42);
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]?.split('\n')[0]).toBe(
      `ouro: ${join(OPENEVOLVE, 'config.yaml')} is an OpenEvolve config; 12 of its settings have no equivalent here and are ignored: ` +
        'checkpoint_interval, log_level, max_code_length, llm.models[0].weight, llm.models[1].weight, llm.top_p, ' +
        'prompt.num_top_programs, prompt.num_diverse_programs, database.population_size, database.archive_size, ' +
        'database.elite_selection_ratio, evaluator.max_retries',
    );
  });

  it('load as a ShinkaEvolve folder', async () => {
    const loaded = await loadExperiment(SHINKA);
    expect(loaded.configFile).toBe(join(SHINKA, 'shinka.yaml'));
    expect(loaded.config).toMatchObject({
      genome: ['initial.py'],
      evaluator: 'evaluate.py',
      archive: { kind: 'dgm', lambda: 10 },
      budget: { evaluations: 100, costUsd: 1 },
      evaluation: { protocol: 'shinka', timeoutMs: 60_000, concurrency: 2 },
    });
    expect(loaded.seed).toBeUndefined();
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toContain('evo_config.patch_type_probs, evo_config.max_patch_resamples');
  });
});

const python = await requireService('python3 with numpy', probes.numpy);

/** A copy of a fixture folder with one more candidate program, written from the initial one. */
function withCandidate(fixture: string, initial: string, edit: (text: string) => string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ouro-fixture-')), 'folder');
  cpSync(fixture, dir, { recursive: true });
  writeFileSync(join(dir, 'candidate.py'), edit(readFileSync(join(dir, initial), 'utf8')));
  return dir;
}

/** Doubles every radius: circles that overlap and leave the square. */
const overlapping = (text: string) => text.replace('return centers, largest_radii(centers)', 'return centers, 2 * largest_radii(centers)');
const crashing = (text: string) => text.replace('columns = int(', 'raise RuntimeError("no packing today")\n    columns = int(');

function runPython(code: string, cwd: string, env: Record<string, string> = {}): string {
  return execFileSync(NUMPY_PYTHON as string, ['-c', code], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
}

describe.skipIf(python.missing)(python.title('the fixture evaluators'), () => {
  it("OpenEvolve's scores a valid packing by its sum of radii, fails a bad one with its reason, and stages the cascade", () => {
    const dir = withCandidate(OPENEVOLVE, 'initial_program.py', overlapping);
    writeFileSync(join(dir, 'crash.py'), crashing(readFileSync(join(dir, 'initial_program.py'), 'utf8')));
    // What `from openevolve.evaluation_result import EvaluationResult` finds: a stand-in with its two fields.
    const shim = mkdtempSync(join(tmpdir(), 'ouro-openevolve-shim-'));
    mkdirSync(join(shim, 'openevolve'));
    writeFileSync(join(shim, 'openevolve', '__init__.py'), '');
    writeFileSync(
      join(shim, 'openevolve', 'evaluation_result.py'),
      'class EvaluationResult:\n' +
        '    def __init__(self, metrics, artifacts=None):\n' +
        '        self.metrics = metrics\n' +
        '        self.artifacts = artifacts or {}\n',
    );
    const out = runPython(
      [
        'import json, evaluator',
        'good = evaluator.evaluate("initial_program.py")',
        'bad = evaluator.evaluate_stage2("candidate.py")',
        'print(json.dumps({"good": good.metrics, "bad": bad.metrics, "why": bad.artifacts["failure"],',
        '  "stage1": evaluator.evaluate_stage1("initial_program.py"), "crash": evaluator.evaluate_stage1("crash.py")}))',
      ].join('\n'),
      dir,
      { PYTHONPATH: shim },
    );
    const result = JSON.parse(out);
    expect(result.good.combined_score).toBeCloseTo(1, 9);
    expect(result.good.validity).toBe(1);
    expect(result.bad).toMatchObject({ combined_score: 0, validity: 0 });
    expect(result.why).toMatch(/leaves the unit square|overlap/);
    expect(result.stage1).toEqual({ combined_score: 1, validity: 1 });
    expect(result.crash).toMatchObject({ combined_score: 0, validity: 0, error: 'RuntimeError: no packing today' });
  });

  it("ShinkaEvolve's writes metrics.json and correct.json for a valid packing and for a bad one", () => {
    const dir = withCandidate(SHINKA, 'initial.py', overlapping);
    const read = (folder: string, file: string) => JSON.parse(readFileSync(join(dir, folder, file), 'utf8'));
    execFileSync(NUMPY_PYTHON as string, ['evaluate.py', '--program_path', 'initial.py', '--results_dir', 'good'], { cwd: dir });
    execFileSync(NUMPY_PYTHON as string, ['evaluate.py', '--program_path', 'candidate.py', '--results_dir', 'bad'], { cwd: dir });
    const good = read('good', 'metrics.json');
    expect(good.combined_score).toBeCloseTo(1, 9);
    expect(Object.keys(good).sort()).toEqual(['combined_score', 'private', 'public', 'text_feedback']);
    expect(good.private).toEqual({ wall_slack: expect.any(Number) });
    expect(read('good', 'correct.json')).toEqual({ correct: true, error: null });
    expect(read('bad', 'metrics.json').combined_score).toBe(0);
    expect(read('bad', 'correct.json')).toEqual({ correct: false, error: expect.stringMatching(/leaves the unit square|overlap/) });
  });
});
