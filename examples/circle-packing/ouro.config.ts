import { defineExperiment } from 'ouroboros';

export default defineExperiment({
  name: 'circle-packing',
  description: 'Pack 26 circles in the unit square, maximising the sum of their radii (zero-tolerance check).',
  genome: ['pack.js'],
  evaluator: 'evaluate.ts',
  archive: { kind: 'dgm' },
  // Sized for the Quick start: the two-minute wall-time limit ends the run on a 2-core machine
  // long before 50,000 evaluations (a mutated pack.js takes a few milliseconds to import and
  // check; see BENCHMARKS.md for the rate we measured). The timeout is 50 times a normal
  // evaluation, so a candidate stuck in a loop costs a quarter of a second, not two.
  budget: { evaluations: 50_000, wallTime: '2m' },
  evaluation: { timeoutMs: 250, memoryMb: 256 },
  bestKnown: { score: 2.6358627564, source: 'AlphaEvolve (2025)' },
});
