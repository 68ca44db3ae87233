export function titleCase(text) {
  return text;
}
