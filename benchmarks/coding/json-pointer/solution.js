export function resolvePointer(document, pointer) {
  throw new Error('not implemented');
}

export function setPointer(document, pointer, value) {
  throw new Error('not implemented');
}
