import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvaluateContext, EvaluationResult } from '../core/evaluator.ts';
import { OuroError } from '../core/errors.ts';
import type { Genome } from '../core/types.ts';
import { readEvaluatorExports } from '../evaluate/evaluator-module.ts';
import type { PromptTaskOptions } from './options.ts';
import type { InstanceTrace } from './scoring.ts';
import { promptTask } from './task.ts';
import { CAREFUL, HALF, SLOPPY, sumDataset, sumModel, sumRows } from './task-fixture.ts';
import { jsonl, promptContext, promptGenome, type RecordingModels, recordingModels, temporaryFolder } from './test-kit.ts';

let folder: ReturnType<typeof temporaryFolder>;
let dataset: string;
beforeEach(() => {
  folder = temporaryFolder();
  dataset = folder.write('sums.jsonl', sumDataset(30));
});
afterEach(() => folder.remove());

function task(options: Partial<PromptTaskOptions> = {}) {
  return promptTask({
    dataset,
    input: 'question',
    target: 'answer',
    metric: 'numeric',
    splits: { train: 10, val: 10, test: 10 },
    ...options,
  });
}

/** Runs the gate, then the final stage when the gate lets the candidate through, as a worker does. */
async function evaluateBoth(made: ReturnType<typeof task>, genome: Genome, context: EvaluateContext) {
  const gate = await made.stages[0]!.evaluate(genome, { ...context, stage: 'minibatch' });
  const final = gate.score >= made.stages[0]!.threshold ? await made.evaluate(genome, context) : undefined;
  return { gate, final };
}

/** The traces a result's artifacts hold under `key`; none when the result or the key is missing. */
function tracesOf(result: EvaluationResult | undefined, key: string): InstanceTrace[] {
  return (result?.artifacts?.[key] as InstanceTrace[] | undefined) ?? [];
}

function userMessages(models: RecordingModels): string[] {
  return models.requests.map((request) => request.messages.find((message) => message.role === 'user')?.content ?? '');
}

