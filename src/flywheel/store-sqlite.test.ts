import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite.ts';
import { FLYWHEEL_TABLES } from './store-sqlite.ts';
import type { StoredSample } from './store.ts';

const sample = (taskId: string, index: number, split: StoredSample['split'] = 'train'): StoredSample => ({
  taskId,
  round: 0,
  index,
  kind: 'sample',
  split,
  model: 'compat:http://127.0.0.1:1/v1#m',
  temperature: 0.7,
  text: `The answer is ${index}.`,
  answer: String(index),
  tokens: 12,
  costUsd: 0,
});

function open(file: string) {
  const store = new SqliteStore(file);
  const flywheel = store.tables(FLYWHEEL_TABLES);
  if (!flywheel) throw new Error('no flywheel tables');
  return { store, flywheel };
}

describe('the flywheel tables in SQLite', () => {
  it('keep every sample, verdict, selection, round and job update across a reopen, and refuse a sample twice', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ouro-flywheel-store-')), 'f.db');
    const first = open(file);
    first.flywheel.createRun({ id: 'f1', settings: { k: 4 }, createdAt: 5 });
    first.flywheel.recordSample('f1', sample('t1', 0));
    first.flywheel.recordSample('f1', sample('t1', 1));
    first.flywheel.recordSample('f1', sample('h1', 0, 'heldout'));
    expect(() => first.flywheel.recordSample('f1', sample('t1', 1))).toThrow();
    // A rationalised retry of the same index is another row.
    first.flywheel.recordSample('f1', { ...sample('t1', 1), kind: 'rationalised' });
    first.flywheel.recordVerdicts('f1', [
      { taskId: 't1', round: 0, index: 0, verifier: 'answer-numeric', passed: false, detail: 'expected 1, got 0' },
      { taskId: 't1', round: 0, index: 1, verifier: 'answer-numeric', passed: true },
    ]);
    first.flywheel.recordSelection(
      'f1',
      0,
      [{ taskId: 't1', round: 0, index: 1, prompt: 'q', completion: 'The answer is 1.', origin: 'sample', verifier: 'answer-numeric' }],
      [{ taskId: 't1', round: 0, prompt: 'q', chosen: 'The answer is 1.', rejected: 'The answer is 0.', method: 'dpo' }],
    );
    first.flywheel.recordJob('f1', { round: 0, trainer: 'openai', id: 'ftjob-1', status: 'running', at: 10 });
    first.store.close();

    const again = open(file);
    const { flywheel } = again;
    expect(flywheel.getRun('f1')).toMatchObject({ id: 'f1', settings: { k: 4 }, status: 'crashed-or-running' });
    expect(flywheel.samples('f1', 0).map((row) => [row.taskId, row.index, row.kind, row.split])).toEqual([
      ['t1', 0, 'sample', 'train'],
      ['t1', 1, 'sample', 'train'],
      ['h1', 0, 'sample', 'heldout'],
      ['t1', 1, 'rationalised', 'train'],
    ]);
    expect(flywheel.verdicts('f1', 0)).toEqual([
      { taskId: 't1', round: 0, index: 0, verifier: 'answer-numeric', passed: false, detail: 'expected 1, got 0' },
      { taskId: 't1', round: 0, index: 1, verifier: 'answer-numeric', passed: true },
    ]);
    expect(flywheel.examples('f1', 0)).toHaveLength(1);
    expect(flywheel.pairs('f1', 0)[0]).toMatchObject({ method: 'dpo', chosen: 'The answer is 1.' });
    flywheel.recordJob('f1', { round: 0, trainer: 'openai', id: 'ftjob-1', status: 'succeeded', model: 'ft:m:1', at: 20 });
    expect(flywheel.jobs('f1').map((job) => [job.status, job.model])).toEqual([
      ['running', undefined],
      ['succeeded', 'ft:m:1'],
    ]);
    flywheel.recordRound('f1', {
      round: 0,
      model: 'm',
      status: 'complete',
      figures: { pass1: 0.5 },
      exports: { sft: { file: 'sft.jsonl', sha256: 'ab', rows: 1 } },
      createdAt: 30,
    });
    expect(() =>
      flywheel.recordRound('f1', { round: 0, model: 'm', status: 'complete', figures: {}, exports: {}, createdAt: 31 }),
    ).toThrow();
    flywheel.appendEvent('f1', 'finished');
    expect(flywheel.listRuns()).toEqual([{ id: 'f1', status: 'finished', rounds: 1, createdAt: 5 }]);
    again.store.close();

    // Append-only, even through a connection of its own.
    const raw = new Database(file);
    try {
      expect(() => raw.prepare('UPDATE flywheel_samples SET text = ?').run('forged')).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM flywheel_jobs').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
  });
});
