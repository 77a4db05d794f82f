/**
 * Unicode helpers that reproduce Python's `str` semantics where scikit-learn relies on them:
 * what `\w` and `\s` match in a `re` pattern, and `unicodedata.combining`.
 *
 * @module
 */
import { COMBINING_RANGES } from "./unicode-tables.js";

// Python's `\w` on str patterns is `ch.isalnum() or ch == "_"`: letters (L*), and characters with a
// numeric value, which are N* (plus a few CJK ideographs that are L* anyway). The Unicode version
// of the running engine can differ from Python's for newly assigned characters only.
const WORD_CHAR = /^[\p{L}\p{N}_]$/u;

let bmpWordTable: Uint8Array | undefined;

/**
 * Lazily built table: 1 where a BMP code unit is a word character (surrogates are 0).
 *
 * @example
 * ```ts
 * const word = bmpWordChars();
 * word["é".charCodeAt(0)]; // 1
 * word[" ".charCodeAt(0)]; // 0
 * ```
 */
export function bmpWordChars(): Uint8Array {
  if (bmpWordTable) return bmpWordTable;
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (c < 0x80) {
      table[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ? 1 : 0;
    } else {
      table[c] = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 0;
    }
  }
  bmpWordTable = table;
  return table;
}

/**
 * True when an astral code point (≥ U+10000) is a word character in Python's sense.
 *
 * @example
 * ```ts
 * isAstralWordChar(0x1d400); // true (MATHEMATICAL BOLD CAPITAL A)
 * isAstralWordChar(0x1f600); // false (an emoji)
 * ```
 */
export function isAstralWordChar(codePoint: number): boolean {
  return WORD_CHAR.test(String.fromCodePoint(codePoint));
}

/**
 * Python's whitespace, `str.isspace()` (the `\s` of a `str` pattern), as the body of a RegExp
 * character class. It differs from JavaScript's `\s`: Python has U+001C–U+001F and U+0085,
 * JavaScript has U+FEFF. Every such character is in the BMP.
 *
 * @example
 * ```ts
 * const spaces = new RegExp(`[${PY_SPACE}]+`, "g");
 * "a\x1cb\u00a0c".split(spaces); // ["a", "b", "c"]
 * ```
 */
export const PY_SPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

/**
 * Python's `str.isspace()` for one UTF-16 code unit: the characters of {@link PY_SPACE}.
 *
 * @example
 * ```ts
 * isPySpace(0x85); // true (NEXT LINE)
 * isPySpace(0xfeff); // false (a space to JavaScript's \s, not to Python)
 * ```
 */
export function isPySpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

let combining: Int32Array | undefined;

function combiningRanges(): Int32Array {
  if (combining) return combining;
  const parts = COMBINING_RANGES.split(",");
  const out = new Int32Array(parts.length * 2);
  let end = 0;
  parts.forEach((part, i) => {
    const [gap, extra = "0"] = part.split("-");
    const start = end + parseInt(gap!, 36);
    end = start + parseInt(extra, 36);
    out[2 * i] = start;
    out[2 * i + 1] = end;
  });
  combining = out;
  return out;
}

/**
 * Python's `unicodedata.combining(ch) != 0`, by binary search over the generated ranges.
 *
 * @example
 * ```ts
 * isCombining(0x301); // true (COMBINING ACUTE ACCENT)
 * isCombining(0x61); // false
 * ```
 */
export function isCombining(codePoint: number): boolean {
  if (codePoint < 0x300) return false;
  const r = combiningRanges();
  let lo = 0;
  let hi = r.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (codePoint < r[2 * mid]!) hi = mid - 1;
    else if (codePoint > r[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * scikit-learn's `strip_accents_unicode`: NFKD, then drop every combining character.
 *
 * @example
 * ```ts
 * stripAccentsUnicode("café naïve"); // "cafe naive"
 * ```
 */
export function stripAccentsUnicode(text: string): string {
  if (ASCII_ONLY.test(text)) return text;
  const decomposed = text.normalize("NFKD");
  let out = "";
  let runStart = 0;
  for (let i = 0; i < decomposed.length; ) {
    const cp = decomposed.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (isCombining(cp)) {
      out += decomposed.slice(runStart, i);
      runStart = i + width;
    }
    i += width;
  }
  return runStart === 0 ? decomposed : out + decomposed.slice(runStart);
}

/**
 * scikit-learn's `strip_accents_ascii`: NFKD, then drop every non-ASCII character.
 *
 * @example
 * ```ts
 * stripAccentsAscii("naïve ½"); // "naive 12"
 * ```
 */
export function stripAccentsAscii(text: string): string {
  if (ASCII_ONLY.test(text)) return text;
  return text.normalize("NFKD").replace(/[^\x00-\x7f]+/g, "");
}

/**
 * Compares strings by Unicode code point, as Python sorts `str` (JavaScript's `<` compares UTF-16
 * code units, which orders astral characters before U+E000–U+FFFF).
 *
 * @example
 * ```ts
 * ["\uffff", "\u{1f600}"].sort(compareCodePoints); // ["\uffff", "\u{1f600}"], as Python sorts them
 * ```
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Move surrogates above the rest of the BMP so that code-unit order equals code-point order.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}
