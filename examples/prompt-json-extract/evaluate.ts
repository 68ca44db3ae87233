import { promptTask } from 'ouroboros';
import { checkedExpected, scoreExtraction } from './metric.ts';

/**
 * The prompt task: each row's `text` is sent as the user message under the prompt (system.md and
 * examples.md, in that order, as one system message), and the reply is scored by `scoreExtraction`,
 * a program. Every row's `expected` is checked when this module loads, before any model call.
 * Train (40 rows) feeds the minibatch gate and reflection, val (40) scores candidates and gives
 * the per-row scores of the Pareto front, and test (the other 40) is sealed: only
 * `ouro best <run> --test` scores it.
 */
export const task = promptTask({
  dataset: new URL('./data.jsonl', import.meta.url),
  id: 'id',
  input: 'text',
  // Shown to reflection as each trace's expected answer.
  target: (row) => JSON.stringify(checkedExpected(row)),
  metric: (output, _target, row) => scoreExtraction(output, checkedExpected(row)),
  splits: { train: 40, val: 40, test: 40 },
  minibatch: 3,
  // A right answer is about 60 tokens; the cap keeps a model that rambles from costing much.
  maxOutputTokens: 400,
});

export const stages = task.stages;
export default task.evaluate;
