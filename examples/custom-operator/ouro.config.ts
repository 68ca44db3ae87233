import { defineExperiment } from 'ouroboros';
import { doubleNumber } from './double-number.ts';

export default defineExperiment({
  name: 'custom-operator',
  description: 'Grow a rectangle to 16 by 4: a custom operator (double-number) beside a built-in one.',
  genome: ['rectangle.js'],
  evaluator: 'evaluate.ts',
  // Built-in operators by name, your own as Operator objects, in any mix.
  operators: ['perturb-number', doubleNumber],
  budget: { evaluations: 200, targetScore: 0 },
  evaluation: { timeoutMs: 5000, memoryMb: 128 },
});
