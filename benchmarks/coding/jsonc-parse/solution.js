export function parseJsonc(text) {
  throw new Error('not implemented');
}
