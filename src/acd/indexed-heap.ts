/**
 * A binary min-heap with O(log n) removal of any element by key: the ACD keeps one per queue
 * bucket (available agents, waiting calls) so a decision never scans every agent or call.
 * `before(a, b)` is true when a must come out first. Keys must be unique.
 */
export class IndexedHeap<T> {
  readonly #items: T[] = [];
  readonly #pos = new Map<string, number>();

  constructor(
    private readonly keyOf: (t: T) => string,
    private readonly before: (a: T, b: T) => boolean,
  ) {}

  get size(): number {
    return this.#items.length;
  }

  has(key: string): boolean {
    return this.#pos.has(key);
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  /** Element at an array index (random pick; no order implied). */
  at(i: number): T | undefined {
    return this.#items[i];
  }

  values(): readonly T[] {
    return this.#items;
  }

  push(t: T): void {
    const k = this.keyOf(t);
    if (this.#pos.has(k)) throw new Error(`duplicate heap key ${k}`);
    this.#items.push(t);
    this.#pos.set(k, this.#items.length - 1);
    this.#up(this.#items.length - 1);
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.remove(this.keyOf(top));
    return top;
  }

  remove(key: string): boolean {
    const i = this.#pos.get(key);
    if (i === undefined) return false;
    const last = this.#items.pop()!;
    this.#pos.delete(key);
    if (i < this.#items.length) {
      this.#items[i] = last;
      this.#pos.set(this.keyOf(last), i);
      this.#down(i);
      this.#up(i);
    }
    return true;
  }

  #swap(i: number, j: number): void {
    const a = this.#items[i]!;
    const b = this.#items[j]!;
    this.#items[i] = b;
    this.#items[j] = a;
    this.#pos.set(this.keyOf(b), i);
    this.#pos.set(this.keyOf(a), j);
  }

  #up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(this.#items[i]!, this.#items[p]!)) return;
      this.#swap(i, p);
      i = p;
    }
  }

  #down(i: number): void {
    const n = this.#items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.before(this.#items[l]!, this.#items[m]!)) m = l;
      if (r < n && this.before(this.#items[r]!, this.#items[m]!)) m = r;
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }
}
