export class Heap {
  constructor(compare = (a, b) => a - b) {
    this.items = [];
  }

  static from(items, compare) {
    const heap = new Heap(compare);
    heap.push(...items);
    return heap;
  }

  push(...items) {
    this.items.push(...items);
    return this.items.length;
  }

  pop() {
    return this.items.shift();
  }

  peek() {
    return this.items[0];
  }

  get size() {
    return this.items.length;
  }

  drain() {
    const out = [];
    while (this.size > 0) out.push(this.pop());
    return out;
  }
}
