import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { OuroError } from '../../core/errors.ts';
import { emit } from '../output.ts';

const CONFIG = `import { defineExperiment } from 'ouroboros';

export default defineExperiment({
  name: '{{name}}',
  description: 'Fit a curve: evolve model.js until it matches the target samples.',
  genome: ['model.js'],
  evaluator: 'evaluate.ts',
  budget: { evaluations: 500, wallTime: '1m' },
  archive: { kind: 'dgm', lambda: 10 },
  evaluation: { timeoutMs: 2000, memoryMb: 256 },
});
`;

const GENOME = `// The genome: only the code between the EVOLVE markers may change.
// EVOLVE-BLOCK-START
export function model(x) {
  const a = 1.0;
  const b = 0.5;
  return a * x + b;
}
// EVOLVE-BLOCK-END
`;

const EVALUATOR = `import type { EvaluateContext, EvaluationResult, Genome } from 'ouroboros';

// Samples of the curve the model should match: y = 0.8 * x * x - 0.3 on [-1, 1].
const samples = Array.from({ length: 21 }, (_, index) => {
  const x = -1 + index / 10;
  return { x, y: 0.8 * x * x - 0.3 };
});

/**
 * Higher is better: the negated mean squared error. The candidate runs in an isolate and is
 * called with plain data; the error is computed here. A throw marks the candidate as an error.
 */
export default async function evaluate(_genome: Genome, context: EvaluateContext): Promise<EvaluationResult> {
  const program = await context.isolate('model.js');
  if (!program.exports.includes('model')) throw new Error('model.js must export a function named model');
  let squared = 0;
  for (const { x, y } of samples) {
    const predicted = await program.call('model', x);
    if (typeof predicted !== 'number') throw new Error(\`model(\${x}) returned \${JSON.stringify(predicted)}, not a number\`);
    if (!Number.isFinite(predicted)) throw new Error(\`model(\${x}) returned \${predicted}\`);
    squared += (predicted - y) ** 2;
  }
  const mse = squared / samples.length;
  return { score: -mse, metrics: { mse }, feedback: \`mean squared error \${mse.toExponential(3)}\` };
}
`;

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('scaffold a new experiment that runs as generated')
    .argument('<dir>', 'folder to create')
    .option('--json', 'print JSON')
    .action((dir: string, flags: { json?: boolean }) => {
      const target = resolve(dir);
      if (existsSync(target) && readdirSync(target).length > 0) {
        throw new OuroError('config-invalid', `${target} already exists and is not empty; choose a new folder`, { file: target });
      }
      mkdirSync(target, { recursive: true });
      const name = target.split(/[\\/]/).pop() || 'experiment';
      const files: Record<string, string> = {
        'package.json': `${JSON.stringify({ name, private: true, type: 'module' }, null, 2)}\n`,
        'ouro.config.ts': CONFIG.replace('{{name}}', name),
        'model.js': GENOME,
        'evaluate.ts': EVALUATOR,
      };
      for (const [file, text] of Object.entries(files)) writeFileSync(join(target, file), text);
      emit(
        Boolean(flags.json),
        { dir: target, files: Object.keys(files) },
        () => `created ${target}: ${Object.keys(files).join(', ')}\nrun it with: npx ouro run ${dir}`,
      );
    });
}
