/**
 * `work` on every item, at most `limit` at a time; results follow `items`. After a failure no new
 * item starts, and the first error is thrown once the items in flight have settled, so that what
 * they finished (a stored reply, a recorded verdict) is never cut off halfway.
 *
 * @example
 * const verdicts = await mapWithLimit(samples, 2, (sample) => check(sample));
 */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure !== undefined) throw failure.error;
  return results;
}
