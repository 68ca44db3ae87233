// Circle packing: place 26 circles in the unit square so that the sum of their radii is as
// large as possible. pack(n) returns n circles as [x, y, r].
//
// Only the EVOLVE block changes: it decides where the centers go and how large each circle
// may grow. The radii are then fitted by fitRadii below, which stays outside the block on
// purpose: it is what makes every placement valid. Embedded mutations (nudged constants,
// swapped operators, shuffled statements) would mostly break its invariants, and every broken
// copy would cost an evaluation while teaching the search nothing about where circles go.

// EVOLVE-BLOCK-START
function placeCircles(n) {
  // Each row: [count, y, left x, right x, largest radius allowed in the row].
  const rows = [
    [5, 0.1, 0.1, 0.9, 0.08],
    [6, 0.28, 0.08, 0.92, 0.07],
    [5, 0.48, 0.12, 0.88, 0.08],
    [5, 0.68, 0.1, 0.9, 0.08],
    [5, 0.88, 0.12, 0.88, 0.08],
  ];
  const circles = [];
  for (const [count, y, left, right, limit] of rows) {
    const step = (right - left) / Math.max(count - 1, 1);
    const shift = 0.5 * step * 0.1;
    for (let k = 0; k < count; k++) {
      const x = left + k * step + shift;
      circles.push([x, y, limit]);
    }
  }
  return circles.slice(0, n);
}
// EVOLVE-BLOCK-END

/**
 * Gives each [x, y, limit] the largest radius up to its limit that keeps it inside the square,
 * then shrinks every overlapping pair in proportion until they just touch. Shrinking only ever
 * lowers radii, so a pair fixed earlier stays fixed: one pass suffices.
 */
function fitRadii(circles) {
  const centers = circles.map(([x, y, limit]) => [Math.min(Math.max(x, 0), 1), Math.min(Math.max(y, 0), 1), limit]);
  const radii = centers.map(([x, y, limit]) => Math.max(0, Math.min(limit, x, 1 - x, y, 1 - y)));
  for (let i = 0; i < centers.length; i++) {
    for (let j = i + 1; j < centers.length; j++) {
      const dx = centers[i][0] - centers[j][0];
      const dy = centers[i][1] - centers[j][1];
      const distance = Math.sqrt(dx * dx + dy * dy);
      const total = radii[i] + radii[j];
      if (total > distance) {
        const scale = distance / total;
        radii[i] *= scale;
        radii[j] *= scale;
      }
    }
  }
  // The checker allows no tolerance, and r_i * scale + r_j * scale can round a few ulps above
  // the distance; giving up one part in 10^12 of every radius absorbs that rounding.
  const safety = 1 - 1e-12;
  return centers.map(([x, y], index) => [x, y, radii[index] * safety]);
}

export function pack(n) {
  return fitRadii(placeCircles(n));
}
