import type { IntBuffer } from "./buffers.js";
import { isAstralWordChar } from "./unicode.js";

/**
 * A copy of `s` that does not share memory with the string it was sliced from. V8 represents a
 * slice of 13 or more characters as a view of its parent, so a vocabulary of such slices would keep
 * every training document alive (and each lookup would go through the view).
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
 */
export class TokenTable {
  #keys: (string | undefined)[];
  #hashes: Int32Array;
  #values: Int32Array;
  #mask: number;
  #size = 0;

  constructor(expected = 1024) {
    let cap = 1024;
    while (cap < expected * 2) cap *= 2;
    this.#keys = new Array<string | undefined>(cap).fill(undefined);
    this.#hashes = new Int32Array(cap);
    this.#values = new Int32Array(cap);
    this.#mask = cap - 1;
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
    const keys = this.#keys;
    const hashes = this.#hashes;
    const mask = this.#mask;
    const len = end - start;
    let slot = (hash ^ (hash >>> 16)) & mask;
    for (;;) {
      const key = keys[slot];
      if (key === undefined) return missing;
      if (hashes[slot] === hash && key.length === len) {
        let k = 0;
        while (k < len && key.charCodeAt(k) === text.charCodeAt(start + k)) k++;
        if (k === len) return this.#values[slot]!;
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
    let keys = this.#keys;
    let hashes = this.#hashes;
    let values = this.#values;
    let mask = this.#mask;
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
      const len = i - start;
      let slot = (hash ^ (hash >>> 16)) & mask;
      let value = missing;
      for (;;) {
        const key = keys[slot];
        if (key === undefined) break;
        if (hashes[slot] === hash && key.length === len) {
          let k = 0;
          while (k < len && key.charCodeAt(k) === doc.charCodeAt(start + k)) k++;
          if (k === len) {
            value = values[slot]!;
            break;
          }
        }
        slot = (slot + 1) & mask;
      }
      if (value === missing && onNew) {
        value = onNew(ownCopy(doc.slice(start, i)), hash);
        keys = this.#keys;
        hashes = this.#hashes;
        values = this.#values;
        mask = this.#mask;
      }
      if (value !== skip) out.push(value);
    }
  }

  /** The value of `key`, or `missing`. */
  get(key: string, missing = -1): number {
    return this.find(key, 0, key.length, TokenTable.hash(key), missing);
  }

  /** Stores `value` for `key` (which must not be present yet). */
  add(key: string, value: number, hash = TokenTable.hash(key)): void {
    const mask = this.#mask;
    let slot = (hash ^ (hash >>> 16)) & mask;
    while (this.#keys[slot] !== undefined) slot = (slot + 1) & mask;
    this.#keys[slot] = key;
    this.#hashes[slot] = hash;
    this.#values[slot] = value;
    if (++this.#size * 2 > mask) this.#grow();
  }

  #grow(): void {
    const keys = this.#keys;
    const hashes = this.#hashes;
    const values = this.#values;
    const cap = keys.length * 2;
    this.#keys = new Array<string | undefined>(cap).fill(undefined);
    this.#hashes = new Int32Array(cap);
    this.#values = new Int32Array(cap);
    this.#mask = cap - 1;
    this.#size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== undefined) this.add(keys[i]!, values[i]!, hashes[i]!);
  }
}
