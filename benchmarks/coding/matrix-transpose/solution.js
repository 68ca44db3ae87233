export function transpose(m) {
  return m;
}

export function rotate(m) {
  return m;
}
