export function groupAnagrams(words) {
  return words.map((word) => [word]);
}
