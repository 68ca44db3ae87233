export function uniqueBy(items, key) {
  return items;
}
