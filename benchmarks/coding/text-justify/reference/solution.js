export function justify(text, width) {
  if (!(width >= 1)) throw new RangeError(`width must be at least 1, got ${width}`);
  const words = [];
  for (const word of text.split(/\s+/).filter(Boolean)) for (let i = 0; i < word.length; i += width) words.push(word.slice(i, i + width));
  const lines = [];
  let line = [];
  let length = 0;
  for (const word of words) {
    if (line.length > 0 && length + 1 + word.length > width) { lines.push(line); line = []; length = 0; }
    length += (line.length > 0 ? 1 : 0) + word.length;
    line.push(word);
  }
  if (line.length > 0) lines.push(line);
  return lines.map((words, index) => {
    if (index === lines.length - 1) return words.join(' ');
    if (words.length === 1) return words[0].padEnd(width);
    const spaces = width - words.reduce((sum, word) => sum + word.length, 0);
    const gaps = words.length - 1;
    return words.reduce((out, word, i) => (i === 0 ? word : out + ' '.repeat(Math.floor(spaces / gaps) + (i - 1 < spaces % gaps ? 1 : 0)) + word), '');
  });
}
