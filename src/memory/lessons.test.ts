import { describe, expect, it } from 'vitest';
import { ModelCallError, type Completion, type CompletionRequest, type ModelHandle } from '../core/model.ts';
import { Rng } from '../core/rng.ts';
import { formatLessons, llmLessons, statsLessons, type Outcome } from './index.ts';

/**
 * 300 outcomes with a known pattern: perturb-number improves about 30% of the time (lowering a
 * number far more often than raising one, mostly at pack.js:12), swap-operator rarely helps,
 * delete-statement mostly fails with `x is not defined`, crossover never helps and sometimes
 * times out.
 */
function generate(seed: number, count = 300): Outcome[] {
  const rng = Rng.fromSeed(seed);
  const outcomes: Outcome[] = [];
  for (let index = 0; index < count; index++) {
    const parentScore = 0.8 + 0.1 * rng.next();
    const up = parentScore + 0.001 + 0.01 * rng.next();
    const down = parentScore - 0.01 * rng.next();
    const draw = rng.next();
    const roll = rng.next();
    if (draw < 0.35) {
      const lower = rng.next() < 0.5;
      const line = lower ? 12 : 11 + rng.int(3);
      const after = lower ? '0.4731' : '0.5312';
      outcomes.push({
        operator: 'perturb-number',
        description: `perturb-number 0.5 -> ${after} at pack.js:${line}`,
        diff: `@@ -${line} +${line} @@\n-  const gap = 0.5;\n+  const gap = ${after};\n`,
        parentScore,
        status: 'ok',
        score: roll < (lower ? 0.5 : 0.1) ? up : down,
      });
    } else if (draw < 0.6) {
      const invalid = roll > 0.95;
      outcomes.push({
        operator: 'swap-operator',
        description: `swap-operator < -> <= at pack.js:${20 + rng.int(4)}`,
        diff: '-  if (a < b)\n+  if (a <= b)\n',
        parentScore,
        status: invalid ? 'invalid' : 'ok',
        ...(invalid ? { error: 'score is NaN' } : { score: roll < 0.08 ? up : down }),
      });
    } else if (draw < 0.8) {
      const failed = roll < 0.6;
      outcomes.push({
        operator: 'delete-statement',
        description: `delete-statement at pack.js:${30 + rng.int(3)}: const x = rows[${index % 7}];`,
        diff: `-  const x = rows[${index % 7}];\n`,
        parentScore,
        status: failed ? 'error' : 'ok',
        ...(failed ? { error: `ReferenceError: x is not defined\n    at pack.js:${40 + rng.int(9)}` } : { score: roll > 0.95 ? up : down }),
      });
    } else {
      const timedOut = roll < 0.1;
      outcomes.push({
        operator: 'crossover',
        description: 'crossover at pack.js:5: const rows = [5, 6] <- const rows = [6, 5]',
        diff: '-const rows = [5, 6];\n+const rows = [6, 5];\n',
        parentScore,
        status: timedOut ? 'timeout' : 'ok',
        ...(timedOut ? { error: 'timed out after 10000 ms' } : { score: down }),
      });
    }
  }
  return outcomes;
}

function counts(outcomes: readonly Outcome[], operator: string): { tries: number; improved: number; failed: number } {
  const mine = outcomes.filter((outcome) => outcome.operator === operator);
  return {
    tries: mine.length,
    improved: mine.filter((outcome) => outcome.status === 'ok' && (outcome.score ?? 0) > (outcome.parentScore ?? 0)).length,
    failed: mine.filter((outcome) => outcome.status !== 'ok').length,
  };
}

const percent = (part: number, whole: number): string => `${Math.round((100 * part) / whole)}%`;

