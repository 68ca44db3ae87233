import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import type { Benchmark } from '../coding-bench/tasks.ts';
import type { AgentTaskResult, TaskStatus } from './store.ts';
import { pickFailure, problemOf } from './diagnose.ts';

const benchmark = { dir: 'b', tasks: [], sets: {} } as unknown as Benchmark;

function result(taskId: string, attempts: TaskStatus[], changed = true, log = `log of ${taskId}`): AgentTaskResult {
  const resolved = attempts.filter((status) => status === 'resolved').length * 2 > attempts.length;
  return {
    taskId,
    set: 'small',
    status: resolved ? 'resolved' : (attempts.find((status) => status !== 'resolved') ?? 'unresolved'),
    attempts,
    runStatus: attempts.map(() => 'done'),
    changed: attempts.map(() => changed),
    output: `output of ${taskId}`,
    log,
  };
}

/** How often each kind is picked over many seeded draws. */
function kinds(results: AgentTaskResult[]): Record<string, number> {
  const rng = Rng.fromSeed(1);
  const counts: Record<string, number> = {};
  for (let draw = 0; draw < 400; draw++) {
    const kind = pickFailure(results, benchmark, rng).kind;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

describe('pickFailure', () => {
  it('picks an unresolved task, with its log and test output in the report', () => {
    const failure = pickFailure([result('a', ['resolved']), result('b', ['unresolved'])], benchmark, Rng.fromSeed(2));
    expect(failure).toMatchObject({ kind: 'unresolved-task', taskId: 'b' });
    expect(failure.report).toContain('log of b');
    expect(failure.report).toContain('output of b');
  });

  it('finds systematic failures: empty patches, stochastic repeats, timeouts, context overflow', () => {
    expect(kinds([result('a', ['unresolved'], false), result('b', ['unresolved'], false)])).toMatchObject({
      'empty-patches': expect.any(Number),
      'unresolved-task': expect.any(Number),
    });
    expect(Object.keys(kinds([result('a', ['resolved', 'unresolved', 'resolved'])]))).toEqual(['stochastic']);
    expect(Object.keys(kinds([result('a', ['timeout']), result('b', ['timeout'])])).sort()).toEqual(['timeouts', 'unresolved-task']);
    const overflow = pickFailure([result('a', ['resolved'], true, 'error: maximum context length exceeded')], benchmark, Rng.fromSeed(3));
    expect(overflow.kind).toBe('context-overflow');
    expect(pickFailure([result('a', ['resolved'])], benchmark, Rng.fromSeed(3)).kind).toBe('none');
  });

  it('reads the problem statement from a reply', () => {
    expect(problemOf('thinking...\n<problem>\nAdd a retry.\n</problem>')).toBe('Add a retry.');
    expect(problemOf('Add a retry.')).toBe('Add a retry.');
    expect(problemOf('<problem> </problem>')).toBeUndefined();
  });
});
