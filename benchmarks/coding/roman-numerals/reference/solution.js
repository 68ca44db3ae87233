const TABLE = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];

export function toRoman(n) {
  if (!Number.isInteger(n) || n < 1 || n > 3999) throw new RangeError(`toRoman: ${n} is outside 1..3999`);
  let rest = n;
  let out = '';
  for (const [value, symbol] of TABLE) while (rest >= value) { out += symbol; rest -= value; }
  return out;
}

export function fromRoman(text) {
  if (!/^[MDCLXVI]+$/.test(text)) throw new Error(`fromRoman: invalid numeral "${text}"`);
  let total = 0;
  let index = 0;
  for (const [value, symbol] of TABLE) while (text.startsWith(symbol, index)) { total += value; index += symbol.length; }
  if (index !== text.length || total > 3999 || toRoman(total) !== text) throw new Error(`fromRoman: non-standard numeral "${text}"`);
  return total;
}
