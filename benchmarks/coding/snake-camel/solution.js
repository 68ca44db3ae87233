export function toCamel(text) {
  return text;
}

export function toSnake(text) {
  return text;
}
