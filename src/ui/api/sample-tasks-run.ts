import type { TasksStore } from '../../tasks/store.ts';
import type { Category, GeneratedTask, RejectReason, Validation } from '../../tasks/types.ts';

/** The categories of the sample task run, as `categoryKey` spells them. */
export const SAMPLE_CATEGORIES = {
  arithmetic: 'math/easy/arithmetic',
  strings: 'coding/medium/strings',
  lists: 'triple/hard/lists',
} as const;

const CATEGORY: Record<keyof typeof SAMPLE_CATEGORIES, Category> = {
  arithmetic: { generator: 'math', difficulty: 'easy', topic: 'arithmetic' },
  strings: { generator: 'coding', difficulty: 'medium', topic: 'strings' },
  lists: { generator: 'triple', difficulty: 'hard', topic: 'lists' },
};

/**
 * What the sample writes, proposal by proposal: a kept task with the solver's attempts per model
 * as [attempts, passed] (none for a task not attempted yet), or a rejection with its reason.
 */
export const SAMPLE_PROPOSALS: ReadonlyArray<
  | { seq: number; kept: true; title: string; category: keyof typeof SAMPLE_CATEGORIES; attempts: Record<string, [number, number]> }
  | { seq: number; kept: false; reason: RejectReason; category: keyof typeof SAMPLE_CATEGORIES; detail: string }
> = [
  // 3 of 10 over two solver models: 0.3, in the bin [0.3, 0.4) and inside the band.
  { seq: 0, kept: true, title: 'Sum of squares', category: 'arithmetic', attempts: { 'solver-a': [5, 2], 'solver-b': [5, 1] } },
  { seq: 1, kept: false, reason: 'duplicate', category: 'arithmetic', detail: 'same task as seq 0' },
  // Always solved: too easy to teach anything, in the last bin.
  { seq: 2, kept: true, title: 'Reverse a word', category: 'strings', attempts: { 'solver-a': [10, 10] } },
  // Never solved: the first bin.
  { seq: 3, kept: true, title: 'Digits of 2^100', category: 'arithmetic', attempts: { 'solver-a': [4, 0] } },
  { seq: 4, kept: false, reason: 'unparseable', category: 'lists', detail: 'no JSON object in the reply' },
  // 2 of 3: 0.667, the bin [0.6, 0.7).
  { seq: 5, kept: true, title: 'Find the input', category: 'lists', attempts: { 'solver-a': [3, 2] } },
  { seq: 6, kept: false, reason: 'reference-fails', category: 'strings', detail: 'reference fails test "empty string": got undefined' },
  // Not attempted yet: no pass rate, left out of the histogram.
  { seq: 7, kept: true, title: 'Capitalise <b>each</b> word', category: 'strings', attempts: {} },
  { seq: 8, kept: false, reason: 'duplicate', category: 'strings', detail: 'same task as seq 2' },
  { seq: 9, kept: false, reason: 'too-easy', category: 'arithmetic', detail: 'pass rate 1.00 is not below 0.8' },
];

/** The curriculum's weights at each step; the third arm is first weighed at step 3. */
export const SAMPLE_CURRICULUM: ReadonlyArray<{ weights: Record<string, number>; category: string; reward?: number }> = [
  {
    weights: { [SAMPLE_CATEGORIES.arithmetic]: 0.5, [SAMPLE_CATEGORIES.strings]: 0.5 },
    category: SAMPLE_CATEGORIES.arithmetic,
    reward: 0.7,
  },
  { weights: { [SAMPLE_CATEGORIES.arithmetic]: 0.6, [SAMPLE_CATEGORIES.strings]: 0.4 }, category: SAMPLE_CATEGORIES.arithmetic },
  { weights: { [SAMPLE_CATEGORIES.arithmetic]: 0.55, [SAMPLE_CATEGORIES.strings]: 0.45 }, category: SAMPLE_CATEGORIES.strings, reward: 0 },
  {
    weights: { [SAMPLE_CATEGORIES.arithmetic]: 0.4, [SAMPLE_CATEGORIES.strings]: 0.3, [SAMPLE_CATEGORIES.lists]: 0.3 },
    category: SAMPLE_CATEGORIES.lists,
    reward: 0.67,
  },
];

export const SAMPLE_BOUNDS = { low: 0.2, high: 0.8 };

function sampleTask(seq: number, title: string, category: Category): GeneratedTask {
  return {
    id: `task-${seq}`,
    title,
    category,
    statement: `${title}: the answer of task ${seq}.`,
    answer: { value: String(seq), program: `export function answer() { return ${seq}; }` },
    provenance: { generator: category.generator, model: 'scripted', prompt: 'write a task', reply: `task ${seq}` },
  };
}

/**
 * A task run written straight through the tasks store, for the dashboard's tests: the proposals of
 * `SAMPLE_PROPOSALS` with their attempts, the curriculum steps of `SAMPLE_CURRICULUM`, and the
 * learnability band `SAMPLE_BOUNDS` in its settings. The run stays live (no `finished` event).
 *
 * @example
 * const { tasks } = openTasks(db);
 * writeSampleTasksRun(tasks, 'tsample');
 */
export function writeSampleTasksRun(tasks: TasksStore, runId: string, createdAt = Date.now()): void {
  tasks.createRun({ id: runId, kind: 'generate', settings: { bounds: SAMPLE_BOUNDS, proposer: 'scripted' }, createdAt });
  for (const proposal of SAMPLE_PROPOSALS) {
    const category = CATEGORY[proposal.category];
    if (!proposal.kept) {
      const validation: Validation = { kept: false, reason: proposal.reason, detail: proposal.detail, checks: [] };
      const outcome =
        proposal.reason === 'unparseable'
          ? { category, reply: 'I cannot think of a task.', validation }
          : { task: sampleTask(proposal.seq, `Rejected ${proposal.seq}`, category), validation };
      tasks.recordTask(runId, proposal.seq, { ...outcome, createdAt: createdAt + proposal.seq });
      continue;
    }
    const task = sampleTask(proposal.seq, proposal.title, category);
    const validation: Validation = { kept: true, detail: 'program computes the stated answer', checks: [] };
    tasks.recordTask(runId, proposal.seq, { task, validation, createdAt: createdAt + proposal.seq });
    for (const [model, [attempts, passed]] of Object.entries(proposal.attempts)) {
      for (let index = 0; index < attempts; index++) {
        const success = index < passed;
        tasks.recordAttempt(runId, {
          taskId: task.id,
          model,
          index,
          passed: success,
          detail: success ? 'correct' : 'wrong',
          tokens: 10,
          costUsd: 0,
        });
      }
    }
  }
  SAMPLE_CURRICULUM.forEach((step, index) => {
    tasks.recordCurriculum(runId, { step: index, snapshot: { step: index }, ...step });
  });
}
