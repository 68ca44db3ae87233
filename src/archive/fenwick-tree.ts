/**
 * A growable Fenwick (binary indexed) tree of non-negative weights: append, change one weight
 * and draw an index in proportion to its weight, each in O(log n).
 */
export class FenwickTree {
  private weights = new Float64Array(16);
  /** 1-based: node i holds the sum of weights (i - lowbit(i), i]. */
  private tree = new Float64Array(17);
  private length = 0;

  get size(): number {
    return this.length;
  }

  weight(index: number): number {
    this.check(index);
    return this.weights[index] as number;
  }

  append(weight: number): void {
    if (this.length === this.weights.length) this.grow();
    const node = this.length + 1;
    this.weights[this.length] = weight;
    // A new last node covers itself plus the nodes just below it; all of them already exist.
    let sum = weight;
    for (let step = 1; step < (node & -node); step <<= 1) sum += this.tree[node - step] as number;
    this.tree[node] = sum;
    this.length = node;
  }

  set(index: number, weight: number): void {
    this.check(index);
    const delta = weight - (this.weights[index] as number);
    this.weights[index] = weight;
    for (let node = index + 1; node <= this.length; node += node & -node) {
      this.tree[node] = (this.tree[node] as number) + delta;
    }
  }

  /**
   * Replaces every weight at once from `weights[0..size)`, in O(n). Rebuilding also discards
   * the rounding error that many `set` deltas accumulate.
   */
  rebuild(weights: Float64Array): void {
    this.weights.set(weights.subarray(0, this.length));
    this.tree.set(this.weights.subarray(0, this.length), 1);
    for (let node = 1; node <= this.length; node++) {
      const parent = node + (node & -node);
      if (parent <= this.length) this.tree[parent] = (this.tree[parent] as number) + (this.tree[node] as number);
    }
  }

  total(): number {
    let sum = 0;
    for (let node = this.length; node > 0; node -= node & -node) sum += this.tree[node] as number;
    return sum;
  }

  /** The index whose cumulative range holds `target`, for a target in [0, total()). */
  find(target: number): number {
    if (this.length === 0) throw new RangeError('FenwickTree.find: empty tree');
    let position = 0;
    let remaining = target;
    for (let step = 1 << (31 - Math.clz32(this.length)); step > 0; step >>= 1) {
      const next = position + step;
      // `<=` walks past zero-weight stretches, so an entry of weight 0 is never drawn.
      if (next <= this.length && (this.tree[next] as number) <= remaining) {
        position = next;
        remaining -= this.tree[next] as number;
      }
    }
    return Math.min(position, this.length - 1);
  }

  private check(index: number): void {
    if (!(index >= 0 && index < this.length)) throw new RangeError(`FenwickTree: index ${index} out of range`);
  }

  private grow(): void {
    const weights = new Float64Array(this.weights.length * 2);
    weights.set(this.weights);
    const tree = new Float64Array(weights.length + 1);
    tree.set(this.tree);
    this.weights = weights;
    this.tree = tree;
  }
}
