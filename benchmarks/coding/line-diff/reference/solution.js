export function diffLines(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  // suffix[i][j]: length of the longest common subsequence of a[i..] and b[j..]
  const suffix = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) {
    suffix[i][j] = a[i] === b[j] ? suffix[i + 1][j + 1] + 1 : Math.max(suffix[i + 1][j], suffix[i][j + 1]);
  }
  const out = [];
  let removed = [];
  let added = [];
  const flush = () => { out.push(...removed, ...added); removed = []; added = []; };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j] && suffix[i][j] === suffix[i + 1][j + 1] + 1) { flush(); out.push({ op: '=', line: a[i] }); i++; j++; }
    else if (i < n && (j >= m || suffix[i + 1][j] >= suffix[i][j + 1])) { removed.push({ op: '-', line: a[i] }); i++; }
    else { added.push({ op: '+', line: b[j] }); j++; }
  }
  flush();
  return out;
}

export function applyDiff(before, diff) {
  const lines = before.split('\n');
  const out = [];
  let at = 0;
  for (const { op, line } of diff) {
    if (op === '+') { out.push(line); continue; }
    if (lines[at] !== line || at >= lines.length) throw new Error(`diff line "${op}${line}" does not match line ${at + 1} of the text`);
    if (op === '=') out.push(line);
    at++;
  }
  if (at !== lines.length) throw new Error(`the diff covers ${at} of ${lines.length} lines`);
  return out.join('\n');
}