describe('statsLessons', () => {
  const outcomes = generate(11);

  it('names the operator that improves most often, with its rate and counts', () => {
    const lessons = statsLessons(outcomes, { max: 5 });
    const { tries, improved } = counts(outcomes, 'perturb-number');
    const lesson = lessons.find((line) => line.startsWith('perturb-number improved'));
    expect(lesson).toBeDefined();
    expect(lesson).toContain(`${percent(improved, tries)} of tries (${improved}/${tries})`);
  });

  it('still reports the rate of an operator that runs alone', () => {
    const alone = outcomes.filter((outcome) => outcome.operator === 'perturb-number');
    const { tries, improved } = counts(alone, 'perturb-number');
    expect(statsLessons(alone, { max: 5 })).toContain(
      `perturb-number improved its parent in ${percent(improved, tries)} of tries (${improved}/${tries})`,
    );
  });

  it('names the operator that mostly errors, with its failure rate and the common error', () => {
    const lessons = statsLessons(outcomes, { max: 5 });
    const { tries, failed } = counts(outcomes, 'delete-statement');
    const lesson = lessons.find((line) => line.startsWith('delete-statement failed'));
    expect(lesson).toContain(`${percent(failed, tries)} of tries (${failed}/${tries})`);
    expect(lesson).toContain('ReferenceError: x is not defined');
  });

  it('finds the kind of change and the place that helped', () => {
    const lessons = statsLessons(outcomes, { max: 10 });
    expect(lessons.some((line) => line.startsWith('Lowering a number improved its parent'))).toBe(true);
    expect(lessons.some((line) => line.startsWith('Raising a number'))).toBe(false);
    expect(lessons.find((line) => line.startsWith('Improvements cluster at'))).toMatch(/^Improvements cluster at pack\.js:12 \(/);
    expect(lessons.some((line) => /^crossover never improved its parent in \d+ tries/.test(line))).toBe(true);
  });

  it('names a place that breaks the program more than its operators usually do', () => {
    const fragile: Outcome[] = Array.from({ length: 12 }, () => ({
      operator: 'swap-operator',
      description: 'swap-operator * -> / at pack.js:40',
      diff: '',
      parentScore: 0.8,
      status: 'error',
      error: 'RangeError: too many circles',
    }));
    const lessons = statsLessons([...outcomes, ...fragile], { max: 10 });
    expect(lessons).toContain('Changes at pack.js:40 (12/12 failed) break the program more than elsewhere: RangeError: too many circles');
    // The failures of delete-statement are spread evenly over its lines, so no line is singled out.
    expect(statsLessons(outcomes, { max: 10 }).some((line) => line.startsWith('Changes at'))).toBe(false);
  });

  it('ranks the strongest findings first and respects max', () => {
    const all = statsLessons(outcomes, { max: 10 });
    expect(all.length).toBeGreaterThan(3);
    expect(statsLessons(outcomes, { max: 2 })).toEqual(all.slice(0, 2));
    expect(statsLessons(outcomes, { max: 0 })).toEqual([]);
    for (const line of all) expect(line.length).toBeLessThanOrEqual(160);
  });

  it('is deterministic', () => {
    expect(statsLessons(generate(11), { max: 10 })).toEqual(statsLessons(generate(11), { max: 10 }));
  });

  it('says nothing without outcomes or with too few of them', () => {
    expect(statsLessons([], { max: 3 })).toEqual([]);
    expect(statsLessons(outcomes.slice(0, 6), { max: 3 })).toEqual([]);
  });

  it('makes no rate claim about an operator tried only a few times', () => {
    const rare: Outcome[] = Array.from({ length: 4 }, (_, index) => ({
      operator: 'llm-rewrite',
      description: `rewrite ${index}`,
      diff: '',
      parentScore: 0.5,
      score: 0.9,
      status: 'ok',
    }));
    const lessons = statsLessons([...outcomes, ...rare], { max: 10 });
    expect(lessons.some((line) => line.startsWith('llm-rewrite improved'))).toBe(false);
  });

  it('says when nothing improves', () => {
    const flat = outcomes.map((outcome) => ({ ...outcome, ...(outcome.status === 'ok' ? { score: 0 } : {}) }));
    expect(statsLessons(flat, { max: 1 })[0]).toBe(
      `None of the last ${flat.length} changes improved its parent; try bolder or different kinds of change`,
    );
  });

  it('reports one cause shared by several operators', () => {
    const broken = generate(3, 120).map((outcome, index) =>
      index % 2 === 0 ? { ...outcome, status: 'error' as const, error: `TypeError: cannot read ${index}`, score: undefined } : outcome,
    );
    const lesson = statsLessons(broken, { max: 10 }).find((line) => line.includes('share one cause'));
    expect(lesson).toMatch(/^60 of \d+ failures, from 4 operators, share one cause: TypeError: cannot read \d+$/);
  });
});

interface Script {
  model: ModelHandle;
  requests: CompletionRequest[];
}

function scripted(reply: string | Error, finishReason: Completion['finishReason'] = 'stop'): Script {
  const requests: CompletionRequest[] = [];
  const model: ModelHandle = {
    id: 'fake:lessons',
    contextWindow: 32_000,
    async complete(request) {
      requests.push(request);
      if (reply instanceof Error) throw reply;
      return { text: reply, finishReason, usage: { inputTokens: 100, outputTokens: 20 }, costUsd: 0, latencyMs: 1, model: 'fake:lessons' };
    },
  };
  return { model, requests };
}

describe('llmLessons', () => {
  const outcomes = generate(5);

  it('reads a bulleted list and ignores the prose around it', async () => {
    const { model } = scripted(
      'Here is what I learned:\n\n- **Lower** the gap constant at pack.js:12\n* Avoid deleting declarations\n' +
        '  that later lines read\n\nGood luck!',
    );
    expect(await llmLessons(model, outcomes, [], { max: 3 })).toEqual({
      lessons: ['Lower the gap constant at pack.js:12', 'Avoid deleting declarations that later lines read'],
    });
  });

  it('reads a numbered list and keeps at most max lines, each cut to 200 characters', async () => {
    const long = 'Prefer small steps '.repeat(20);
    const { model } = scripted(`1. First\n2) Second\n3. ${long}\n4. Fourth\n5. Fifth`);
    const result = await llmLessons(model, outcomes, [], { max: 3 });
    expect('lessons' in result && result.lessons.slice(0, 2)).toEqual(['First', 'Second']);
    const lessons = 'lessons' in result ? result.lessons : [];
    expect(lessons).toHaveLength(3);
    expect(lessons[2]?.length).toBeLessThanOrEqual(200);
    expect(lessons[2]).toMatch(/^Prefer small steps.*\.\.\.$/);
  });

  it('drops the last item of a reply cut short by the token cap', async () => {
    const { model } = scripted('1. Keep lowering the gap\n2. Avoid deleting decl', 'length');
    expect(await llmLessons(model, outcomes, [], { max: 3 })).toEqual({ lessons: ['Keep lowering the gap'] });
  });

  it('fails on prose without a list', async () => {
    const { model } = scripted('The search is going well. Lowering numbers seems to help, and deleting statements does not.');
    const result = await llmLessons(model, outcomes, [], { max: 3 });
    expect(result).toEqual({ failure: expect.stringContaining('no list') });
  });

  it('turns a ModelCallError into a failure instead of throwing', async () => {
    const { model } = scripted(new ModelCallError('budget', 'token budget spent', 'fake:lessons'));
    const result = await llmLessons(model, outcomes, [], { max: 3 });
    expect(result).toEqual({ failure: expect.stringContaining('budget') });
  });

  it('lets programming errors through', async () => {
    const { model } = scripted(new TypeError('bug'));
    await expect(llmLessons(model, outcomes, [], { max: 3 })).rejects.toThrow('bug');
  });

  it('makes one call under the lessons operator with the description, previous lessons and a digest', async () => {
    const controller = new AbortController();
    const { model, requests } = scripted('- ok');
    const previous = ['Lower the gap constant', 'Avoid swapping comparisons'];
    await llmLessons(model, outcomes, previous, {
      max: 2,
      signal: controller.signal,
      description: 'Pack 26 circles in a unit square; score is the sum of radii.',
    });
    expect(requests).toHaveLength(1);
    const request = requests[0] as CompletionRequest;
    expect(request.operator).toBe('lessons');
    expect(request.signal).toBe(controller.signal);
    const prompt = request.messages.map((message) => message.content).join('\n');
    expect(prompt).toContain('Pack 26 circles in a unit square; score is the sum of radii.');
    expect(prompt).toContain('1. Lower the gap constant\n2. Avoid swapping comparisons');
    expect(prompt).toContain('at most 2 lessons');
    const { tries, improved } = counts(outcomes, 'perturb-number');
    expect(prompt).toContain(`- perturb-number: ${tries} tries, ${improved} improved (${percent(improved, tries)})`);
    expect(prompt).toContain('ReferenceError: x is not defined');
    expect(prompt).toContain('+  const gap = 0.4731;');
  });

  it('caps the size of the diffs it shows', async () => {
    const huge = `-old\n${'+new line of code\n'.repeat(2000)}`;
    const big = outcomes.map((outcome) => ({ ...outcome, diff: huge }));
    const { model, requests } = scripted('- ok');
    await llmLessons(model, big, [], { max: 3 });
    const prompt = requests[0]?.messages.map((message) => message.content).join('\n') ?? '';
    expect(prompt.length).toBeLessThan(12_000);
    expect(prompt).toContain('more characters)');
  });
});

describe('formatLessons', () => {
  it('numbers the lessons, one per line', () => {
    expect(formatLessons(['Lower the gap', 'Keep the bounds check'])).toBe('1. Lower the gap\n2. Keep the bounds check');
    expect(formatLessons([])).toBe('');
  });
});
