export function flatten(items, depth = Infinity) {
  throw new Error('not implemented');
}
