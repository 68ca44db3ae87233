// GSM8K's test split, split three ways inside this experiment: 100 train problems (the minibatch
// gate draws from them, and their traces are what the LLM operators read), 50 validation problems
// (the score, and the per-problem scores of the Pareto front) and 300 sealed test problems, which
// only `ouro best <run> --test` ever sends to the model. The rest of the 1,319 are not used.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gsm8kTarget, promptTask } from 'ouroboros';

const beside = fileURLToPath(new URL('./gsm8k-test.jsonl', import.meta.url));
const dataset = process.env.OURO_GSM8K ? resolve(process.env.OURO_GSM8K) : beside;
if (!existsSync(dataset)) {
  throw new Error(
    `prompt-gsm8k: no GSM8K data at ${dataset}. Download the test split (MIT licence, Cobbe et al. 2021) beside this file:\n` +
      '  curl -L -o examples/prompt-gsm8k/gsm8k-test.jsonl ' +
      'https://raw.githubusercontent.com/openai/grade-school-math/master/grade_school_math/data/test.jsonl\n' +
      'or set OURO_GSM8K to the path of a copy.',
  );
}

const task = promptTask({
  dataset,
  input: 'question',
  target: gsm8kTarget,
  metric: 'numeric',
  splits: { train: 100, val: 50, test: 300 },
  minibatch: 3,
  seed: 0,
});

export const stages = task.stages;
export default task.evaluate;
