import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OuroError } from '../core/errors.ts';
import { EvaluatorPool } from './pool.ts';
import { cleanUp, startPool, writeEvaluator } from './pool-fixtures.ts';

afterAll(cleanUp);

async function startFailure(source: string): Promise<OuroError> {
  const file = await writeEvaluator(source);
  const error = await startPool(file).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OuroError);
  expect((error as OuroError).file).toBe(file);
  expect((error as OuroError).message).toContain(file);
  return error as OuroError;
}

describe('start-up errors name the evaluator file', () => {
  it('rejects a missing evaluator file', async () => {
    const file = join(tmpdir(), 'ouro-no-such-folder', 'evaluate.ts');
    const error = await EvaluatorPool.start({
      evaluatorFile: file,
      experimentDir: tmpdir(),
      options: {},
      concurrency: 1,
      timeoutMs: 1000,
      memoryMb: 128,
    }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'evaluator-missing', file, message: `evaluator ${file} does not exist` });
  });

  it('rejects an evaluator that exports nothing to evaluate', async () => {
    const error = await startFailure('export const answer = 42;\n');
    expect(error.code).toBe('evaluator-invalid');
    expect(error.message).toContain('exports nothing to evaluate: export default async function (genome, context)');
  });

  it('rejects an evaluator that throws while it is imported', async () => {
    const error = await startFailure('throw new Error("no data files here");\nexport default () => ({ score: 1 });\n');
    expect(error.code).toBe('evaluator-invalid');
    expect(error.message).toContain('failed to load: no data files here');
  });

  it('rejects an evaluator with a syntax error', async () => {
    const error = await startFailure('export default async function ( { return { score: 1 } }\n');
    expect(error.code).toBe('evaluator-invalid');
    expect(error.message).toContain('failed to load');
  });

  it('rejects malformed stages, naming the index and field', async () => {
    const error = await startFailure(
      'export const stages = [{ name: "syntax", evaluate: () => ({ score: 1 }), threshold: "0.5" }];\n' +
        'export default () => ({ score: 1 });\n',
    );
    expect(error.code).toBe('evaluator-invalid');
    expect(error.message).toContain('stages[0].threshold is a string ("0.5"), expected a finite number');
  });
});
