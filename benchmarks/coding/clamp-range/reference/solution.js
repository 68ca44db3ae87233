export function clamp(value, low, high) {
  if ([value, low, high].some((number) => Number.isNaN(number))) throw new TypeError('clamp: NaN argument');
  if (low > high) throw new RangeError(`clamp: low ${low} is above high ${high}`);
  return Math.min(high, Math.max(low, value));
}
