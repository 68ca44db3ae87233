const MINOR = new Set(['a', 'an', 'and', 'at', 'but', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to']);
const capitalise = (word) => word.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase()).join('-');

export function titleCase(text) {
  const words = text.trim().split(/ +/).filter(Boolean);
  return words.map((word, index) => {
    const lower = word.toLowerCase();
    if (index > 0 && index < words.length - 1 && MINOR.has(lower)) return lower;
    return capitalise(word);
  }).join(' ');
}