describe('promptTask: the minibatch gate', () => {
  it('is one stage named minibatch with threshold 0, which an evaluator module may export as it is', () => {
    const made = task();
    expect(made.stages.map(({ name, threshold }) => ({ name, threshold }))).toEqual([{ name: 'minibatch', threshold: 0 }]);
    expect(made.splits).toEqual({ train: 10, val: 10, test: 10 });
    const stages = readEvaluatorExports({ stages: made.stages, default: made.evaluate }, 'evaluate.ts');
    expect(stages.map((stage) => stage.name)).toEqual(['minibatch', 'final']);
  });

  it('lets a child through that does no worse than its parent, then scores val with the minibatch traces as feedback', async () => {
    const made = task();
    const models = recordingModels(sumModel);
    const context = promptContext(models, { candidateId: 'run-5', parent: { id: 'run-2', genome: SLOPPY } });
    const { gate, final } = await evaluateBoth(made, CAREFUL, context);
    expect(gate.score).toBe(1);
    expect(gate.metrics).toMatchObject({ minibatch: 1, parentMinibatch: 0 });
    expect(gate.feedback).toContain('its parent run-2 scored 0 on the same examples, so it is not worse and goes on to validation');
    // The gate made 3 child and 3 parent calls, all at temperature 0 with the run's first model.
    expect(models.requests.slice(0, 6).every((request) => request.temperature === 0 && request.model === 'test:model')).toBe(true);

    expect(final?.score).toBe(1);
    expect(Object.keys(final?.instances ?? {}).sort()).toEqual([...made.ids.val].sort());
    expect(final?.metrics).toMatchObject({
      accuracy: 1,
      valInstances: 10,
      minibatch: 1,
      parentMinibatch: 0,
      failedMetrics: 0,
      modelCalls: 16,
    });
    expect(final?.feedback).toContain('Validation: mean score 1 over 10 instances (10 with full marks).');
    expect(final?.feedback).toContain('Training minibatch: mean score 1 on 3 examples (its parent: 0)');
    const train = tracesOf(final, 'train');
    expect(train.map((trace) => trace.split)).toEqual(['train', 'train', 'train']);
    for (const trace of train) expect(final?.feedback).toContain(`### Example ${trace.id} (score 1)`);
    expect(tracesOf(final, 'val').length).toBe(10);
  });

  it('stops a child that is worse than its parent with a negative score, and keeps nothing for a final stage', async () => {
    const made = task();
    const models = recordingModels(sumModel);
    const context = promptContext(models, { candidateId: 'run-6', parent: { id: 'run-2', genome: CAREFUL } });
    const { gate, final } = await evaluateBoth(made, SLOPPY, context);
    expect(gate.score).toBe(-1);
    expect(final).toBeUndefined();
    expect(gate.metrics).toMatchObject({ minibatch: 0, parentMinibatch: 1 });
    expect(gate.feedback).toContain('so it is worse and stops here without a validation score. Its score is the difference, -1.');
    expect(gate.feedback).toContain('Expected: ');
    // Nothing waits: a final stage run anyway scores the minibatch itself (3 calls) before val (10).
    const later = await made.evaluate(SLOPPY, context);
    expect(later.metrics?.modelCalls).toBe(13);
  });

  it('lets a tie through with score 0', async () => {
    const made = task();
    const models = recordingModels(sumModel);
    const context = promptContext(models, { candidateId: 'run-8', parent: { id: 'run-3', genome: promptGenome('Add them. HALF') } });
    const { gate, final } = await evaluateBoth(made, HALF, context);
    expect(gate.score).toBe(0);
    expect(gate.metrics?.minibatch).toBe(gate.metrics?.parentMinibatch);
    expect(final?.metrics?.modelCalls).toBe(16);
  });

  it('refuses a prompt with no EVOLVE region', async () => {
    const context = promptContext(recordingModels(sumModel));
    await expect(task().stages[0]!.evaluate({ 'system.md': 'Add. CAREFUL' }, context)).rejects.toThrow('no EVOLVE region');
  });

  it('passes a candidate without a parent with score 0', async () => {
    const gate = await task().stages[0]!.evaluate(HALF, promptContext(recordingModels(sumModel)));
    expect(gate.score).toBe(0);
    expect(gate.metrics).not.toHaveProperty('parentMinibatch');
    expect(gate.feedback).toContain('no parent to compare with, so it goes on to validation');
  });

  it('draws the same minibatch for the same candidate id, from train only', async () => {
    const made = task();
    const questions = async (candidateId: string) => {
      const models = recordingModels(sumModel);
      await made.stages[0]!.evaluate(CAREFUL, promptContext(models, { candidateId }));
      return userMessages(models);
    };
    const first = await questions('run-9');
    expect(first).toHaveLength(3);
    expect(await questions('run-9')).toEqual(first);
    const trainQuestions = new Set(
      sumRows(30)
        .filter((_, index) => made.ids.train.includes(`L${index + 1}`))
        .map((row) => row.question),
    );
    for (const question of first) expect(trainQuestions.has(question)).toBe(true);
    const others = await Promise.all(['run-10', 'run-11', 'run-12', 'run-13'].map(questions));
    expect(others.some((other) => other.join() !== first.join())).toBe(true);
  });
});

describe('promptTask: the sealed test split', () => {
  it('never sends a test instance to a model, feedback or artifact during search, and scores only test for purpose test', async () => {
    const made = task();
    const rows = sumRows(30);
    const seen = new Set([...made.ids.train, ...made.ids.val]);
    const testQuestions = rows.filter((_, index) => !seen.has(`L${index + 1}`)).map((row) => row.question);
    expect(testQuestions).toHaveLength(10);

    const models = recordingModels(sumModel);
    const results: EvaluationResult[] = [];
    const lineage: Array<[string, Genome, Genome | undefined]> = [
      ['run-0', HALF, undefined],
      ['run-1', CAREFUL, HALF],
      ['run-2', SLOPPY, CAREFUL],
      ['run-3', HALF, SLOPPY],
    ];
    for (const [candidateId, genome, parent] of lineage) {
      const context = promptContext(models, { candidateId, ...(parent ? { parent: { id: 'p', genome: parent } } : {}) });
      const { gate, final } = await evaluateBoth(made, genome, context);
      results.push(gate, ...(final ? [final] : []));
    }
    expect(models.requests.length).toBeGreaterThan(40);
    const sent = models.requests.flatMap((request) => request.messages.map((message) => message.content)).join('\n');
    const shown = JSON.stringify(results);
    for (const question of testQuestions) {
      expect(sent).not.toContain(question);
      expect(shown).not.toContain(question);
    }

    const testModels = recordingModels(sumModel);
    const testContext = promptContext(testModels, { candidateId: 'run-1', purpose: 'test', parent: { id: 'p', genome: SLOPPY } });
    const gate = await made.stages[0]!.evaluate(CAREFUL, testContext);
    expect(gate.score).toBe(0);
    expect(testModels.requests).toHaveLength(0);
    const scored = await made.evaluate(CAREFUL, testContext);
    expect(userMessages(testModels).sort()).toEqual([...testQuestions].sort());
    expect(scored.score).toBe(1);
    expect(Object.keys(scored.instances ?? {})).toHaveLength(10);
    expect(Object.keys(scored.instances ?? {}).some((id) => seen.has(id))).toBe(false);
    expect(scored.metrics).toMatchObject({ accuracy: 1, testInstances: 10 });
  });

  it('refuses purpose test when the task has no test split', async () => {
    const made = task({ splits: { train: 10, val: 10 } });
    const context = promptContext(recordingModels(sumModel), { purpose: 'test' });
    await expect(made.evaluate(CAREFUL, context)).rejects.toThrow('splits.test is 0');
  });
});

