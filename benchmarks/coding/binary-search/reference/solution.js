export function lowerBound(sorted, target) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < target) low = middle + 1; else high = middle;
  }
  return low;
}

export function upperBound(sorted, target) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= target) low = middle + 1; else high = middle;
  }
  return low;
}

export function indexOf(sorted, target) {
  const index = lowerBound(sorted, target);
  return index < sorted.length && sorted[index] === target ? index : -1;
}
