import { defineExperiment, z } from 'ouroboros';

export default defineExperiment({
  name: 'bin-packing',
  description: "FunSearch's online bin packing: evolve the priority rule that picks a bin for each item.",
  genome: ['priority.js'],
  evaluator: 'evaluate.ts',
  // MAP-Elites with islands (feature: genome length, the default axis). Seed 1, 1,500 evaluations
  // on FunSearch's file: map-elites reached 3.68% excess, greedy 3.75%, dgm stayed at best fit's 3.98%.
  archive: { kind: 'map-elites', islands: 4 },
  // One evaluation packs 5 x 5,000 items in about 90 ms on one core (best fit): about 30 ms
  // inside the candidate's isolate, plus a fresh context's cold JIT, plus about 30 ms to replay
  // the choices here under the packing rules. 2,000 candidates take a few minutes on two cores.
  budget: { evaluations: 2_000, wallTime: '10m' },
  // About 20 times best fit's time: room for a worker's first evaluation (it also reads the
  // instances and starts the isolate) and for rules that do more per bin, while quadratic work
  // per item is cut off.
  // A packing never uses fewer bins than the lower bound L1, so -excess is never above 0.
  evaluation: { timeoutMs: 2_000, memoryMb: 256, scoreRange: { max: 0 } },
  options: z.object({
    instances: z.string().optional().describe('JSON file of instances in the FunSearch format (see ../shared/data/README.md)'),
  }),
});