describe('promptTask: metrics', () => {
  it('marks an instance failed when the metric throws, and goes on', async () => {
    const metric = (output: string, target: string) => {
      if (Number(target) % 3 === 0) throw new Error(`cannot grade ${target}`);
      return output.includes(target) ? { score: 1, feedback: 'right' } : 0;
    };
    const made = task({ metric });
    const result = await made.evaluate(CAREFUL, promptContext(recordingModels(sumModel), { candidateId: 'run-4' }));
    const val = tracesOf(result, 'val');
    const failed = val.filter((trace) => trace.error !== undefined);
    expect(failed.length).toBeGreaterThan(0);
    for (const trace of failed) {
      expect(trace.score).toBe(0);
      expect(trace.error).toBe(`the metric threw: cannot grade ${trace.target}`);
    }
    for (const trace of val.filter((trace) => trace.error === undefined)) expect(trace).toMatchObject({ score: 1, feedback: 'right' });
    expect(result.score).toBeCloseTo((val.length - failed.length) / val.length);
    expect(result.metrics?.failedMetrics).toBe([...val, ...tracesOf(result, 'train')].filter((t) => t.error).length);
  });

  it('marks an instance failed when a metric returns a score outside [0, 1]', async () => {
    const made = task({ metric: () => 2 });
    const result = await made.evaluate(CAREFUL, promptContext(recordingModels(sumModel)));
    expect(result.score).toBe(0);
    expect(tracesOf(result, 'val')[0]?.error).toBe('the metric returned the score 2, outside [0, 1]');
  });

  it('grades with an LLM judge at temperature 0 on the judge model, and fails an instance whose verdict has no score', async () => {
    const judged = (request: Parameters<typeof sumModel>[0]) => {
      const system = request.messages[0]?.content ?? '';
      if (!system.startsWith('You grade one answer')) return sumModel(request);
      const user = request.messages[1]?.content ?? '';
      const reference = /Reference answer:\n(\d+)/.exec(user)?.[1] ?? '?';
      const graded = /Answer to grade:\n(.*)/s.exec(user)?.[1] ?? '';
      if (reference.endsWith('7')) return 'I am not sure.';
      return graded.includes(reference) ? 'Matches the reference.\nScore: 1' : 'Off by one.\nScore: 0';
    };
    const models = recordingModels(judged, ['test:answerer', 'test:judge']);
    const made = task({ metric: { judge: { rubric: 'The sum must be exact.', model: 'test:judge' } } });
    const result = await made.evaluate(HALF, promptContext(models));
    const judgeRequests = models.requests.filter((request) => request.model === 'test:judge');
    expect(judgeRequests).toHaveLength(13);
    expect(judgeRequests.every((request) => request.temperature === 0)).toBe(true);
    expect(judgeRequests[0]?.messages[1]?.content).toContain('Rubric:\nThe sum must be exact.');
    const val = tracesOf(result, 'val');
    for (const trace of val) {
      if (trace.target.endsWith('7')) expect(trace.error).toContain('the judge gave no "Score: X" line');
      else expect(trace.score).toBe(trace.output.includes(trace.target) ? 1 : 0);
    }
    expect(val.some((trace) => trace.error !== undefined)).toBe(true);
    expect(val.find((trace) => trace.score === 0 && !trace.error)?.feedback).toBe('Off by one.');
  });
});

