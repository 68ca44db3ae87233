function parse(text) {
  if (typeof text !== 'string' || !/^-?[0-9]+$/.test(text)) throw new SyntaxError(`not an integer: "${text}"`);
  const negative = text.startsWith('-');
  const magnitude = text.replace(/^-/, '').replace(/^0+(?=.)/, '');
  return { negative: negative && magnitude !== '0', magnitude };
}

const format = (negative, magnitude) => (negative && magnitude !== '0' ? `-${magnitude}` : magnitude);

function compareMagnitudes(a, b) {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

function addMagnitudes(a, b) {
  let out = '';
  let carry = 0;
  for (let i = a.length - 1, j = b.length - 1; i >= 0 || j >= 0 || carry; i--, j--) {
    const sum = (i >= 0 ? +a[i] : 0) + (j >= 0 ? +b[j] : 0) + carry;
    out = String(sum % 10) + out;
    carry = sum >= 10 ? 1 : 0;
  }
  return out;
}

function subtractMagnitudes(a, b) {
  let out = '';
  let borrow = 0;
  for (let i = a.length - 1, j = b.length - 1; i >= 0; i--, j--) {
    let difference = +a[i] - (j >= 0 ? +b[j] : 0) - borrow;
    borrow = difference < 0 ? 1 : 0;
    if (difference < 0) difference += 10;
    out = String(difference) + out;
  }
  return out.replace(/^0+(?=.)/, '');
}

function signedAdd(x, y) {
  if (x.negative === y.negative) return format(x.negative, addMagnitudes(x.magnitude, y.magnitude));
  const order = compareMagnitudes(x.magnitude, y.magnitude);
  if (order === 0) return '0';
  return order > 0 ? format(x.negative, subtractMagnitudes(x.magnitude, y.magnitude)) : format(y.negative, subtractMagnitudes(y.magnitude, x.magnitude));
}

export function add(a, b) {
  return signedAdd(parse(a), parse(b));
}

export function subtract(a, b) {
  const y = parse(b);
  return signedAdd(parse(a), { negative: !y.negative && y.magnitude !== '0', magnitude: y.magnitude });
}

export function multiply(a, b) {
  const x = parse(a);
  const y = parse(b);
  const left = [...x.magnitude].reverse().map(Number);
  const right = [...y.magnitude].reverse().map(Number);
  const product = new Array(left.length + right.length).fill(0);
  for (let i = 0; i < left.length; i++) for (let j = 0; j < right.length; j++) product[i + j] += left[i] * right[j];
  for (let k = 0; k < product.length - 1; k++) { product[k + 1] += Math.floor(product[k] / 10); product[k] %= 10; }
  const magnitude = product.reverse().join('').replace(/^0+(?=.)/, '');
  return format(x.negative !== y.negative, magnitude);
}

export function compare(a, b) {
  const x = parse(a);
  const y = parse(b);
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  const order = compareMagnitudes(x.magnitude, y.magnitude);
  return x.negative ? -order : order;
}
