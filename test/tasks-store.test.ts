/**
 * The task tables in a real SQLite file: every table round-trips across a reopen, every table
 * refuses UPDATE and DELETE, a proposal, attempt, step or episode written twice is kept once, a
 * read-only open sees what was written, and a writer killed with SIGKILL loses no committed task.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { LlmExchange } from '../src/core/model.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { openTasks } from '../src/tasks/open.ts';
import type { GeneratedTask, Validation } from '../src/tasks/types.ts';

const ROOT = join(import.meta.dirname, '..');
const WRITER = join(import.meta.dirname, 'fixtures', 'tasks-store-writer.ts');

const databaseFile = (): string => join(mkdtempSync(join(tmpdir(), 'ouro-tasks-store-')), 'tasks.db');

function codeTask(id: string, topic = 'strings'): GeneratedTask {
  return {
    id,
    title: `Reverse ${id}`,
    category: { generator: 'coding', difficulty: 'medium', topic },
    statement: 'Write `reverse(text)`.',
    code: {
      entry: 'reverse.js',
      stub: 'export function reverse(text) {}',
      tests: "import { reverse } from './reverse.js';\ntest('r', () => expect(reverse('ab')).toBe('ba'));",
      reference: "export function reverse(text) { return [...text].reverse().join(''); }",
    },
    provenance: { generator: 'coding', model: 'scripted', prompt: 'write a task', reply: '```json\n{}\n```', parent: 'p1', depth: 1 },
  };
}

const kept: Validation = {
  kept: true,
  detail: 'reference passes, stub fails',
  checks: [
    { check: 'reference', passed: true, detail: '1/1 tests', durationMs: 12.5 },
    { check: 'stub', passed: true, detail: 'stub fails 1/1', durationMs: 3 },
  ],
};
const rejected = (reason: Validation['reason'], detail: string): Validation => ({ kept: false, reason, detail, checks: [] });

const exchange: LlmExchange = {
  model: 'compat:http://127.0.0.1:1/v1#proposer',
  operator: 'tasks-propose',
  request: { messages: [{ role: 'user', content: 'Write a task.' }], temperature: 1 },
  reply: 'a task',
  finishReason: 'stop',
  usage: { inputTokens: 10, outputTokens: 3 },
  costUsd: 0.001,
  latencyMs: 40,
  attempts: 1,
  startedAt: 1000,
};

describe('the task tables in SQLite', () => {
  it('keep runs, events, model calls, proposals, attempts, curriculum steps and episodes across a reopen', () => {
    const file = databaseFile();
    const first = openTasks(file);
    first.tasks.createRun({ id: 't1', kind: 'generate', settings: { proposer: 'm', n: 4 }, createdAt: 5 });
    first.tasks.createRun({ id: 's1', kind: 'selfplay', settings: {}, createdAt: 6 });
    first.tasks.recordLlmCall('t1', exchange);
    expect(first.tasks.recordTask('t1', 0, { task: codeTask('a'), validation: kept, createdAt: 100 })).toBe(true);
    expect(first.tasks.recordTask('t1', 1, { task: codeTask('b'), validation: rejected('stub-passes', 'the stub passes 1/1') })).toBe(true);
    const category = { generator: 'math', difficulty: 'hard', topic: 'primes' } as const;
    expect(
      first.tasks.recordTask('t1', 2, {
        category,
        reply: 'no JSON here',
        validation: rejected('unparseable', 'no JSON object'),
        createdAt: 7,
      }),
    ).toBe(true);
    expect(first.tasks.recordTask('t1', 3, { task: codeTask('c', 'arrays'), validation: kept })).toBe(true);
    first.tasks.recordAttempt('t1', { taskId: 'a', model: 'solver', index: 0, passed: true, detail: '1/1', tokens: 50, costUsd: 0.01 });
    first.tasks.recordAttempt('t1', { taskId: 'c', model: 'solver', index: 0, passed: false, detail: '0/1', tokens: 60, costUsd: 0 });
    first.tasks.recordAttempt('t1', { taskId: 'a', model: 'solver', index: 1, passed: false, detail: '0/1', tokens: 55, costUsd: 0.02 });
    first.tasks.recordCurriculum('t1', {
      step: 0,
      snapshot: { arms: 2 },
      weights: { 'coding/medium/strings': 0.5 },
      category: 'x',
      reward: 0.25,
    });
    first.tasks.recordCurriculum('t1', { step: 1, snapshot: {}, weights: {}, category: 'math/hard/primes' });
    first.tasks.recordEpisode('s1', { seq: 0, game: 'nim', data: { moves: [1, 2], winner: 'b' }, createdAt: 9 });
    first.tasks.appendEvent('t1', 'stopped', { reason: 'budget' });
    first.store.close();

    const { store, tasks } = openTasks(file);
    try {
      expect(tasks.getRun('t1')).toEqual({
        id: 't1',
        kind: 'generate',
        settings: { proposer: 'm', n: 4 },
        createdAt: 5,
        status: 'stopped',
      });
      expect(tasks.getRun('nope')).toBeUndefined();
      expect(tasks.runs()).toEqual([
        { id: 't1', kind: 'generate', status: 'stopped', proposals: 4, kept: 2, createdAt: 5 },
        { id: 's1', kind: 'selfplay', status: 'crashed-or-running', proposals: 0, kept: 0, createdAt: 6 },
      ]);
      expect(tasks.events('t1').map((event) => [event.kind, event.data])).toEqual([
        ['started', undefined],
        ['stopped', { reason: 'budget' }],
      ]);
      expect(tasks.llmCalls('t1')).toEqual([exchange]);
      expect(tasks.llmCalls('s1')).toEqual([]);

      const all = tasks.tasks('t1');
      expect(all.map((row) => [row.seq, row.task?.id ?? null, row.category, row.kept, row.reason])).toEqual([
        [0, 'a', 'coding/medium/strings', true, undefined],
        [1, 'b', 'coding/medium/strings', false, 'stub-passes'],
        [2, null, 'math/hard/primes', false, 'unparseable'],
        [3, 'c', 'coding/medium/arrays', true, undefined],
      ]);
      expect(all[0]).toMatchObject({ generator: 'coding', detail: kept.detail, checks: kept.checks, task: codeTask('a'), createdAt: 100 });
      expect(all[2]).toMatchObject({ generator: 'math', reply: 'no JSON here', task: undefined, createdAt: 7 });
      expect(tasks.tasks('t1', { kept: false }).map((row) => row.seq)).toEqual([1, 2]);
      expect(tasks.tasks('t1', { kept: true }).map((row) => row.seq)).toEqual([0, 3]);
      expect(tasks.keptTasks('t1')).toEqual([codeTask('a'), codeTask('c', 'arrays')]);
      expect(tasks.nextSeq('t1')).toBe(4);
      expect(tasks.nextSeq('s1')).toBe(0);
      expect(tasks.rejectionCounts('t1')).toMatchObject({ 'stub-passes': 1, unparseable: 1, 'too-easy': 0 });
      expect(Object.values(tasks.rejectionCounts('t1')).reduce((sum, count) => sum + count, 0)).toBe(2);

      expect(tasks.attempts('t1').map((row) => [row.taskId, row.index, row.passed])).toEqual([
        ['a', 0, true],
        ['c', 0, false],
        ['a', 1, false],
      ]);
      expect(tasks.attempts('t1', 'a')).toEqual([
        { taskId: 'a', model: 'solver', index: 0, passed: true, detail: '1/1', tokens: 50, costUsd: 0.01 },
        { taskId: 'a', model: 'solver', index: 1, passed: false, detail: '0/1', tokens: 55, costUsd: 0.02 },
      ]);
      expect(tasks.curriculum('t1')).toEqual([
        { step: 0, snapshot: { arms: 2 }, weights: { 'coding/medium/strings': 0.5 }, category: 'x', reward: 0.25 },
        { step: 1, snapshot: {}, weights: {}, category: 'math/hard/primes', reward: undefined },
      ]);
      expect(tasks.episodes('s1')).toEqual([{ seq: 0, game: 'nim', data: { moves: [1, 2], winner: 'b' }, createdAt: 9 }]);
      expect(tasks.episodes('t1')).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('keeps the first of a proposal, attempt, step or episode written twice, and says so', () => {
    const { store, tasks } = openTasks(databaseFile());
    try {
      tasks.createRun({ id: 't1', kind: 'generate', settings: {}, createdAt: 1 });
      expect(tasks.recordTask('t1', 5, { task: codeTask('a'), validation: kept })).toBe(true);
      expect(tasks.recordTask('t1', 5, { task: codeTask('other'), validation: rejected('duplicate', 'same as a') })).toBe(false);
      expect(tasks.tasks('t1').map((row) => [row.seq, row.task?.id, row.kept])).toEqual([[5, 'a', true]]);
      // One past the highest, gaps and all: a resume never reuses a number.
      expect(tasks.nextSeq('t1')).toBe(6);
      const attempt = { taskId: 'a', model: 'solver', index: 0, passed: true, detail: '', tokens: 1, costUsd: 0 };
      expect(tasks.recordAttempt('t1', attempt)).toBe(true);
      expect(tasks.recordAttempt('t1', { ...attempt, passed: false })).toBe(false);
      expect(tasks.recordAttempt('t1', { ...attempt, model: 'other-solver' })).toBe(true);
      expect(tasks.attempts('t1').map((row) => [row.model, row.passed])).toEqual([
        ['solver', true],
        ['other-solver', true],
      ]);
      expect(tasks.recordCurriculum('t1', { step: 0, snapshot: {}, weights: {}, category: 'a', reward: 1 })).toBe(true);
      expect(tasks.recordCurriculum('t1', { step: 0, snapshot: {}, weights: {}, category: 'b', reward: 0 })).toBe(false);
      expect(tasks.curriculum('t1').map((step) => step.category)).toEqual(['a']);
      expect(tasks.recordEpisode('t1', { seq: 0, game: 'nim', data: 1, createdAt: 1 })).toBe(true);
      expect(tasks.recordEpisode('t1', { seq: 0, game: 'nim', data: 2, createdAt: 2 })).toBe(false);
      expect(tasks.episodes('t1').map((episode) => episode.data)).toEqual([1]);
    } finally {
      store.close();
    }
  });

  it('refuses an incoherent outcome and a row of a run that does not exist, naming the file and the constraint', () => {
    const file = databaseFile();
    const { store, tasks } = openTasks(file);
    try {
      tasks.createRun({ id: 't1', kind: 'generate', settings: {}, createdAt: 1 });
      const category = { generator: 'math', difficulty: 'easy', topic: 'sums' } as const;
      expect(() => tasks.recordTask('t1', 0, { category, reply: 'garbage', validation: kept })).toThrow(
        /tasks\.db.*kept_has_task_and_no_reason/,
      );
      expect(() => tasks.recordTask('t1', 0, { task: codeTask('a'), validation: { kept: false, detail: '', checks: [] } })).toThrow(
        /rejected_has_reason/,
      );
      expect(() => tasks.recordTask('t1', 0, { task: codeTask('a'), validation: { ...kept, reason: 'too-easy' } })).toThrow(
        /kept_has_task_and_no_reason/,
      );
      expect(() => tasks.recordTask('ghost', 0, { task: codeTask('a'), validation: kept })).toThrow(
        expect.objectContaining({ code: 'store-write', message: expect.stringMatching(/FOREIGN KEY/) }),
      );
      expect(() => tasks.createRun({ id: 'bad', kind: 'other' as 'generate', settings: {}, createdAt: 1 })).toThrow(/CHECK/);
      // A refused write leaves nothing behind, the seq is still free.
      expect(tasks.nextSeq('t1')).toBe(0);
      expect(tasks.getRun('bad')).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it('refuses UPDATE and DELETE on every table, even through a connection of its own', () => {
    const file = databaseFile();
    const { store, tasks } = openTasks(file);
    tasks.createRun({ id: 't1', kind: 'generate', settings: {}, createdAt: 1 });
    tasks.appendEvent('t1', 'finished');
    tasks.recordLlmCall('t1', exchange);
    tasks.recordTask('t1', 0, { task: codeTask('a'), validation: kept });
    tasks.recordAttempt('t1', { taskId: 'a', model: 'solver', index: 0, passed: true, detail: '', tokens: 1, costUsd: 0 });
    tasks.recordCurriculum('t1', { step: 0, snapshot: {}, weights: {}, category: 'a' });
    tasks.recordEpisode('t1', { seq: 0, game: 'nim', data: {}, createdAt: 1 });
    store.close();
    const raw = new Database(file);
    try {
      const tables = [
        'tasks_runs',
        'tasks_events',
        'tasks_llm_calls',
        'tasks_generated',
        'tasks_attempts',
        'tasks_curriculum',
        'tasks_episodes',
      ];
      for (const table of tables) {
        expect(raw.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBeGreaterThan(0);
        expect(() => raw.prepare(`UPDATE ${table} SET rowid = rowid`).run(), table).toThrow(`${table} is append-only`);
        expect(() => raw.prepare(`DELETE FROM ${table}`).run(), table).toThrow(`${table} is append-only`);
      }
    } finally {
      raw.close();
    }
  });

  it('opens read-only: sees every row, writes nothing, and names a file that has no task runs', () => {
    const file = databaseFile();
    const writer = openTasks(file);
    writer.tasks.createRun({ id: 't1', kind: 'generate', settings: { a: 1 }, createdAt: 1 });
    writer.tasks.recordTask('t1', 0, { task: codeTask('a'), validation: kept });
    // Read while the writer still holds the file open, as `ouro tasks show` would during a run.
    const reader = openTasks(file, true);
    try {
      expect(reader.tasks.keptTasks('t1')).toEqual([codeTask('a')]);
      writer.tasks.recordTask('t1', 1, { task: codeTask('b'), validation: kept });
      expect(reader.tasks.nextSeq('t1')).toBe(2);
      expect(() => reader.tasks.recordTask('t1', 2, { task: codeTask('c'), validation: kept })).toThrow(
        expect.objectContaining({ code: 'store-readonly' }),
      );
      expect(() => reader.tasks.appendEvent('t1', 'resumed')).toThrow(expect.objectContaining({ code: 'store-readonly' }));
    } finally {
      reader.store.close();
      writer.store.close();
    }

    // A database with only the engine's tables, opened read-only: it cannot create the task tables.
    const engineOnly = databaseFile();
    new SqliteStore(engineOnly).close();
    expect(() => openTasks(engineOnly, true)).toThrow(
      expect.objectContaining({ code: 'run-unknown', message: expect.stringContaining('tasks.db') }),
    );
    // Opened writable, the same file gets them.
    const upgraded = openTasks(engineOnly);
    expect(upgraded.tasks.runs()).toEqual([]);
    upgraded.store.close();
  });

  it('refuses a PostgreSQL URL without connecting to it', () => {
    expect(() => openTasks('postgres://ouro:secret@127.0.0.1:1/ouro')).toThrow(
      expect.objectContaining({ code: 'option-invalid', field: 'db', message: expect.not.stringContaining('secret') }),
    );
  });
});

describe('a task writer killed with SIGKILL', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  /** Starts the writer, kills it once it has printed `after` numbers, and returns every number it printed. */
  async function writeUntilKilled(db: string, after: number): Promise<number[]> {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, db, 'k1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!killed && stdout.split('\n').length > after) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_code, closed) => resolve(closed)));
    expect(signal, `the writer ended by itself: ${stderr}`).toBe('SIGKILL');
    // Only whole lines: the last may have been cut by the kill.
    return stdout
      .split('\n')
      .slice(0, -1)
      .map((line) => Number(line));
  }

  it('loses no task it reported committed, and a restart goes on from the next number', async () => {
    const db = databaseFile();
    const first = await writeUntilKilled(db, 300);
    const second = await writeUntilKilled(db, 200);
    expect(first.length).toBeGreaterThanOrEqual(300);
    expect(second.length).toBeGreaterThanOrEqual(200);
    // The restart began right after the last committed proposal, which may be one it never got to print.
    const lastFirst = first.at(-1) as number;
    expect(second[0]).toBeGreaterThan(lastFirst);
    expect(second[0]).toBeLessThanOrEqual(lastFirst + 2);

    const { store, tasks } = openTasks(db, true);
    try {
      const seqs = tasks.tasks('k1').map((row) => row.seq);
      const stored = new Set(seqs);
      const missing = [...first, ...second].filter((seq) => !stored.has(seq));
      expect(missing).toEqual([]);
      // Every write is its own transaction, so what survives is a gapless prefix.
      expect(seqs).toEqual(seqs.map((_, index) => index));
      expect(tasks.keptTasks('k1').every((task) => task.answer?.value === String(Number(task.id.slice(5)) * 2))).toBe(true);
      expect(tasks.events('k1').map((event) => event.kind)).toEqual(['started', 'resumed']);
    } finally {
      store.close();
    }
    const raw = new Database(db, { readonly: true });
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      raw.close();
    }
  });
});
