import { afterAll, describe, expect, it } from 'vitest';
import { probes, requireService } from '../../../test/support/services.ts';
import { cleanUp, startPython } from './evaluators.fixtures.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
const numpy = await requireService('python3 with numpy and scipy', probes.numpy);
const missing = bubblewrap.missing || numpy.missing;
const title = (name: string) => numpy.title(bubblewrap.title(name));

afterAll(cleanUp);

// The program says what the evaluator should return, so one evaluator covers every case.
const OPENEVOLVE = `
import json
import numpy as np
from openevolve.evaluation_result import EvaluationResult

def _asked(program_path):
    return json.loads(open(program_path).read().split("#", 1)[1])

def evaluate(program_path):
    asked = _asked(program_path)
    if asked.get("wrap"):
        return EvaluationResult(metrics=asked["metrics"], artifacts={"stdout": b"ran fine", "note": "text"})
    if asked.get("raw") is not None:
        return asked["raw"]
    return asked["metrics"]

def evaluate_stage1(program_path):
    return {"combined_score": float(np.float64(_asked(program_path)["stage1"])), "validity": 1.0}

def evaluate_stage2(program_path):
    return {"combined_score": 0.9, "speed": 3.0}
`;

const program = (asked: unknown) => ({ 'initial_program.py': `x = 1  #${JSON.stringify(asked)}` });

describe.skipIf(missing)(title('OpenEvolve evaluators'), () => {
  it('reads a dict or an EvaluationResult; combined_score is the score, booleans are no metric', async () => {
    const evaluators = await startPython(OPENEVOLVE, { name: 'evaluator.py', python: { protocol: 'openevolve' } });
    expect(evaluators.stages).toEqual(['final']);
    const plain = await evaluators.evaluate('c1', program({ metrics: { combined_score: 0.5, accuracy: 0.9, valid: true, error: 'x' } }));
    expect(plain).toMatchObject({ status: 'ok', score: 0.5, metrics: { combined_score: 0.5, accuracy: 0.9 }, feedback: 'x' });
    expect(plain.metrics).not.toHaveProperty('valid');
    expect(plain.artifacts).toMatchObject({ valid: true, error: 'x' });
    const wrapped = await evaluators.evaluate('c2', program({ wrap: true, metrics: { combined_score: 0.25 } }));
    expect(wrapped).toMatchObject({ status: 'ok', score: 0.25, artifacts: { stdout: 'ran fine', note: 'text' } });
  });

  it('falls back to the mean of the numeric metrics, booleans left out, when combined_score is missing', async () => {
    const evaluators = await startPython(OPENEVOLVE, { name: 'evaluator.py', python: { protocol: 'openevolve' } });
    const evaluation = await evaluators.evaluate('c1', program({ metrics: { a: 1, b: 0.5, passed: true } }));
    expect(evaluation).toMatchObject({ status: 'ok', score: 0.75 });
    const none = await evaluators.evaluate('c2', program({ metrics: { passed: true, note: 'hi' } }));
    expect(none).toMatchObject({ status: 'invalid', error: expect.stringMatching(/no combined_score and no numeric metric/) });
  });

  it('marks a result that is not a dict, or a combined_score that is not a number, invalid with the reason', async () => {
    const evaluators = await startPython(OPENEVOLVE, { name: 'evaluator.py', python: { protocol: 'openevolve' } });
    expect(await evaluators.evaluate('c1', program({ raw: [0.5] }))).toMatchObject({
      status: 'invalid',
      error: expect.stringMatching(/evaluate returned a list, expected a dict or EvaluationResult/),
    });
    expect(await evaluators.evaluate('c2', program({ metrics: { combined_score: 'high' } }))).toMatchObject({
      status: 'invalid',
      error: expect.stringMatching(/combined_score is str 'high', expected a number/),
    });
  });

  it("runs the cascade evaluate_stage1/2 with cascade_thresholds, merging the stages' metrics", async () => {
    const evaluators = await startPython(OPENEVOLVE, {
      name: 'evaluator.py',
      python: { protocol: 'openevolve', cascadeThresholds: [0.5, 0.8] },
    });
    expect(evaluators.stages).toEqual(['stage1', 'stage2']);
    const stopped = await evaluators.evaluate('c1', program({ stage1: 0.2 }));
    expect(stopped).toMatchObject({ status: 'ok', score: 0.2, stage: 'stage1', metrics: { combined_score: 0.2, validity: 1 } });
    const passed = await evaluators.evaluate('c2', program({ stage1: 0.6 }));
    expect(passed).toMatchObject({ status: 'ok', score: 0.9, stage: 'stage2', metrics: { combined_score: 0.9, validity: 1, speed: 3 } });
  });
});

const SHINKA = `
import json, os
import numpy as np

def main(program_path, results_dir):
    asked = json.loads(open(program_path).read().split("#", 1)[1])
    os.makedirs(results_dir, exist_ok=True)
    if asked.get("correct") is not None:
        with open(os.path.join(results_dir, "correct.json"), "w") as f:
            json.dump({"correct": asked["correct"], "error": asked.get("error")}, f)
    if asked.get("skip_metrics"):
        return
    metrics = {
        "combined_score": asked.get("score", float(np.mean([1.0, 2.0]))),
        "public": {"radius_sum": 1.5, "valid": True},
        "private": {"hidden_test": 0.25},
        "text_feedback": "circles overlap near the corner",
    }
    with open(os.path.join(results_dir, "metrics.json"), "w") as f:
        json.dump(metrics, f)
`;

describe.skipIf(missing)(title('ShinkaEvolve evaluators'), () => {
  it('reads metrics.json: combined_score, public and private metrics, text feedback', async () => {
    const evaluators = await startPython(SHINKA, { python: { protocol: 'shinka' } });
    const evaluation = await evaluators.evaluate('c1', { 'initial.py': `x = 1  #${JSON.stringify({ correct: true })}` });
    expect(evaluation).toMatchObject({
      status: 'ok',
      score: 1.5,
      metrics: { radius_sum: 1.5 },
      privateMetrics: { hidden_test: 0.25 },
      feedback: 'circles overlap near the corner',
      artifacts: { valid: true },
    });
  });

  it('an incorrect result is invalid with its reason; a main that writes nothing is invalid too', async () => {
    const evaluators = await startPython(SHINKA, { python: { protocol: 'shinka' } });
    const wrong = await evaluators.evaluate('c1', {
      'initial.py': `x = 1  #${JSON.stringify({ correct: false, error: 'overlap of 0.3' })}`,
    });
    expect(wrong).toMatchObject({ status: 'invalid', error: 'incorrect: overlap of 0.3' });
    const silent = await evaluators.evaluate('c2', { 'initial.py': `x = 1  #${JSON.stringify({ skip_metrics: true })}` });
    expect(silent).toMatchObject({ status: 'invalid', error: expect.stringMatching(/main\(\) wrote no metrics.json/) });
    const text = await evaluators.evaluate('c3', { 'initial.py': `x = 1  #${JSON.stringify({ score: 'lots' })}` });
    expect(text).toMatchObject({ status: 'invalid', error: expect.stringMatching(/combined_score is str 'lots'/) });
  });
});
