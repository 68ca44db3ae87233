const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES = [[1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand']];

function belowHundred(n) {
  if (n < 20) return UNITS[n];
  return TENS[Math.floor(n / 10)] + (n % 10 === 0 ? '' : `-${UNITS[n % 10]}`);
}

function belowThousand(n) {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts = [];
  if (hundreds > 0) parts.push(`${UNITS[hundreds]} hundred`);
  if (rest > 0) parts.push((hundreds > 0 ? 'and ' : '') + belowHundred(rest));
  return parts.join(' ');
}

export function toWords(n) {
  if (!Number.isInteger(n) || Math.abs(n) > 999999999999) throw new RangeError(`toWords: ${n} is out of range`);
  if (n === 0) return 'zero';
  if (n < 0) return `minus ${toWords(-n)}`;
  const parts = [];
  let rest = n;
  for (const [size, name] of SCALES) {
    if (rest >= size) { parts.push(`${belowThousand(Math.floor(rest / size))} ${name}`); rest %= size; }
  }
  if (rest > 0) parts.push(parts.length > 0 && rest < 100 ? `and ${belowHundred(rest)}` : belowThousand(rest));
  return parts.join(' ');
}
