import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TINY_GENOME } from '../src/testing/tiny-experiment.ts';

/**
 * An experiment whose evaluator does no work: it scores the genome by its text alone, without
 * importing it, so a run measures the engine (selection, operators, store, IPC) and nothing else.
 */
export function noOpExperiment(archive = "{ kind: 'dgm' }", operators?: readonly string[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ouro-bench-')), 'no-op');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'solve.js'), TINY_GENOME);
  writeFileSync(
    join(dir, 'evaluate.js'),
    `export default function evaluate(genome) {
  const text = genome['solve.js'];
  let hash = 0;
  for (let index = 0; index < text.length; index++) hash = (hash * 31 + text.charCodeAt(index)) | 0;
  return { score: (hash >>> 0) / 4294967296 };
}
`,
  );
  writeFileSync(
    join(dir, 'ouro.config.ts'),
    `export default {
  name: 'no-op',
  genome: ['solve.js'],
  evaluator: 'evaluate.js',
  archive: ${archive},${operators === undefined ? '' : `\n  operators: ${JSON.stringify(operators)},`}
  evaluation: { timeoutMs: 5000, memoryMb: 256 },
};
`,
  );
  return dir;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'ouro-bench-db-')), 'ouro.db');
}
