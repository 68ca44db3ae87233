const PAIRS = { ')': '(', ']': '[', '}': '{', '>': '<' };
const OPENERS = new Set(Object.values(PAIRS));

export function checkBrackets(text) {
  const stack = [];
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character === '"' || character === "'") {
      const start = index;
      index++;
      while (index < text.length && text[index] !== character) index += text[index] === '\\' ? 2 : 1;
      if (index >= text.length) return { ok: false, index: start };
    } else if (OPENERS.has(character)) {
      stack.push(index);
    } else if (character in PAIRS) {
      const open = stack.pop();
      if (open === undefined || text[open] !== PAIRS[character]) return { ok: false, index };
    }
  }
  return stack.length === 0 ? { ok: true } : { ok: false, index: stack[0] };
}
