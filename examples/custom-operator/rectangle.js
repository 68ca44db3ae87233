// The rectangle's size: the evaluator rewards getting close to 16 by 4.
// EVOLVE-BLOCK-START
export function size() {
  const width = 1;
  const height = 0.5;
  return [width, height];
}
// EVOLVE-BLOCK-END
