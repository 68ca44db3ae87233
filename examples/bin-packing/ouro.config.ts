import { defineExperiment, z } from 'ouroboros';

export default defineExperiment({
  name: 'bin-packing',
  description: "FunSearch's online bin packing: evolve the priority rule that picks a bin for each item.",
  genome: ['priority.js'],
  evaluator: 'evaluate.ts',
  archive: { kind: 'dgm' },
  // One evaluation packs 5 x 5,000 items in about 50 ms on one core (best fit), so 2,000
  // candidates take a few minutes on two.
  budget: { evaluations: 2_000, wallTime: '10m' },
  // About 40 times best fit's time: room for a cold worker and rules that do more per bin,
  // while a rule that does quadratic work per item is cut off.
  evaluation: { timeoutMs: 2_000, memoryMb: 256 },
  options: z.object({
    instances: z.string().optional().describe('JSON file of instances in the FunSearch format (see ../shared/data/README.md)'),
  }),
});
