export function toWords(n) {
  return String(n);
}
