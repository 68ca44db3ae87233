export function shift(text, k) {
  return text;
}
