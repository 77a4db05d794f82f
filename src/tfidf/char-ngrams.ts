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
 * The hot path ({@link createCharIds}) turns a text into character ids, without building a
 * normalized string; the vectorizer then forms n-grams as it forms word n-grams, an n-gram being
 * (id of its first n−1 characters, id of its last), so each n-gram is one integer-pair probe and
 * no n-gram string is built unless it is a new vocabulary entry.
 *
 * @module
 */
import type { IntBuffer } from "./buffers.js";
import type { ResolvedVectorizerOptions } from "./options.js";
import { TokenTable } from "./token-table.js";
import { isPySpace, PY_SPACE } from "./unicode.js";

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
 * Marks the end of a segment in the output of {@link CharIds}: the whole text for `"char"`, one
 * padded word for `"char_wb"`. No n-gram crosses it.
 *
 * @example
 * ```ts
 * charIds("ab c", out); // char_wb: ids of " ", "a", "b", " ", SEGMENT_END, " ", "c", " ", SEGMENT_END
 * ```
 */
export const SEGMENT_END = -3;

/**
 * Writes the id of every character (code point) that a char analyzer takes n-grams from to `out`
 * (which is cleared first), each segment followed by {@link SEGMENT_END}: the text after
 * preprocessing and whitespace normalization (`"char"`), or each word padded with spaces
 * (`"char_wb"`). A character not in the table gets `onNew(character, hash)` (which must add it
 * and return its id) when given, else −1.
 *
 * @example
 * ```ts
 * const charIds: CharIds = createCharIds(resolveVectorizerOptions({ analyzer: "char" }), table, (t) => t);
 * charIds("a  b", out); // ids of "a", " ", "b", then SEGMENT_END
 * ```
 */
export type CharIds = (text: string, out: IntBuffer, onNew?: (character: string, hash: number) => number) => void;

const SPACE_HASH = TokenTable.hash(" ");

/**
 * Builds the character scanner of a char analyzer over `table` (character → id). `preprocess` is
 * the vectorizer's lowercasing and accent stripping. Whitespace is normalized while scanning, so
 * no string is built besides the preprocessed text.
 *
 * @example
 * ```ts
 * const table = new TokenTable();
 * const charIds = createCharIds(resolveVectorizerOptions({ analyzer: "char_wb" }), table, (t) => t.toLowerCase());
 * const out = new IntBuffer();
 * charIds("Hi", out, (ch, hash) => { table.add(ch, table.size, hash); return table.size - 1; }); // " ", "h", "i", " ", SEGMENT_END
 * ```
 */
export function createCharIds(options: ResolvedVectorizerOptions, table: TokenTable, preprocess: (text: string) => string): CharIds {
  const wb = options.analyzer === "char_wb";
  return (text, out, onNew) => {
    out.length = 0;
    const doc = preprocess(text);
    const length = doc.length;
    let space = table.find(" ", 0, 1, SPACE_HASH, -1);
    const pushSpace = (): void => {
      if (space < 0 && onNew) space = onNew(" ", SPACE_HASH);
      out.push(space);
    };
    let u = 0;
    while (u < length) {
      const c = doc.charCodeAt(u);
      if (isPySpace(c)) {
        if (wb) {
          u++;
          continue;
        }
        if (u + 1 < length && isPySpace(doc.charCodeAt(u + 1))) {
          // A run of two or more whitespace characters is one space (a lone one stays itself).
          pushSpace();
          u += 2;
          while (u < length && isPySpace(doc.charCodeAt(u))) u++;
          continue;
        }
      }
      if (wb) pushSpace();
      // One character (for char_wb: every character of one word).
      do {
        const x = doc.charCodeAt(u);
        let width = 1;
        let hash = Math.imul(0x811c9dc5 ^ x, 0x01000193);
        if (x >= 0xd800 && x <= 0xdbff && u + 1 < length) {
          const d = doc.charCodeAt(u + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            hash = Math.imul(hash ^ d, 0x01000193);
            width = 2;
          }
        }
        let id = table.find(doc, u, u + width, hash, -1);
        if (id < 0 && onNew) id = onNew(doc.slice(u, u + width), hash);
        out.push(id);
        u += width;
      } while (wb && u < length && !isPySpace(doc.charCodeAt(u)));
      if (wb) {
        pushSpace();
        out.push(SEGMENT_END);
      }
    }
    if (!wb && out.length > 0) out.push(SEGMENT_END);
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
