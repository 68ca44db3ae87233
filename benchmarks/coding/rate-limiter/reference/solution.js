export function createLimiter({ capacity, refillPerSecond, now }) {
  if (!(capacity > 0)) throw new RangeError(`capacity must be positive, got ${capacity}`);
  if (!(refillPerSecond >= 0)) throw new RangeError(`refillPerSecond must be non-negative, got ${refillPerSecond}`);
  let tokens = capacity;
  let last = now();
  const refill = () => {
    const time = now();
    tokens = Math.min(capacity, tokens + ((time - last) / 1000) * refillPerSecond);
    last = time;
  };
  const check = (count) => { if (!(count > 0)) throw new RangeError(`count must be positive, got ${count}`); };
  return {
    tryTake(count = 1) {
      check(count);
      refill();
      if (tokens + 1e-9 < count) return false;
      tokens = Math.max(0, tokens - count);
      return true;
    },
    waitTime(count = 1) {
      check(count);
      if (count > capacity) return Infinity;
      refill();
      if (tokens + 1e-9 >= count) return 0;
      if (refillPerSecond === 0) return Infinity;
      return Math.ceil(((count - tokens) / refillPerSecond) * 1000 - 1e-9);
    },
  };
}
