// Sample genomes shared by the conformance suite, the tests and the micro-benchmark.

/** The circle-packing program: code before, inside and after one EVOLVE block. */
export const SAMPLE = `// helper outside the block stays fixed
export const N = 26;
// EVOLVE-BLOCK-START
export function pack(n) {
  const centers = [];
  const rows = [5, 6, 5, 6, 4];
  let index = 0;
  for (let row = 0; row < rows.length; row++) {
    const count = rows[row];
    for (let col = 0; col < count && index < n; col++) {
      const x = (col + 0.5 + (row % 2) * 0.25) / count;
      const y = (row + 0.5) / rows.length;
      centers.push([x * 0.98 + 0.01, y]);
      index += 1;
    }
  }
  return centers;
}
// EVOLVE-BLOCK-END
export function fixed() { return 1 + 2; }
`;

/** A relative of SAMPLE, as a second parent: different constants and statements in the block. */
export const SAMPLE_VARIANT = SAMPLE.replace('[5, 6, 5, 6, 4]', '[6, 5, 6, 5, 4]')
  .replace('(row + 0.5) / rows.length', '(row + 0.45) / rows.length')
  .replace('index += 1;', 'index++;')
  .replace('x * 0.98 + 0.01', 'Math.min(x * 0.97 + 0.015, 1)');

/** A TypeScript module with two EVOLVE blocks and frozen code between them. */
export const SAMPLE_TS = `import { strict as assert } from 'node:assert';
type Point = [number, number];
// EVOLVE-BLOCK-START
export function spread(count: number, radius = 0.5): Point[] {
  const points: Point[] = [];
  const step = (Math.PI * 2) / count;
  for (let i = 0; i < count; i++) {
    const angle = i * step + 0.125;
    points.push([Math.cos(angle) * radius, Math.sin(angle) * radius]);
  }
  return points;
}
// EVOLVE-BLOCK-END
assert.ok(true, 'frozen between the blocks: 1 + 2 < 4');
// EVOLVE-BLOCK-START
export const scale = (value: number): number => Math.max(value * 1.5 - 0.25, 0);
// EVOLVE-BLOCK-END
export const tail = 7 * 6;
`;
