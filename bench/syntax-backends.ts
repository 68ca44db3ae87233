// Babel against tree-sitter on JavaScript: what one embedded-operator proposal costs in parsing, the
// part of its work that depends on the parser. Not a test: tests never assert wall-clock time.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SAMPLE } from '../src/propose/samples.ts';
import { analyzeFile } from '../src/propose/sites.ts';
import { parseSettingsFor, parseWith } from '../src/propose/source.ts';
import { analyzeSyntax, reparseError, type SyntaxAnalysis } from '../src/propose/syntax/analysis.ts';

export interface BackendRow {
  label: string;
  characters: number;
  /** Median milliseconds to parse and collect every site of an unseen file. */
  analyse: { babel: number; treeSitter: number };
  /** Median milliseconds to check that an edited child still parses (a whole-file parse each). */
  reparse: { babel: number; treeSitter: number };
}

const ROOT = resolve(import.meta.dirname, '..');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function timed(repeats: number, run: (index: number) => unknown): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < repeats; index++) {
    const started = performance.now();
    await run(index);
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Each run sees a text it has not seen, so neither backend's cache answers. */
const fresh = (text: string, index: number): string => `${text}\n// ${index}\n`;

export async function measureSyntaxBackends(repeats = 400): Promise<BackendRow[]> {
  const files: Array<[string, string]> = [
    ['circle-packing pack.js', readFileSync(resolve(ROOT, 'examples/circle-packing/pack.js'), 'utf8')],
    ['bin-packing priority.js', readFileSync(resolve(ROOT, 'examples/bin-packing/priority.js'), 'utf8')],
    ['operator sample', SAMPLE],
  ];
  const rows: BackendRow[] = [];
  for (const [label, text] of files) {
    const settings = parseSettingsFor('pack.js')[0];
    if (settings === undefined) throw new Error('no Babel settings for .js');
    // Warm both up: the grammar's WASM loads once, and V8 compiles Babel's hot paths.
    for (let index = 0; index < 50; index++) {
      analyzeFile('pack.js', fresh(text, -index - 1));
      await analyzeSyntax('pack.js', fresh(text, -index - 1));
    }
    const analysis = (await analyzeSyntax('pack.js', text)) as SyntaxAnalysis;
    const babel = await timed(repeats, (index) => analyzeFile('pack.js', fresh(text, index)));
    const treeSitter = await timed(repeats, (index) => analyzeSyntax('pack.js', fresh(text, repeats + index)));
    const babelReparse = await timed(repeats, (index) => parseWith(fresh(text, index), settings));
    const treeReparse = await timed(repeats, (index) => reparseError(analysis, fresh(text, index)));
    rows.push({
      label,
      characters: text.length,
      analyse: { babel, treeSitter },
      reparse: { babel: babelReparse, treeSitter: treeReparse },
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await measureSyntaxBackends()) console.log(JSON.stringify(row));
}
