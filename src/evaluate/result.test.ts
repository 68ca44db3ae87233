import { describe, expect, it } from 'vitest';
import { readEvaluatorExports } from './evaluator-module.ts';
import { checkResult, describeThrown } from './result.ts';

describe('checkResult', () => {
  it('fills in defaults for a bare score', () => {
    expect(checkResult({ score: 0.5 })).toEqual({
      ok: true,
      result: { score: 0.5, metrics: {}, privateMetrics: {}, features: {}, instances: {}, feedback: '', artifacts: {} },
    });
  });

  it('keeps every valid field', () => {
    const result = {
      score: -3,
      metrics: { sum: 2.5 },
      privateMetrics: { 'hidden-test': 0.75 },
      features: { spread: 0.3 },
      instances: { 'case-1': 1 },
      feedback: 'circles overlap',
      artifacts: { best: [[0, 1]], when: new Date(0), note: null, nested: { fine: true } },
    };
    expect(checkResult(result)).toEqual({ ok: true, result });
  });

  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const shared = { x: 1 };

  it.each([
    ['evaluator returned nothing (undefined)', undefined],
    ['evaluator returned null, expected an object such as { score: 0.5 }', null],
    ['evaluator returned a string ("0.5"), expected an object such as { score: 0.5 }', '0.5'],
    ['evaluator returned a number (0.5), expected an object such as { score: 0.5 }', 0.5],
    ['evaluator returned an array, expected an object such as { score: 0.5 }', [1]],
    ['score is missing, expected an object such as { score: 0.5 }', {}],
    ['score is a string ("0.5"), expected a number', { score: '0.5' }],
    ['score is NaN', { score: NaN }],
    ['score is Infinity', { score: Infinity }],
    ['score is -Infinity', { score: -Infinity }],
    ['metrics.sum is Infinity', { score: 1, metrics: { sum: Infinity } }],
    ['metrics.sum is a string ("3"), expected a number', { score: 1, metrics: { sum: '3' } }],
    ['metrics is a number (3), expected an object of numbers', { score: 1, metrics: 3 }],
    ['privateMetrics.hidden is NaN', { score: 1, privateMetrics: { hidden: NaN } }],
    ['privateMetrics.hidden is a string ("1"), expected a number', { score: 1, privateMetrics: { hidden: '1' } }],
    ['privateMetrics is an array, expected an object of numbers', { score: 1, privateMetrics: [1] }],
    [
      'metrics.held is also in privateMetrics; a metric is either public or private',
      { score: 1, metrics: { held: 1 }, privateMetrics: { held: 2 } },
    ],
    ['features.spread is NaN', { score: 1, features: { spread: NaN } }],
    ['instances.case-2 is a boolean (true), expected a number', { score: 1, instances: { 'case-2': true } }],
    ['feedback is a number (42), expected a string', { score: 1, feedback: 42 }],
    ['artifacts is an array, expected an object', { score: 1, artifacts: [] }],
    ['artifacts.plot is a function, which is not JSON-serialisable', { score: 1, artifacts: { plot: () => 1 } }],
    ['artifacts.count is a bigint (3n), which is not JSON-serialisable', { score: 1, artifacts: { count: 3n } }],
    ['artifacts.list[1] is NaN, which JSON cannot hold', { score: 1, artifacts: { list: [1, NaN] } }],
    ['artifacts.self is circular, which is not JSON-serialisable', { score: 1, artifacts: circular }],
  ])('rejects with %s', (error, value) => {
    expect(checkResult(value)).toEqual({ ok: false, error });
  });

  it('accepts an object referenced twice without a cycle', () => {
    expect(checkResult({ score: 1, artifacts: { a: shared, b: shared } }).ok).toBe(true);
  });
});

describe('describeThrown', () => {
  it('gives the message and the first stack frame', () => {
    const error = new Error('circles overlap');
    expect(describeThrown(error)).toMatch(/^circles overlap\n {4}at .*result\.test\.ts/);
  });

  it('describes thrown values that are not errors', () => {
    expect(describeThrown('oops')).toBe('evaluator threw a string ("oops")');
  });
});

describe('readEvaluatorExports', () => {
  const file = '/experiments/demo/evaluate.ts';
  const evaluate = () => ({ score: 1 });

  it('puts the default export last, as the final stage', () => {
    const cheap = { name: 'compiles', evaluate, threshold: 1 };
    const stages = readEvaluatorExports({ default: evaluate, stages: [cheap] }, file);
    expect(stages.map((stage) => stage.name)).toEqual(['compiles', 'final']);
  });

  it('accepts a named evaluate export', () => {
    expect(readEvaluatorExports({ evaluate }, file)[0]!.evaluate).toBe(evaluate);
  });

  it.each([
    [{}, `${file} exports nothing to evaluate: export default async function (genome, context) { ... }`],
    [{ default: { score: 1 } }, `${file}: the default export is an object, not a function`],
    [{ default: evaluate, stages: {} }, `${file}: stages is an object, expected an array`],
    [{ default: evaluate, stages: [3] }, `${file}: stages[0] is a number (3), expected`],
    [{ default: evaluate, stages: [{ evaluate, threshold: 1 }] }, `${file}: stages[0].name is undefined`],
    [{ default: evaluate, stages: [{ name: 'a', threshold: 1 }] }, `${file}: stages[0].evaluate is undefined, expected a function`],
    [
      { default: evaluate, stages: [{ name: 'a', evaluate, threshold: NaN }] },
      `${file}: stages[0].threshold is NaN, expected a finite number`,
    ],
    [{ default: evaluate, stages: [{ name: 'final', evaluate, threshold: 1 }] }, `${file}: stages[0].name "final" is reserved`],
    [
      {
        default: evaluate,
        stages: [
          { name: 'a', evaluate, threshold: 1 },
          { name: 'a', evaluate, threshold: 1 },
        ],
      },
      `${file}: stages[1].name "a" is used by an earlier stage`,
    ],
  ])('rejects %o', (exports, message) => {
    expect(() => readEvaluatorExports(exports, file)).toThrow(message);
  });
});
