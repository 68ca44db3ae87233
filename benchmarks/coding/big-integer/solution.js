export function add(a, b) {
  return String(Number(a) + Number(b));
}

export function subtract(a, b) {
  return String(Number(a) - Number(b));
}

export function multiply(a, b) {
  return String(Number(a) * Number(b));
}

export function compare(a, b) {
  return Math.sign(Number(a) - Number(b));
}
