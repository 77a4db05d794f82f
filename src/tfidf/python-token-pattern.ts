/**
 * A model's token pattern in Python's regular-expression syntax, for the Python loader of the
 * `python_function` flavor (the model file keeps the JavaScript pattern).
 *
 * @module
 */
import type { ResolvedVectorizerOptions } from "./options.js";
import { PUNCTUATION_TOKENS_SOURCE } from "./token-table.js";

/**
 * `PUNCTUATION_TOKENS` as scikit-learn and Python's `re` spell it: the same tokens, since the
 * JavaScript source reproduces Python's `\w` and `\s`.
 *
 * @example
 * ```ts
 * new TfidfVectorizerPeer({ token_pattern: PYTHON_PUNCTUATION_PATTERN }); // scikit-learn's side of a parity test
 * ```
 */
export const PYTHON_PUNCTUATION_PATTERN = String.raw`(?u)\w+|[^\w\s]`;

/** JavaScript-only syntax Python's `re` has no spelling for. */
const UNTRANSLATABLE = /\\[pPk]\{|\\u\{|\\c[A-Za-z]|\[\^?\]|\(\?<(?![=!])/;

/**
 * The Python `re` pattern that tokenizes as `pattern` does, or `null` when there is none that can
 * be written mechanically. The default (no pattern) is scikit-learn's own default and needs none,
 * so it is never asked for; {@link PYTHON_PUNCTUATION_PATTERN} stands for `PUNCTUATION_TOKENS`.
 * Another pattern keeps its source, with its `i`, `m` and `s` flags inline and `(?a)`, because
 * JavaScript's `\w`, `\d` and `\b` are ASCII-only: the tokens are the same as JavaScript's on text
 * whose whitespace is ASCII (JavaScript's `\s` also matches other Unicode spaces). A source using
 * syntax Python lacks (`\p{…}`, `\u{…}`, `[^]`, named groups) gives `null`.
 *
 * @example
 * ```ts
 * pythonTokenPattern({ source: "[a-z]+", flags: "gi" }); // "(?ai)[a-z]+"
 * pythonTokenPattern({ source: "\\p{L}+", flags: "gu" }); // null
 * ```
 */
export function pythonTokenPattern(pattern: NonNullable<ResolvedVectorizerOptions["tokenPattern"]>): string | null {
  const flags = pattern.flags.replace("g", "");
  if (pattern.source === PUNCTUATION_TOKENS_SOURCE && flags === "u") return PYTHON_PUNCTUATION_PATTERN;
  if (/[^imsu]/.test(flags) || UNTRANSLATABLE.test(pattern.source)) return null;
  return `(?a${flags.replace("u", "")})${pattern.source}`;
}
