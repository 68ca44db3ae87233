/**
 * The median and the median absolute deviation of some numbers, exactly, in expected O(n).
 * Selection instead of sorting matters here: the DGM archive recomputes both over 100,000
 * scores, where a sort costs about ten times as much.
 */
export function medianAndDeviation(values: Float64Array): { median: number; deviation: number } {
  if (values.length === 0) return { median: 0, deviation: 0 };
  const scratch = values.slice();
  // Adding 0 turns -0 into 0, so equal inputs give equal statistics whatever their order.
  const median = middle(scratch) + 0;
  // The deviations do not care about order, so they overwrite the reordered copy in place.
  for (let index = 0; index < scratch.length; index++) {
    scratch[index] = Math.abs((scratch[index] as number) - median);
  }
  return { median, deviation: middle(scratch) };
}

/** The median of `values`, which it reorders. */
function middle(values: Float64Array): number {
  const half = values.length >> 1;
  const upper = select(values, half);
  if (values.length % 2 === 1) return upper;
  // `select` leaves everything below `half` no greater than the value at `half`.
  let lower = values[0] as number;
  for (let index = 1; index < half; index++) lower = Math.max(lower, values[index] as number);
  return (lower + upper) / 2;
}

/**
 * Hoare's selection with a median-of-three pivot: afterwards values[k] is the k-th smallest,
 * with no greater value before it and no smaller one after it. Equal values are swapped
 * across the pivot, so ties (common among scores) still split evenly. A range that keeps
 * resisting is sorted, which bounds the worst case at O(n log n).
 */
function select(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  for (let round = 0; right > left; round++) {
    if (round > 64) {
      values.subarray(left, right + 1).sort();
      break;
    }
    const pivot = medianOfThree(values[left] as number, values[(left + right) >> 1] as number, values[right] as number);
    let low = left;
    let high = right;
    while (low <= high) {
      while ((values[low] as number) < pivot) low++;
      while ((values[high] as number) > pivot) high--;
      if (low <= high) {
        const swapped = values[low] as number;
        values[low] = values[high] as number;
        values[high] = swapped;
        low++;
        high--;
      }
    }
    if (k <= high) right = high;
    else if (k >= low) left = low;
    else break;
  }
  return values[k] as number;
}

function medianOfThree(first: number, second: number, third: number): number {
  return Math.max(Math.min(first, second), Math.min(Math.max(first, second), third));
}
