/**
 * Character n-grams, as scikit-learn's `analyzer="char"` and `analyzer="char_wb"`.
 *
 * - `"char"`: runs of two or more whitespace characters become one space (a lone tab or newline
 *   stays as it is), then every n-gram of the whole text for each n of `ngramRange`.
 * - `"char_wb"`: the text is split on whitespace; each word, padded with one space on each side,
 *   gives its n-grams for each n, and a padded word no longer than n gives itself, once.
 *
 * Characters are Unicode code points, as Python counts them (an emoji is one character, not two
 * UTF-16 units); whitespace is Python's `str.isspace()`. Written by hand because these are
 * scikit-learn's semantics, which no JavaScript library reproduces; learned from its behaviour
 * and checked against it (test/tfidf/char-analyzer-parity.test.ts), no code copied.
 *
 * The hot path ({@link createCharGramIds}) never slices a known n-gram out of the text: it
 * extends one FNV-1a hash per start position character by character and probes a
 * {@link TokenTable} with (text, start, end, hash).
 *
 * @module
 */
import type { IntBuffer } from "./buffers.js";
import type { ResolvedVectorizerOptions } from "./options.js";
import { ownCopy, TokenTable } from "./token-table.js";

/**
 * True when options select character n-grams (`"char"` or `"char_wb"`); options without an
 * analyzer (read from an older model file) are word options.
 *
 * @example
 * ```ts
 * isCharAnalyzer(resolveVectorizerOptions({ analyzer: "char_wb" })); // true
 * ```
 */
export function isCharAnalyzer(options: ResolvedVectorizerOptions): boolean {
  return options.analyzer === "char" || options.analyzer === "char_wb";
}

/** Python's `str.isspace()` characters (`\s` of a `str` pattern), as a character class body. */
const PY_SPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPACE_RUN = new RegExp(`[${PY_SPACE}]{2,}`, "g");
const SPACES = new RegExp(`[${PY_SPACE}]+`);

/**
 * scikit-learn's whitespace normalization of the char analyzers: every run of two or more
 * whitespace characters (Python's `\s\s+`) becomes one space.
 *
 * @example
 * ```ts
 * collapseWhitespace("a \t b\nc"); // "a b\nc" (the lone newline stays)
 * ```
 */
export function collapseWhitespace(text: string): string {
  return text.replace(SPACE_RUN, " ");
}

/**
 * The words of `text` split on Python whitespace, each padded with one space on each side and
 * concatenated: `"ab  c"` → `" ab  c "`; `""` when there are no words. Every padded word starts
 * at a space and ends at the next space after its first character.
 *
 * @example
 * ```ts
 * padWords("the\tcat  sat"); // " the  cat  sat "
 * ```
 */
export function padWords(text: string): string {
  const words = text.split(SPACES);
  let first = 0;
  let last = words.length;
  if (words[0] === "") first++;
  if (last > first && words[last - 1] === "") last--;
  return first === last ? "" : ` ${words.slice(first, last).join("  ")} `;
}

/** The preprocessed, normalized text that the char analyzer of `options` takes its n-grams from. */
function charDocument(options: ResolvedVectorizerOptions, preprocess: (text: string) => string): (text: string) => string {
  return options.analyzer === "char_wb" ? (text) => padWords(preprocess(text)) : (text) => collapseWhitespace(preprocess(text));
}

/**
 * Pushes the ids of a text's character n-grams to `out` (which is not cleared). An n-gram that is
 * not in the table gets `onNew(ngram, hash)` (which must add it and return its id) when given,
 * else it is skipped.
 *
 * @example
 * ```ts
 * const ids: CharGramIds = createCharGramIds(resolveVectorizerOptions({ analyzer: "char", ngramRange: [2, 2] }), table, (t) => t);
 * ids("abc", out); // ids of "ab" and "bc", where the table has them
 * ```
 */
export type CharGramIds = (text: string, out: IntBuffer, onNew?: (ngram: string, hash: number) => number) => void;

/**
 * Builds the id scanner of a char analyzer over `table` (n-gram text → id). `preprocess` is the
 * vectorizer's lowercasing and accent stripping.
 *
 * @example
 * ```ts
 * const table = new TokenTable();
 * const ids = createCharGramIds(resolveVectorizerOptions({ analyzer: "char_wb", ngramRange: [3, 3] }), table, (t) => t.toLowerCase());
 * const out = new IntBuffer();
 * ids("Hi", out, (ngram, hash) => { table.add(ngram, table.size, hash); return table.size - 1; }); // " hi ": " hi", "hi "
 * ```
 */
