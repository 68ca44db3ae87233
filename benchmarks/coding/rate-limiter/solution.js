export function createLimiter({ capacity, refillPerSecond, now }) {
  return {
    tryTake(count = 1) {
      return true;
    },
    waitTime(count = 1) {
      return 0;
    },
  };
}
