import type { IntBuffer } from "./buffers.js";
import { isAstralWordChar, isPySpace, PY_SPACE } from "./unicode.js";

/**
 * The source of the punctuation token pattern (`PUNCTUATION_TOKENS` of the presets): a run of word
 * characters, or any other character that is not Python whitespace, on its own. scikit-learn spells
 * it `(?u)\w+|[^\w\s]`; with the `u` flag this source matches exactly what Python does (its `\s`
 * is {@link PY_SPACE}, not JavaScript's). {@link TokenTable.scanPunctuation} is its fast path.
 *
 * @example
 * ```ts
 * "don't!".match(new RegExp(PUNCTUATION_TOKENS_SOURCE, "gu")); // ["don", "'", "t", "!"]
 * ```
 */
export const PUNCTUATION_TOKENS_SOURCE = `[\\p{L}\\p{N}_]+|[^\\p{L}\\p{N}_${PY_SPACE}]`;

/**
 * A copy of `s` that does not share memory with the string it was sliced from. V8 represents a
 * slice of 13 or more characters as a view of its parent, so a vocabulary of such slices would keep
 * every training document alive (and each lookup would go through the view).
 *
 * @example
 * ```ts
 * const token = ownCopy(review.slice(10, 30)); // keeps no reference to `review`
 * ```
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** True when `doc[i]` starts a surrogate pair that encodes a word character (Python's `\w`). */
function astralWordAt(doc: string, i: number): boolean {
  const c = doc.charCodeAt(i);
  if (c > 0xdbff || i + 1 >= doc.length) return false;
  const d = doc.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff && isAstralWordChar(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
}

/**
 * A string → int32 hash table that is probed with a slice of a larger string (start, end, hash)
 * without allocating that slice. Tokenizing a corpus looks up every token; this saves a substring
 * and a `Map` probe per token, which is most of the cost of vectorizing. Written by hand because no
 * library offers allocation-free lookups by string range.
 *
 * Layout: a slot is 4 ints [hash, value, offset, length] (offset −1 = empty) and the keys' UTF-16
 * code units live in one arena, so a probe touches one slot line and one arena line instead of a
 * string object on the heap.
 *
 * @example
 * ```ts
 * const table = new TokenTable();
 * table.add("movie", 0);
 * table.get("movie"); // 0
 * const text = "a movie";
 * table.find(text, 2, 7, TokenTable.hash(text, 2, 7), -1); // 0, without slicing
 * ```
 */
export class TokenTable {
  #slots: Int32Array;
  #mask: number;
  #size = 0;
  #arena: Uint16Array;
  #used = 0;

  constructor(expected = 1024) {
    let cap = 1024;
    while (cap < expected * 2) cap *= 2;
    this.#slots = TokenTable.#empty(cap);
    this.#mask = cap - 1;
    this.#arena = new Uint16Array(cap * 8);
  }

  static #empty(capacity: number): Int32Array {
    const slots = new Int32Array(capacity * 4);
    for (let i = 2; i < slots.length; i += 4) slots[i] = -1;
    return slots;
  }

  /** Number of keys. */
  get size(): number {
    return this.#size;
  }

  /** FNV-1a over UTF-16 code units: the hash the scanner computes incrementally. */
  static hash(text: string, start = 0, end = text.length): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h;
  }

  /** The value of `text.slice(start, end)` (whose {@link TokenTable.hash} is `hash`), or `missing`. */
  find(text: string, start: number, end: number, hash: number, missing: number): number {
    const slots = this.#slots;
    const arena = this.#arena;
    const mask = this.#mask;
    const len = end - start;
    let slot = (hash ^ (hash >>> 16)) & mask;
    for (;;) {
      const at = slot << 2;
      const offset = slots[at + 2]!;
      if (offset < 0) return missing;
      if (slots[at] === hash && slots[at + 3] === len) {
        let k = 0;
        while (k < len && arena[offset + k] === text.charCodeAt(start + k)) k++;
        if (k === len) return slots[at + 1]!;
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Tokenizes `doc` with the default token pattern and pushes each token's value to `out`: a token
   * is a maximal run of word characters (`words[c] === 1` for BMP code units, Python's `\w` for
   * astral ones) at least two code points long, exactly the matches of
   * `re.findall(r"(?u)\b\w\w+\b", doc)`. A token not in the table gets `onNew(token, hash)` (which
   * must add it) or `missing`. Values equal to `skip` (stop words) are not pushed.
   * Scanning and probing are fused so that known tokens are never sliced out of `doc`.
   */
  scanWords(
    doc: string,
    words: Uint8Array,
    out: IntBuffer,
    missing: number,
    skip: number,
    onNew?: (token: string, hash: number) => number,
  ): void {
    const n = doc.length;
    let i = 0;
    while (i < n) {
      let c = doc.charCodeAt(i);
      // Skip to the next word character (two tight loops: between words, then within one).
      if (c < 0xd800 || c > 0xdfff ? words[c] !== 1 : !astralWordAt(doc, i)) {
        i++;
        continue;
      }
      const start = i;
      let hash = 0x811c9dc5 | 0;
      let codePoints = 0;
      for (;;) {
        hash = Math.imul(hash ^ c, 0x01000193);
        if (c >= 0xd800 && c <= 0xdfff) hash = Math.imul(hash ^ doc.charCodeAt(++i), 0x01000193);
        i++;
        codePoints++;
        if (i >= n) break;
        c = doc.charCodeAt(i);
        if (c < 0xd800 || c > 0xdfff ? words[c] !== 1 : !astralWordAt(doc, i)) break;
      }
      if (codePoints < 2) continue;
      let value = this.find(doc, start, i, hash, missing);
      if (value === missing && onNew) value = onNew(ownCopy(doc.slice(start, i)), hash);
      if (value !== skip) out.push(value);
    }
  }

  /**
   * Tokenizes `doc` with {@link PUNCTUATION_TOKENS_SOURCE} and pushes each token's value to `out`,
   * exactly the matches of `re.findall(r"(?u)\w+|[^\w\s]", doc)`: a maximal run of word characters
   * (any length), or one code point that is neither a word character nor Python whitespace (an
   * astral one is its surrogate pair; a lone surrogate is itself). `words`, `missing`, `skip` and
   * `onNew` are as for {@link TokenTable.scanWords}, which this mirrors (a sibling, so that the
   * default pattern's loop stays as it is).
   */
  scanPunctuation(
    doc: string,
    words: Uint8Array,
    out: IntBuffer,
    missing: number,
    skip: number,
    onNew?: (token: string, hash: number) => number,
  ): void {
    const n = doc.length;
    let i = 0;
    while (i < n) {
      let c = doc.charCodeAt(i);
      const start = i;
      let hash = 0x811c9dc5 | 0;
      if (c < 0xd800 || c > 0xdfff ? words[c] === 1 : astralWordAt(doc, i)) {
        for (;;) {
          hash = Math.imul(hash ^ c, 0x01000193);
          if (c >= 0xd800 && c <= 0xdfff) hash = Math.imul(hash ^ doc.charCodeAt(++i), 0x01000193);
          i++;
          if (i >= n) break;
          c = doc.charCodeAt(i);
          if (c < 0xd800 || c > 0xdfff ? words[c] !== 1 : !astralWordAt(doc, i)) break;
        }
      } else {
        i++;
        if (isPySpace(c)) continue;
        hash = Math.imul(hash ^ c, 0x01000193);
        if (c <= 0xdbff && c >= 0xd800 && i < n) {
          const d = doc.charCodeAt(i);
          if (d >= 0xdc00 && d <= 0xdfff) {
            hash = Math.imul(hash ^ d, 0x01000193);
            i++;
          }
        }
      }
      let value = this.find(doc, start, i, hash, missing);
      if (value === missing && onNew) value = onNew(ownCopy(doc.slice(start, i)), hash);
      if (value !== skip) out.push(value);
    }
  }

  /** The value of `key`, or `missing`. */
  get(key: string, missing = -1): number {
    return this.find(key, 0, key.length, TokenTable.hash(key), missing);
  }

  /** Stores `value` for `key` (which must not be present yet). */
  add(key: string, value: number, hash = TokenTable.hash(key)): void {
    if (this.#used + key.length > this.#arena.length) {
      const arena = new Uint16Array(Math.max(this.#arena.length * 2, this.#used + key.length));
      arena.set(this.#arena.subarray(0, this.#used));
      this.#arena = arena;
    }
    const offset = this.#used;
    for (let k = 0; k < key.length; k++) this.#arena[offset + k] = key.charCodeAt(k);
    this.#used += key.length;
    this.#place(hash, value, offset, key.length);
    if (++this.#size * 2 > this.#mask) this.#grow();
  }

  #place(hash: number, value: number, offset: number, length: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = (hash ^ (hash >>> 16)) & mask;
    while (slots[(slot << 2) + 2]! >= 0) slot = (slot + 1) & mask;
    const at = slot << 2;
    slots[at] = hash;
    slots[at + 1] = value;
    slots[at + 2] = offset;
    slots[at + 3] = length;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = TokenTable.#empty((this.#mask + 1) * 2);
    this.#mask = this.#mask * 2 + 1;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at + 2]! >= 0) this.#place(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!);
    }
  }
}
