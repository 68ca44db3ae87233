export class Heap {
  #items = [];
  #compare;

  constructor(compare = (a, b) => a - b) {
    this.#compare = compare;
  }

  static from(items, compare) {
    const heap = new Heap(compare);
    heap.#items = [...items];
    for (let index = (heap.#items.length >> 1) - 1; index >= 0; index--) heap.#down(index);
    return heap;
  }

  push(...items) {
    for (const item of items) {
      this.#items.push(item);
      this.#up(this.#items.length - 1);
    }
    return this.#items.length;
  }

  pop() {
    const items = this.#items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0) { items[0] = last; this.#down(0); }
    return top;
  }

  peek() {
    return this.#items[0];
  }

  get size() {
    return this.#items.length;
  }

  drain() {
    const out = [];
    while (this.#items.length > 0) out.push(this.pop());
    return out;
  }

  #up(index) {
    const items = this.#items;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.#compare(items[index], items[parent]) >= 0) break;
      [items[index], items[parent]] = [items[parent], items[index]];
      index = parent;
    }
  }

  #down(index) {
    const items = this.#items;
    for (;;) {
      let best = index;
      for (const child of [2 * index + 1, 2 * index + 2]) if (child < items.length && this.#compare(items[child], items[best]) < 0) best = child;
      if (best === index) return;
      [items[index], items[best]] = [items[best], items[index]];
      index = best;
    }
  }
}
