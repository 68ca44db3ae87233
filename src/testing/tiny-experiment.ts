import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TinyExperimentOptions {
  /** Extra config fields, written as TypeScript source (e.g. `archive: { kind: 'greedy', k: 5 }`). */
  config?: string;
  /** Replaces the evaluator's source. */
  evaluator?: string;
  /** Replaces the genome file's text. */
  genome?: string;
  /** The genome file's name (default `solve.js`), such as `prompt.md` for a prompt genome. */
  genomeFile?: string;
  /** Parent folder; a fresh temp folder by default. */
  parent?: string;
}

/** A genome with three tunable numbers; the evaluator rewards getting close to (3, -2, 0.5). */
export const TINY_GENOME = `// fixed header
// EVOLVE-BLOCK-START
export function solve() {
  const a = 1;
  const b = 0.5;
  const c = 2.5;
  return [a, b, c];
}
// EVOLVE-BLOCK-END
`;

export const TINY_EVALUATOR = `export default async function evaluate(genome, context) {
  const program = await context.isolate('solve.js');
  const [a, b, c] = await program.call('solve');
  const distance = (a - 3) ** 2 + (b + 2) ** 2 + (c - 0.5) ** 2;
  if (!Number.isFinite(distance)) throw new Error('solve() returned ' + JSON.stringify([a, b, c]));
  return { score: -distance, metrics: { distance }, features: { spread: Math.abs(a - c) }, feedback: 'distance ' + distance };
}
`;

/**
 * Writes a small, fast experiment into a temp folder and returns that folder. Test double for
 * users' own tests and ours: every part of the loop runs for real on it in well under a second.
 */
export function writeTinyExperiment(options: TinyExperimentOptions = {}): string {
  const dir = join(options.parent ?? mkdtempSync(join(tmpdir(), 'ouro-tiny-')), 'tiny');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'ouro.config.ts'),
    `import { defineExperiment } from 'ouroboros';

export default defineExperiment({
  name: 'tiny',
  genome: [${JSON.stringify(options.genomeFile ?? 'solve.js')}],
  evaluator: 'evaluate.js',
  budget: { evaluations: 40 },
  evaluation: { timeoutMs: 5000, memoryMb: 128, concurrency: 1 },
  ${options.config ?? ''}
});
`,
  );
  writeFileSync(join(dir, options.genomeFile ?? 'solve.js'), options.genome ?? TINY_GENOME);
  writeFileSync(join(dir, 'evaluate.js'), options.evaluator ?? TINY_EVALUATOR);
  return dir;
}
