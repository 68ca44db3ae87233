export function editDistance(a, b) {
  return Math.abs(a.length - b.length);
}

export function suggest(word, dictionary, limit = 3) {
  return [];
}
