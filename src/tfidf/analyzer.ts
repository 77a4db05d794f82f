/**
 * Turns a document into its word tokens, as scikit-learn's `build_analyzer()` does before
 * n-grams: lowercase, strip accents, find tokens, drop stop words. (Character n-grams are in
 * char-ngrams.ts; {@link createAnalyzer} dispatches to them.) {@link createTokenIds} returns
 * table ids without allocating a string per known token (for fitting and predicting);
 * {@link createAnalyzer} returns strings, built on the same path.
 *
 * @module
 */
import type { ResolvedVectorizerOptions } from "./options.js";
import { IntBuffer } from "./buffers.js";
import { createCharAnalyzer, isCharAnalyzer } from "./char-ngrams.js";
import { ENGLISH_STOP_WORDS } from "./stop-words.js";
import { ownCopy, PUNCTUATION_TOKENS_SOURCE, TokenTable } from "./token-table.js";
import { bmpWordChars, stripAccentsAscii, stripAccentsUnicode } from "./unicode.js";

/**
 * Fills `out` with the tokens of `text` (after preprocessing and stop-word removal) and returns it.
 *
 * @example
 * ```ts
 * const analyze: Analyzer = createAnalyzer(resolveVectorizerOptions({ stopWords: "english" }));
 * analyze("The Good movie", []); // ["good", "movie"]
 * ```
 */
export type Analyzer = (text: string, out: string[]) => string[];

/**
 * Lowercasing and accent stripping, in scikit-learn's order (lowercase first): what every
 * analyzer does before it finds tokens or character n-grams.
 *
 * @example
 * ```ts
 * createPreprocessor(resolveVectorizerOptions({ stripAccents: "unicode" }))("Café"); // "cafe"
 * ```
 */
export function createPreprocessor(options: ResolvedVectorizerOptions): (text: string) => string {
  const { lowercase, stripAccents } = options;
  const strip = stripAccents === "unicode" ? stripAccentsUnicode : stripAccents === "ascii" ? stripAccentsAscii : null;
  return (text) => {
    const doc = lowercase ? text.toLowerCase() : text;
    return strip ? strip(doc) : doc;
  };
}

/**
 * The stop words of resolved options (empty when none).
 *
 * @example
 * ```ts
 * stopWordsOf(resolveVectorizerOptions({ stopWords: ["the", "a"] })); // ["the", "a"]
 * stopWordsOf(resolveVectorizerOptions()); // []
 * ```
 */
export function stopWordsOf(options: ResolvedVectorizerOptions): readonly string[] {
  return (options.stopWordsName === "english" ? ENGLISH_STOP_WORDS : options.stopWords) ?? [];
}

/**
 * The id a {@link TokenTable} holds for a stop word: such tokens are dropped.
 *
 * @example
 * ```ts
 * table.add("the", STOP_TOKEN); // "the" is now dropped by createTokenIds
 * ```
 */
export const STOP_TOKEN = -2;
/**
 * The id returned for a token that is not in the table (and is not added).
 *
 * @example
 * ```ts
 * new TokenTable().get("unseen"); // UNKNOWN_TOKEN (-1)
 * ```
 */
export const UNKNOWN_TOKEN = -1;

/**
 * Tokenizes into ids of `table`. Stop words must be in the table with {@link STOP_TOKEN}; they are
 * dropped. An unknown token gets `onNew(token)` when given (which must add it), else
 * {@link UNKNOWN_TOKEN}. Returns the number of ids written to `out` (which is cleared first).
 *
 * @example
 * ```ts
 * const tokenIds: TokenIds = createTokenIds(resolveVectorizerOptions(), table);
 * const n = tokenIds("a good movie", out); // ids of "good" and "movie" in out.data[0..n)
 * ```
 */
export type TokenIds = (text: string, out: IntBuffer, onNew?: (token: string, hash: number) => number) => number;

/** True for the presets' punctuation pattern (flags `u`, plus the `g` that resolving adds), which has a scanner. */
function isPunctuationTokens(pattern: ResolvedVectorizerOptions["tokenPattern"]): boolean {
  return pattern !== null && pattern.source === PUNCTUATION_TOKENS_SOURCE && pattern.flags.replace("g", "") === "u";
}

/**
 * Builds the id tokenizer for resolved options over `table` (stop words are added to it here).
 *
 * @example
 * ```ts
 * const table = new TokenTable();
 * const tokenIds = createTokenIds(resolveVectorizerOptions({ stopWords: "english" }), table);
 * const out = new IntBuffer();
 * tokenIds("the best film", out, (token, hash) => { const id = table.size; table.add(token, id, hash); return id; });
 * ```
 */
export function createTokenIds(options: ResolvedVectorizerOptions, table: TokenTable): TokenIds {
  for (const w of stopWordsOf(options)) if (table.get(w) === UNKNOWN_TOKEN) table.add(w, STOP_TOKEN);
  const preprocess = createPreprocessor(options);
  if (isPunctuationTokens(options.tokenPattern)) {
    const words = bmpWordChars();
    return (text, out, onNew) => {
      out.length = 0;
      table.scanPunctuation(preprocess(text), words, out, UNKNOWN_TOKEN, STOP_TOKEN, onNew);
      return out.length;
    };
  }
  if (options.tokenPattern) {
    const pattern = new RegExp(options.tokenPattern.source, options.tokenPattern.flags);
    return (text, out, onNew) => {
      out.length = 0;
      for (const m of preprocess(text).matchAll(pattern)) {
        const token = m.length > 1 ? (m[1] ?? "") : m[0];
        const hash = TokenTable.hash(token);
        let id = table.find(token, 0, token.length, hash, UNKNOWN_TOKEN);
        if (id === UNKNOWN_TOKEN && onNew) id = onNew(ownCopy(token), hash);
        if (id !== STOP_TOKEN) out.push(id);
      }
      return out.length;
    };
  }
  const words = bmpWordChars();
  return (text, out, onNew) => {
    out.length = 0;
    table.scanWords(preprocess(text), words, out, UNKNOWN_TOKEN, STOP_TOKEN, onNew);
    return out.length;
  };
}

/**
 * Builds the string analyzer for resolved vectorizer options: the word tokens of a text (before
 * n-grams), or with a char analyzer its character n-grams (scikit-learn's `build_analyzer()`).
 * Not a hot path; the word analyzer shares the id tokenizer so that both always agree.
 *
 * @example
 * ```ts
 * const analyze = createAnalyzer(resolveVectorizerOptions({ stopWords: "english" }));
 * analyze("The café is GREAT!", []); // ["café", "great"]
 * createAnalyzer(resolveVectorizerOptions({ analyzer: "char", ngramRange: [2, 2] }))("abc", []); // ["ab", "bc"]
 * ```
 */
export function createAnalyzer(options: ResolvedVectorizerOptions): Analyzer {
  if (isCharAnalyzer(options)) return createCharAnalyzer(options, createPreprocessor(options));
  return (text, out) => {
    // A fresh table per call, so that analyzing many texts does not grow memory.
    const table = new TokenTable(64);
    const tokenIds = createTokenIds(options, table);
    const strings: string[] = [];
    const ids = new IntBuffer(64);
    const n = tokenIds(text, ids, (token, hash) => {
      table.add(token, strings.length, hash);
      return strings.push(token) - 1;
    });
    out.length = 0;
    for (let i = 0; i < n; i++) out.push(strings[ids.data[i]!]!);
    return out;
  };
}
