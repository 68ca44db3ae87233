export function lowerBound(sorted, target) {
  return 0;
}

export function upperBound(sorted, target) {
  return 0;
}

export function indexOf(sorted, target) {
  return sorted.indexOf(target);
}
