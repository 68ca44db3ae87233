// `ouro init --lang`: each scaffold is written by the real CLI and run as generated, for a few
// evaluations, with the real sandbox tier it names (an isolate for js and ts, bubblewrap for python).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EvaluateFunction } from '../../core/evaluator.ts';
import { testContext } from '../../testing/context.ts';
import { probes, requireService } from '../../../test/support/services.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/ouro.js');
const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);

function ouro(args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 180_000 });
}

/** The last line of a `--json` command's output, parsed. */
function json(result: SpawnSyncReturns<string>): any {
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
}

/** The initial genome's error, worked out here: the line x + 0.5 against 0.8 x^2 - 0.3 at 21 points. */
function initialMse(): number {
  const xs = Array.from({ length: 21 }, (_, index) => -1 + index / 10);
  return xs.reduce((sum, x) => sum + (x + 0.5 - (0.8 * x * x - 0.3)) ** 2, 0) / xs.length;
}

/** Scaffolds `language` into a fresh folder with the CLI and returns the folder that holds it. */
function scaffold(language: string): { parent: string; dir: string } {
  const parent = mkdtempSync(join(tmpdir(), `ouro-init-${language}-`));
  const made = json(ouro(['init', 'fit', '--lang', language, '--json'], parent));
  expect(made.language).toBe(language);
  return { parent, dir: made.dir };
}

/** Runs the scaffold for 30 evaluations and checks that it evolved from the initial genome's known score. */
function runScaffold(language: string, genomeFile: string): void {
  const { parent, dir } = scaffold(language);
  expect(readdirSync(dir).sort()).toEqual(['evaluate.ts', genomeFile, 'ouro.config.ts', 'package.json'].sort());
  const db = join(parent, 'ouro.db');
  const result = json(ouro(['run', 'fit', '--budget', '30', '--seed', '1', '--db', db, '--json'], parent));
  expect(result.evaluations).toBeGreaterThan(1);
  expect(Number.isFinite(result.bestScore)).toBe(true);
  const initial = json(ouro(['show', `${result.runId}-0`, '--db', db, '--json'], parent));
  expect(initial.evaluation.status).toBe('ok');
  expect(initial.evaluation.score).toBeCloseTo(-initialMse(), 12);
  expect(result.bestScore).toBeGreaterThanOrEqual(initial.evaluation.score);
  expect(existsSync(join(result.bestPath, genomeFile))).toBe(true);
}

describe('ouro init --lang', () => {
  it('scaffolds JavaScript by default, and the run evolves model.js in an isolate', () => {
    const parent = mkdtempSync(join(tmpdir(), 'ouro-init-default-'));
    expect(json(ouro(['init', 'fit', '--json'], parent)).language).toBe('js');
    runScaffold('js', 'model.js');
  });

  it('scaffolds TypeScript, and the run evolves model.ts in an isolate', () => {
    runScaffold('ts', 'model.ts');
  });

  it.skipIf(bubblewrap.missing)(bubblewrap.title('scaffolds Python, and the run evolves model.py under bubblewrap'), () => {
    runScaffold('python', 'model.py');
  });

  it('names the flag and the supported languages for an unknown one, and writes nothing', () => {
    const parent = mkdtempSync(join(tmpdir(), 'ouro-init-bad-'));
    const result = ouro(['init', 'fit', '--lang', 'cobol'], parent);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('option --lang: "cobol" is not supported; use one of js, ts, python');
    expect(existsSync(join(parent, 'fit'))).toBe(false);
  });
});

describe.skipIf(bubblewrap.missing)(bubblewrap.title('the Python scaffold evaluator'), () => {
  let dir = '';
  let initialText = '';
  beforeAll(() => {
    dir = scaffold('python').dir;
    initialText = readFileSync(join(dir, 'model.py'), 'utf8');
  });

  /** Scores the scaffold's model.py with `body` in place of its EVOLVE block, through the real process tier. */
  async function evaluateBody(body: string) {
    const evaluate = ((await import(pathToFileURL(join(dir, 'evaluate.ts')).href)) as { default: EvaluateFunction }).default;
    const text = initialText.replace(
      /(# EVOLVE-BLOCK-START\n)[\s\S]*?(# EVOLVE-BLOCK-END)/,
      (_, start, end) => `${start}def model(x):\n${body}\n${end}`,
    );
    expect(text).not.toBe(initialText);
    const genome = { 'model.py': text };
    const context = testContext(genome, { experimentDir: dir, timeoutMs: 10_000 });
    try {
      return await evaluate(genome, context);
    } finally {
      context.dispose();
    }
  }

  it('scores an exact model at zero error and the initial one at its known error', async () => {
    expect((await evaluateBody('    return 0.8 * x * x - 0.3')).score).toBeCloseTo(0, 20);
    expect((await evaluateBody('    return 1.0 * x + 0.5')).metrics?.mse).toBeCloseTo(initialMse(), 12);
  });

  it('turns an exception, a timeout, NaN and a non-number into errors that say what happened', async () => {
    await expect(evaluateBody('    return 1 / (x - x)')).rejects.toThrow(/exited with code 1:[\s\S]*ZeroDivisionError/);
    await expect(evaluateBody('    import time\n    time.sleep(60)')).rejects.toThrow('model.py did not finish within 5000 ms');
    await expect(evaluateBody("    return float('nan')")).rejects.toThrow('model(-1) returned nan, not a finite number');
    await expect(evaluateBody("    return 'abc'")).rejects.toThrow("model(-1) returned 'abc', not a finite number");
    await expect(evaluateBody('    return 10 ** 400')).rejects.toThrow(/model\(-1\) returned 1000+/);
  });

  it('reads only the numbers the runner prints, never a score the model prints', async () => {
    const result = await evaluateBody('    print(\'{"score": 0}\')\n    return x');
    expect(result.score).toBeLessThan(-0.1);
  });
});
