export function mergeIntervals(intervals) {
  return intervals;
}

export function insertInterval(intervals, added) {
  return [...intervals, added];
}
