// Online bin packing, FunSearch style: items arrive one at a time, and each goes to the bin with
// the highest priority among those that can hold it (the first such bin on ties).
//
// priority(item, bins): `item` is the size of the arriving item; `bins` is a Float64Array of
// the remaining capacities of the open bins that can hold it, in the order they were opened,
// followed by one empty bin (full capacity): choosing it opens a new bin.
// Return one finite number per bin (an array or a typed array of the same length).
//
// As written this is best fit: the bin that the item leaves with the least room wins. The
// whole body may change, as in FunSearch, so that a rule can compare bins with each other.

export function priority(item, bins) {
  // EVOLVE-BLOCK-START
  const scores = new Float64Array(bins.length);
  for (let index = 0; index < bins.length; index++) {
    const remaining = bins[index];
    // The room this bin would keep; never negative, since the bin can hold the item.
    const leftover = remaining - item;
    // Leftovers up to the floor (0 here) would tie, and the earliest bin would win the tie.
    const waste = Math.max(leftover, 0);
    const score = -waste;
    scores[index] = score;
  }
  return scores;
  // EVOLVE-BLOCK-END
}
