/**
 * An open-addressing hash table from a pair of non-negative int32 ids to an int32 id.
 *
 * Word n-grams are identified by (id of their first n−1 words, id of their last word), so counting
 * bigrams of a large corpus is a few integer probes per token instead of building and hashing a
 * joined string for every n-gram. No maintained library offers an int-pair map on typed arrays,
 * and a `Map` keyed by a combined number is several times slower here (heap numbers beyond 2^31).
 */
export class PairTable {
  #first: Int32Array;
  #second: Int32Array;
  #values: Int32Array;
  #mask: number;
  #size = 0;

  constructor(expected = 1024) {
    let cap = 1024;
    while (cap < expected * 2) cap *= 2;
    this.#first = new Int32Array(cap).fill(-1);
    this.#second = new Int32Array(cap);
    this.#values = new Int32Array(cap);
    this.#mask = cap - 1;
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

  /** The value stored for (a, b), or −1. */
  get(a: number, b: number): number {
    const first = this.#first;
    const mask = this.#mask;
    let slot = PairTable.#hash(a, b) & mask;
    for (;;) {
      const f = first[slot]!;
      if (f === -1) return -1;
      if (f === a && this.#second[slot] === b) return this.#values[slot]!;
      slot = (slot + 1) & mask;
    }
  }

  /** The value stored for (a, b); when absent, stores `value` and returns it. */
  getOrSet(a: number, b: number, value: number): number {
    const first = this.#first;
    const mask = this.#mask;
    let slot = PairTable.#hash(a, b) & mask;
    for (;;) {
      const f = first[slot]!;
      if (f === -1) break;
      if (f === a && this.#second[slot] === b) return this.#values[slot]!;
      slot = (slot + 1) & mask;
    }
    first[slot] = a;
    this.#second[slot] = b;
    this.#values[slot] = value;
    if (++this.#size * 2 > mask) this.#grow();
    return value;
  }

  #grow(): void {
    const oldFirst = this.#first;
    const oldSecond = this.#second;
    const oldValues = this.#values;
    const cap = oldFirst.length * 2;
    const mask = cap - 1;
    const first = new Int32Array(cap).fill(-1);
    const second = new Int32Array(cap);
    const values = new Int32Array(cap);
    for (let i = 0; i < oldFirst.length; i++) {
      const a = oldFirst[i]!;
      if (a === -1) continue;
      const b = oldSecond[i]!;
      let slot = PairTable.#hash(a, b) & mask;
      while (first[slot] !== -1) slot = (slot + 1) & mask;
      first[slot] = a;
      second[slot] = b;
      values[slot] = oldValues[i]!;
    }
    this.#first = first;
    this.#second = second;
    this.#values = values;
    this.#mask = mask;
  }
}