describe('promptTask: models', () => {
  it('fails the evaluation with the ways to give a model when the run has none', async () => {
    const made = task();
    const context = promptContext(recordingModels(sumModel, []));
    const error = await Promise.resolve(made.evaluate(CAREFUL, context)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OuroError);
    expect((error as OuroError).code).toBe('model-missing');
    expect((error as Error).message).toContain('--model openai:gpt-4.1-mini');
    expect((error as Error).message).toContain('--model compat:http://127.0.0.1:11434/v1#qwen2.5:7b');
    await expect(made.stages[0]!.evaluate(CAREFUL, context)).rejects.toThrow('the run has none');
  });

  it('refuses a model option the run does not have', async () => {
    const made = task({ model: 'openai:gpt-4.1' });
    await expect(made.evaluate(CAREFUL, promptContext(recordingModels(sumModel)))).rejects.toThrow(
      "model: openai:gpt-4.1 is not one of the run's models (test:model)",
    );
  });

  it('fails the evaluation when a model call fails', async () => {
    const failing = recordingModels((request) => {
      if (request.messages[1]?.content.includes('Item 3:')) throw new Error('openai:gpt-4.1-mini: HTTP 500');
      return sumModel(request);
    });
    const made = task({ splits: { train: 3, val: 27 } });
    await expect(made.evaluate(CAREFUL, promptContext(failing))).rejects.toThrow('HTTP 500');
  });

  it('keeps at most `concurrency` calls in flight, and passes the model options through', async () => {
    const models = recordingModels(sumModel, ['a:one', 'a:two']);
    const made = task({ concurrency: 2, model: 'a:two', temperature: 0.7, maxOutputTokens: 64 });
    await made.evaluate(CAREFUL, promptContext(models));
    expect(models.maxInFlight).toBe(2);
    expect(
      models.requests.every((request) => request.model === 'a:two' && request.temperature === 0.7 && request.maxOutputTokens === 64),
    ).toBe(true);
  });

  it('counts cached calls: a second evaluation of the same prompt is answered from the cache', async () => {
    const models = recordingModels(sumModel);
    const made = task();
    await made.evaluate(CAREFUL, promptContext(models, { candidateId: 'run-1' }));
    const again = await made.evaluate(CAREFUL, promptContext(models, { candidateId: 'run-1' }));
    expect(again.metrics).toMatchObject({ modelCalls: 13, cachedCalls: 13, costUsd: 0 });
  });
});

describe('promptTask: loading', () => {
  it('checks numeric targets when the task is made', () => {
    const file = folder.write('bad.jsonl', jsonl([{ question: 'q', answer: 'twelve' }, ...sumRows(5)]));
    expect(() => task({ dataset: file, splits: { train: 2, val: 2 } })).toThrow('bad.jsonl:1: the target "twelve" holds no number');
  });

  it('refuses a minibatch larger than the train split, and bad options, naming the option', () => {
    expect(() => task({ splits: { train: 2, val: 10 } })).toThrow('promptTask minibatch: 3 is more than the 2 train instances');
    expect(() => task({ minibatch: 0 })).toThrow('promptTask minibatch: expected a whole number of at least 1, got 0');
    expect(() => task({ metric: 'fuzzy' as never })).toThrow("metric: expected 'exact', 'numeric'");
    expect(() => task({ metric: { judge: { rubric: ' ' } } })).toThrow('or { judge: { rubric } }');
    expect(() => task({ input: '' })).toThrow('promptTask input');
  });

  it('renders the named components of a two-file genome with a custom render', async () => {
    const models = recordingModels(sumModel);
    const made = task({
      components: ['rules.md', 'style.md'],
      render: (components, input) => [
        { role: 'system', content: `${components['rules.md']?.trim()} / ${components['style.md']?.trim()}` },
        { role: 'user', content: input },
      ],
    });
    const genome = {
      'style.md': 'Reply in one sentence.\n',
      'rules.md': 'EVOLVE-BLOCK-START\nCAREFUL\nEVOLVE-BLOCK-END\n',
      'notes.md': 'ignored',
    };
    const result = await made.evaluate(genome, promptContext(models));
    expect(result.score).toBe(1);
    expect(models.requests[0]?.messages[0]?.content).toBe('CAREFUL / Reply in one sentence.');
    await expect(made.evaluate({ 'rules.md': genome['rules.md'] }, promptContext(models))).rejects.toThrow('component style.md');
  });
});
