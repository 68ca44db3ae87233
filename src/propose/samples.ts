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

/** Many syntax forms in one block: labels, generators, classes, destructuring, odd literals. */
export const SAMPLE_ZOO = `import { readFileSync as read } from 'node:fs';
const LIMIT = 10;
// EVOLVE-BLOCK-START
export async function* walk(items, { depth = 2, skip = [] } = {}) {
  outer: for (const [index, item] of items.entries()) {
    if (skip.includes(index)) continue outer;
    switch (typeof item) {
      case 'number':
        yield item * 2 - -1;
        break;
      default:
        yield await Promise.resolve(item ?? depth);
    }
  }
  const total = items.reduce((sum, value) => sum + (value > 0 ? value : -value), 0);
  let label = \`total \${total / 2 + 1}\`;
  label += total >= LIMIT || (total < 3 && depth !== 1) ? '!' : '?';
  try { JSON.parse(label); } catch { label = label.slice(0, -1) } finally { label ||= 'x'; }
  const point = { x: 1.5, y: -0.25, ['z' + 1]: 2, 3: 'three', method() { return this.x * 2; } };
  class Box extends Array { #size = 4; static count = 0; get size() { return this.#size + Box.count; } }
  new Box(3).size;
  const fn = (a, b = 1) => ({ a: a ** 2, b: b / 3 });
  void fn(Math.max(point.x, 0.5), Math.min(1, 2)).a;
  for (let i = 0, j = 10; i < j; i++, j--) if (i % 3 === 0) continue; else label += i;
  do { label = label.trim() } while (label.length > 100)
  return [label, 0x1F, 1e-9, 1_000, 5..toString(), read];
}
// EVOLVE-BLOCK-END
export default LIMIT + 1;
`;
