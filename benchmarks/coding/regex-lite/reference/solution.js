function parse(pattern) {
  let start = 0;
  let end = pattern.length;
  const anchoredStart = pattern.startsWith('^');
  if (anchoredStart) start = 1;
  let anchoredEnd = false;
  if (end > start && pattern[end - 1] === '$') {
    let slashes = 0;
    for (let i = end - 2; i >= start && pattern[i] === '\\'; i--) slashes++;
    if (slashes % 2 === 0) { anchoredEnd = true; end--; }
  }
  const items = [];
  for (let i = start; i < end; i++) {
    const character = pattern[i];
    if (character === '*' || character === '+' || character === '?') {
      const last = items[items.length - 1];
      if (last === undefined || last.quantifier !== '') throw new SyntaxError(`nothing to repeat at ${i}`);
      last.quantifier = character;
    } else if (character === '\\') {
      if (i + 1 >= end) throw new SyntaxError('pattern ends with a lone backslash');
      items.push({ any: false, literal: pattern[++i], quantifier: '' });
    } else {
      items.push({ any: character === '.', literal: character, quantifier: '' });
    }
  }
  return { items, anchoredStart, anchoredEnd };
}

export function matches(pattern, text) {
  const { items, anchoredStart, anchoredEnd } = parse(pattern);
  const fits = (item, character) => character !== undefined && (item.any || item.literal === character);
  // memo[i][j]: does items[i..] match text starting at j (to the end if anchored)?
  const memo = new Map();
  const match = (i, j) => {
    const key = i * (text.length + 1) + j;
    if (memo.has(key)) return memo.get(key);
    let result;
    if (i === items.length) result = !anchoredEnd || j === text.length;
    else {
      const item = items[i];
      const one = fits(item, text[j]);
      if (item.quantifier === '*') result = match(i + 1, j) || (one && match(i, j + 1));
      else if (item.quantifier === '+') result = one && (match(i + 1, j + 1) || match(i, j + 1));
      else if (item.quantifier === '?') result = match(i + 1, j) || (one && match(i + 1, j + 1));
      else result = one && match(i + 1, j + 1);
    }
    memo.set(key, result);
    return result;
  };
  if (anchoredStart) return match(0, 0);
  for (let j = 0; j <= text.length; j++) if (match(0, j)) return true;
  return false;
}
