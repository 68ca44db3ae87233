// Per-proposal cost of each embedded operator; not a test (tests never assert wall-clock time).
// Run: npx tsx bench/operators.ts [iterations]
import type { ProposalContext } from '../src/core/operator.ts';
import { Rng } from '../src/core/rng.ts';
import type { Genome } from '../src/core/types.ts';
import { createOperators } from '../src/propose/index.ts';
import { SAMPLE, SAMPLE_TS, SAMPLE_VARIANT } from '../src/propose/samples.ts';
import { analyzeFile } from '../src/propose/sites.ts';

/** The sample's function repeated under new names inside its one block: about 3 KB. */
function enlarged(text: string, copies: number): string {
  const start = text.indexOf('export function pack');
  const end = text.indexOf('// EVOLVE-BLOCK-END');
  const body = text.slice(start, end);
  return (
    text.slice(0, start) + Array.from({ length: copies }, (_, index) => body.replace('pack(', `pack${index}(`)).join('') + text.slice(end)
  );
}

function context(parents: Genome[]): ProposalContext {
  const entry = { id: 'bench-0', seq: 0, score: 0, island: 0, generation: 0, parentIds: [], features: {} };
  return { parents: parents.map((genome) => ({ entry, genome, feedback: '' })), inspirations: [], rng: Rng.fromSeed(1) };
}

const iterations = Number(process.argv[2] ?? 5000);
const samples: Array<[string, string, string, string]> = [
  ['sample', 'pack.js', SAMPLE, SAMPLE_VARIANT],
  ['sample x7', 'pack.js', enlarged(SAMPLE, 7), enlarged(SAMPLE_VARIANT, 7)],
  ['typescript sample', 'spread.ts', SAMPLE_TS, SAMPLE_TS.replace('radius = 0.5', 'radius = 0.75')],
];

for (const [label, file, text, variant] of samples) {
  console.log(`${label} (${file}, ${text.length} characters), parent analysis cached:`);
  for (const operator of createOperators()) {
    const parents = operator.arity === 2 ? [{ [file]: text }, { [file]: variant }] : [{ [file]: text }];
    const warm = context(parents);
    for (let index = 0; index < 500; index++) await operator.propose(warm);
    const measured = context(parents);
    let failures = 0;
    const started = performance.now();
    for (let index = 0; index < iterations; index++) {
      if ('failure' in (await operator.propose(measured))) failures++;
    }
    const micros = ((performance.now() - started) / iterations) * 1000;
    console.log(`  ${operator.name.padEnd(20)} ${micros.toFixed(1).padStart(7)} us  (${failures} failures)`);
  }
  // A text never seen before misses the cache: parse plus site collection.
  const cold = Math.max(200, iterations / 10);
  for (let index = 0; index < 100; index++) analyzeFile(file, `${text}// warm ${index}\n`);
  const started = performance.now();
  for (let index = 0; index < cold; index++) analyzeFile(file, `${text}// cold ${index}\n`);
  console.log(`  ${'(cold analysis)'.padEnd(20)} ${(((performance.now() - started) / cold) * 1000).toFixed(1).padStart(7)} us`);
}
