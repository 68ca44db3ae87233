export function mergeIntervals(intervals) {
  for (const [start, end] of intervals) if (start > end) throw new RangeError(`interval [${start}, ${end}] ends before it starts`);
  const sorted = intervals.map(([start, end]) => [start, end]).sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && interval[0] <= last[1]) last[1] = Math.max(last[1], interval[1]);
    else merged.push(interval);
  }
  return merged;
}

export function insertInterval(intervals, added) {
  return mergeIntervals([...intervals, added]);
}
