/**
 * An open-addressing hash table from a pair of non-negative int32 ids to an int32 id.
 *
 * Word n-grams are identified by (id of their first n−1 words, id of their last word), so counting
 * bigrams of a large corpus is a few integer probes per token instead of building and hashing a
 * joined string for every n-gram. No maintained library offers an int-pair map on typed arrays,
 * and a `Map` keyed by a combined number is several times slower here (heap numbers beyond 2^31).
 * Each slot holds (first, second, value) side by side, so a probe touches one cache line.
 *
 * @example
 * ```ts
 * const bigrams = new PairTable();
 * bigrams.getOrSet(3, 7, 0); // 0 (stored)
 * bigrams.get(3, 7); // 0
 * bigrams.get(7, 3); // -1
 * ```
 */
export class PairTable {
  #slots: Int32Array;
  #mask: number;
  #size = 0;

  constructor(expected = 1024) {
    let cap = 1024;
    while (cap < expected * 2) cap *= 2;
    this.#slots = PairTable.#empty(cap);
    this.#mask = cap - 1;
  }

  static #empty(capacity: number): Int32Array {
    const slots = new Int32Array(capacity * 4);
    for (let i = 0; i < slots.length; i += 4) slots[i] = -1;
    return slots;
  }

  /** Number of pairs stored. */
  get size(): number {
    return this.#size;
  }

  static #hash(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    return h ^ (h >>> 13);
  }

  /** Index in #slots of (a, b)'s slot, or of the empty slot where it would go. */
  #find(a: number, b: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = PairTable.#hash(a, b) & mask;
    for (;;) {
      const at = slot << 2;
      const f = slots[at]!;
      if (f === -1 || (f === a && slots[at + 1] === b)) return at;
      slot = (slot + 1) & mask;
    }
  }

  /** The value stored for (a, b), or −1. */
  get(a: number, b: number): number {
    const at = this.#find(a, b);
    return this.#slots[at] === -1 ? -1 : this.#slots[at + 2]!;
  }

  /** The value stored for (a, b); when absent, stores `value` and returns it. */
  getOrSet(a: number, b: number, value: number): number {
    const at = this.#find(a, b);
    const slots = this.#slots;
    if (slots[at] !== -1) return slots[at + 2]!;
    slots[at] = a;
    slots[at + 1] = b;
    slots[at + 2] = value;
    if (++this.#size * 2 > this.#mask) this.#grow();
    return value;
  }

  #grow(): void {
    const old = this.#slots;
    const cap = (this.#mask + 1) * 2;
    const mask = cap - 1;
    const slots = PairTable.#empty(cap);
    for (let i = 0; i < old.length; i += 4) {
      const a = old[i]!;
      if (a === -1) continue;
      const b = old[i + 1]!;
      let slot = PairTable.#hash(a, b) & mask;
      while (slots[slot << 2] !== -1) slot = (slot + 1) & mask;
      const at = slot << 2;
      slots[at] = a;
      slots[at + 1] = b;
      slots[at + 2] = old[i + 2]!;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
