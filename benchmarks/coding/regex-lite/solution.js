export function matches(pattern, text) {
  return text.includes(pattern);
}
