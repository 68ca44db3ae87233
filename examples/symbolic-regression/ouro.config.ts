import { defineExperiment } from 'ouroboros';

export default defineExperiment({
  name: 'symbolic-regression',
  description: 'Symbolic regression: grow model(x) from a straight line until it is x^3 + x^2 + x (Nguyen-1).',
  genome: ['model.js'],
  evaluator: 'evaluate.ts',
  // MAP-Elites over genome length (its default axis): short and long models keep separate elites,
  // so a short exact formula is not crowded out by long expressions that fit a little better.
  archive: { kind: 'map-elites', islands: 4 },
  // The score is minus the training error. A recovered formula scores 0 or within rounding of it
  // (about 1e-31); the target stops the run there. At 1e-24 the training residuals are about 1e-12,
  // small enough that the held-out check agrees.
  budget: { evaluations: 5000, wallTime: '5m', targetScore: -1e-24 },
  // A model can only do worse than zero error: a higher score is a forgery or a bug.
  evaluation: { timeoutMs: 1000, memoryMb: 256, scoreRange: { max: 0 } },
});
