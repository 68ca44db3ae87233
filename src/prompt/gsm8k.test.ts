// The field mapping and the metrics on real GSM8K rows (the test set's 1,319 problems), when the file is present.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDataset } from './dataset.ts';
import { exactMatch, gsm8kTarget, numericMatch } from './metrics.ts';
import { promptTask } from './task.ts';
import { promptContext, promptGenome, recordingModels } from './test-kit.ts';

const GSM8K = join(import.meta.dirname, '../../../shared/data/gsm8k-test.jsonl');

describe.skipIf(!existsSync(GSM8K))('GSM8K rows', () => {
  // Read only when present: a skipped describe still runs this body to collect its tests.
  const rows = (existsSync(GSM8K) ? readFileSync(GSM8K, 'utf8') : '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { question: string; answer: string });

  it('maps question to input and the text after #### to target', () => {
    const instances = readDataset(GSM8K, { input: 'question', target: gsm8kTarget });
    expect(instances).toHaveLength(rows.length);
    expect(instances[0]).toMatchObject({ id: 'L1', line: 1, target: '18' });
    expect(instances[0]?.input).toMatch(/^Janet.s ducks lay 16 eggs per day/);
    expect(instances.some((instance) => instance.target === '2,125')).toBe(true);
    for (const instance of instances) expect(instance.target).toMatch(/^-?[\d,]+$/);
  });

  it('scores every reference solution right with both built-in metrics', () => {
    for (const row of rows) {
      const target = gsm8kTarget(row);
      expect(numericMatch(row.answer, target), row.question).toBe(1);
      expect(exactMatch(row.answer, target), row.question).toBe(1);
      expect(numericMatch(`${row.answer}1`, target)).toBe(0);
    }
  });

  it('scores a model that answers with the reference solutions at 1 on val', async () => {
    const solutions = new Map(rows.map((row) => [row.question, row.answer]));
    const models = recordingModels((request) => solutions.get(request.messages[1]?.content ?? '') ?? 'no idea');
    const task = promptTask({
      dataset: GSM8K,
      input: 'question',
      target: gsm8kTarget,
      metric: 'numeric',
      splits: { train: 40, val: 30, test: 30 },
    });
    const result = await task.evaluate(promptGenome('Solve the problem step by step.'), promptContext(models));
    expect(result.score).toBe(1);
    expect(result.metrics).toMatchObject({ valInstances: 30, modelCalls: 33 });
  });
});
