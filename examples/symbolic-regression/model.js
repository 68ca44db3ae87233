// The genome: a model of y as a function of x. Only the code between the EVOLVE markers may change.
// EVOLVE-BLOCK-START
export function model(x) {
  const c0 = 0.5;
  const c1 = 0.5;
  return c0 * x + c1;
}
// EVOLVE-BLOCK-END
