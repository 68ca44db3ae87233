export function uniqueBy(items, key) {
  const select = typeof key === 'function' ? key : (item) => item[key];
  const seen = new Set();
  const out = [];
  items.forEach((item, index) => {
    const value = select(item, index);
    if (!seen.has(value)) { seen.add(value); out.push(item); }
  });
  return out;
}
