export function encode(text) {
  throw new Error('not implemented');
}

export function decode(text) {
  throw new Error('not implemented');
}
