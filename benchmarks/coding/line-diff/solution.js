export function diffLines(before, after) {
  return [...before.split('\n').map((line) => ({ op: '-', line })), ...after.split('\n').map((line) => ({ op: '+', line }))];
}

export function applyDiff(before, diff) {
  return diff.filter((entry) => entry.op !== '-').map((entry) => entry.line).join('\n');
}
