import { defineExperiment } from 'ouroboros';

export default defineExperiment({
  name: 'prompt-gsm8k',
  description:
    'A system prompt and a worked example (two components) for a model solving GSM8K grade-school math word problems. ' +
    'The score is the share of validation problems whose final number is right; the model is asked to end with ' +
    '"The answer is N." Shorter, clearer instructions that make the model compute carefully should score higher.',
  genome: ['system.md', 'fewshot.md'],
  evaluator: 'evaluate.ts',
  // GEPA's archive: a prompt that is best on any validation problem stays a parent, and llm-merge
  // (in the default operators with a Pareto archive) combines two that are good on different ones.
  archive: { kind: 'pareto', scoreAsInstance: true },
  // Each evaluation makes about 56 model calls (3 train problems for the gate, against the parent
  // too, then 50 validation problems); repeats at temperature 0 are served from the run's cache.
  budget: { evaluations: 60, wallTime: '2h' },
  evaluation: { timeoutMs: 600_000, memoryMb: 256, concurrency: 2 },
});
