export function chunk(items, size) {
  return [items];
}
