// The GSM8K preset on the real test set (1,319 problems) when the file is present, and on bad rows.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OuroError } from '../../core/errors.ts';
import { gsm8kAnswer, gsm8kSolution, gsm8kSource } from './gsm8k.ts';

const GSM8K = join(import.meta.dirname, '../../../../shared/data/gsm8k-test.jsonl');

describe.skipIf(!existsSync(GSM8K))('gsm8kSource on the GSM8K test set', () => {
  // Read only when present: a skipped describe still runs this body to collect its tests.
  const rows = (existsSync(GSM8K) ? readFileSync(GSM8K, 'utf8') : '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { question: string; answer: string });

  it('reads every row as an answer task with a plain number and a clean worked solution', async () => {
    const tasks = await gsm8kSource(GSM8K).load();
    expect(tasks).toHaveLength(1_319);
    expect(tasks).toHaveLength(rows.length);
    const first = tasks[0];
    expect(first).toMatchObject({ id: 'L1', source: 'gsm8k-test.jsonl', kind: 'answer', answer: '18' });
    expect(first?.prompt).toMatch(/^Janet.s ducks lay 16 eggs per day/);
    expect(first?.solution).toBe('Janet sells 16 - 3 - 4 = 9 duck eggs a day.\nShe makes 9 * 2 = $18 every day at the farmer’s market.');
    expect(new Set(tasks.map((task) => task.id)).size).toBe(tasks.length);
    for (const task of tasks) {
      expect(task.answer).toMatch(/^-?\d+(\.\d+)?$/);
      expect(task.solution).not.toMatch(/<<|>>|####/);
      expect(task.solution?.length).toBeGreaterThan(0);
    }
  });

  it('removes thousands commas from answers that have them', async () => {
    const tasks = await gsm8kSource(GSM8K).load();
    const withComma = rows.findIndex((row) => /####\s*-?\d{1,3}(,\d{3})+\s*$/.test(row.answer));
    expect(withComma).toBeGreaterThanOrEqual(0);
    const written = rows[withComma]?.answer.split('####').at(-1)?.trim() as string;
    expect(tasks[withComma]?.answer).toBe(written.replaceAll(',', ''));
  });
});

describe('gsm8k rows', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ouro-flywheel-gsm8k-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('reads the answer, the worked solution and strips calculator notes', () => {
    const row = { question: 'q', answer: 'It costs 3 * 1,000 = <<3*1000=3000>>3000 dollars.\n#### 3,000' };
    expect(gsm8kAnswer(row)).toBe('3000');
    expect(gsm8kSolution(row)).toBe('It costs 3 * 1,000 = 3000 dollars.');
  });

  it('names the line and the answer field of a row without a #### number', async () => {
    const file = join(folder, 'bad.jsonl');
    const good = { question: 'q', answer: 'x\n#### 4' };
    writeFileSync(file, [good, { question: 'q2', answer: 'no final line' }].map((row) => JSON.stringify(row)).join('\n'));
    const error = await gsm8kSource(file)
      .load()
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OuroError);
    expect((error as OuroError).message).toBe('bad.jsonl:2: the answer function threw: field "answer" has no "####" line');
    expect((error as OuroError).field).toBe('answer');
    writeFileSync(file, JSON.stringify({ question: 'q', answer: 'x\n#### about five' }));
    await expect(gsm8kSource(file).load()).rejects.toThrow('ends in "about five" after "####", not a number');
  });
});
