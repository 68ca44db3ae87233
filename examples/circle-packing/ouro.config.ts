import { defineExperiment } from 'ouroboros';

export default defineExperiment({
  name: 'circle-packing',
  description: 'Pack 26 circles in the unit square, maximising the sum of their radii (zero-tolerance check).',
  genome: ['pack.js'],
  evaluator: 'evaluate.ts',
  archive: { kind: 'dgm' },
  // Sized for the Quick start: about two minutes on two cores. An evaluation takes about 2.8 ms
  // (writing and importing the genome; the check itself takes 0.01 ms), plus 1-2 ms of engine
  // work: two workers get through about 450 a second, 50,000 in just under two minutes.
  budget: { evaluations: 50_000, wallTime: '2m' },
  evaluation: { timeoutMs: 250, memoryMb: 256 },
  bestKnown: { score: 2.6358627564, source: 'AlphaEvolve (2025)' },
});