export function createCharGramIds(
  options: ResolvedVectorizerOptions,
  table: TokenTable,
  preprocess: (text: string) => string,
): CharGramIds {
  const [minN, maxN] = options.ngramRange;
  const wb = options.analyzer === "char_wb";
  const normalize = charDocument(options, preprocess);
  // pos[k]: the UTF-16 offset of code point k of the document; pos[count] = its length.
  let pos = new Int32Array(1024);
  return (text, out, onNew) => {
    const doc = normalize(text);
    const length = doc.length;
    if (pos.length <= length) pos = new Int32Array(2 * length + 2);
    let count = 0;
    for (let u = 0; u < length; ) {
      pos[count++] = u;
      const c = doc.charCodeAt(u++);
      if (c >= 0xd800 && c <= 0xdbff && u < length) {
        const d = doc.charCodeAt(u);
        if (d >= 0xdc00 && d <= 0xdfff) u++;
      }
    }
    pos[count] = length;
    // One segment for "char" (the whole text), one per padded word for "char_wb".
    for (let s = 0; s < count; ) {
      let e = count;
      if (wb) {
        e = s + 1;
        while (doc.charCodeAt(pos[e]!) !== 32) e++;
        e++;
      }
      for (let i = s; i < e; i++) {
        const start = pos[i]!;
        const top = Math.min(maxN, e - i);
        let hash = 0x811c9dc5 | 0;
        let u = start;
        for (let n = 1; n <= top; n++) {
          const end = pos[i + n]!;
          while (u < end) hash = Math.imul(hash ^ doc.charCodeAt(u++), 0x01000193);
          if (n < minN) continue;
          let id = table.find(doc, start, end, hash, -1);
          if (id < 0) {
            if (!onNew) continue;
            id = onNew(ownCopy(doc.slice(start, end)), hash);
          }
          out.push(id);
        }
      }
      if (wb && e - s < minN) {
        // A padded word shorter than every n is one n-gram by itself.
        const start = pos[s]!;
        const end = pos[e]!;
        const hash = TokenTable.hash(doc, start, end);
        let id = table.find(doc, start, end, hash, -1);
        if (id < 0 && onNew) id = onNew(ownCopy(doc.slice(start, end)), hash);
        if (id >= 0) out.push(id);
      }
      s = e;
    }
  };
}

/**
 * The character n-grams of a text as strings, in scikit-learn's order (by n, then by position;
 * for `"char_wb"` word by word): what `build_analyzer()` returns. Not a hot path.
 *
 * @example
 * ```ts
 * const analyze = createCharAnalyzer(resolveVectorizerOptions({ analyzer: "char_wb", ngramRange: [2, 3] }), (t) => t);
 * analyze("ab", []); // [" a", "ab", "b ", " ab", "ab "]
 * ```
 */
export function createCharAnalyzer(
  options: ResolvedVectorizerOptions,
  preprocess: (text: string) => string,
): (text: string, out: string[]) => string[] {
  const [minN, maxN] = options.ngramRange;
  const wb = options.analyzer === "char_wb";
  const normalize = charDocument(options, preprocess);
  const ngrams = (chars: string[], out: string[]): void => {
    for (let n = minN; n <= Math.min(maxN, chars.length); n++) {
      for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(""));
    }
  };
  return (text, out) => {
    out.length = 0;
    const doc = normalize(text);
    if (!wb) {
      ngrams(Array.from(doc), out);
      return out;
    }
    // padWords puts two spaces between padded words: split there and re-pad.
    for (const word of doc.slice(1, -1).split("  ")) {
      if (word === "") continue;
      const chars = Array.from(` ${word} `);
      if (chars.length < minN) out.push(chars.join(""));
      else ngrams(chars, out);
    }
    return out;
  };
}

/**
 * Maps documents to the feature columns of a char-n-gram vocabulary: a {@link TokenTable} from
 * n-gram text to column, probed without slicing the document.
 *
 * @example
 * ```ts
 * const index = CharFeatureIndex.fromVocabulary([" a", "a "], resolveVectorizerOptions({ analyzer: "char_wb", ngramRange: [2, 2] }), (t) => t);
 * const out = new IntBuffer();
 * index.collect("a b", out); // out.view(): Int32Array [0, 1]
 * ```
 */
export class CharFeatureIndex {
  readonly #ids: CharGramIds;

  private constructor(ids: CharGramIds) {
    this.#ids = ids;
  }

  /** Builds the index of a vocabulary (column i is `vocabulary[i]`). */
  static fromVocabulary(
    vocabulary: readonly string[],
    options: ResolvedVectorizerOptions,
    preprocess: (text: string) => string,
  ): CharFeatureIndex {
    const table = new TokenTable(vocabulary.length);
    vocabulary.forEach((term, col) => table.add(term, col));
    return new CharFeatureIndex(createCharGramIds(options, table, preprocess));
  }

  /** Appends the feature columns of one document to `out` (repeats kept; unknown n-grams skipped). */
  collect(text: string, out: IntBuffer): void {
    this.#ids(text, out);
  }
}
