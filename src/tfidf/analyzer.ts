/**
 * Turns a document into its word tokens, as scikit-learn's `build_analyzer()` does before
 * n-grams: lowercase, strip accents, find tokens, drop stop words. Two forms share these steps:
 * {@link createAnalyzer} returns strings (for people and tests), {@link createTokenIds} returns
 * table ids without allocating a string per known token (for fitting and predicting).
 *
 * @module
 */
import type { ResolvedVectorizerOptions } from "./options.js";
import type { IntBuffer } from "./buffers.js";
import { ENGLISH_STOP_WORDS } from "./stop-words.js";
import { TokenTable } from "./token-table.js";
import { bmpWordChars, isAstralWordChar, stripAccentsAscii, stripAccentsUnicode } from "./unicode.js";

/** Fills `out` with the tokens of `text` (after preprocessing and stop-word removal) and returns it. */
export type Analyzer = (text: string, out: string[]) => string[];

/** Receives each token as a range of the preprocessed document, with its {@link TokenTable.hash}. */
type Emit = (doc: string, start: number, end: number, hash: number) => void;

/**
 * Calls `emit` for each maximal run of word characters at least two code points long: exactly the
 * matches of `re.findall(r"(?u)\b\w\w+\b", doc)`, without a regex engine on the hot path.
 */
function scanWordTokens(doc: string, words: Uint8Array, emit: Emit): void {
  const n = doc.length;
  let start = -1;
  let codePoints = 0;
  let hash = 0;
  for (let i = 0; i < n; i++) {
    const c = doc.charCodeAt(i);
    let word: boolean;
    let width = 1;
    if (c < 0xd800 || c > 0xdfff) {
      word = words[c] === 1;
    } else if (c <= 0xdbff && i + 1 < n) {
      const d = doc.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        width = 2;
        word = isAstralWordChar(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
      } else word = false;
    } else word = false;
    if (word) {
      if (start < 0) {
        start = i;
        codePoints = 0;
        hash = 0x811c9dc5 | 0;
      }
      codePoints++;
      hash = Math.imul(hash ^ c, 0x01000193);
      if (width === 2) hash = Math.imul(hash ^ doc.charCodeAt(i + 1), 0x01000193);
    } else if (start >= 0) {
      if (codePoints >= 2) emit(doc, start, i, hash);
      start = -1;
    }
    i += width - 1;
  }
  if (start >= 0 && codePoints >= 2) emit(doc, start, n, hash);
}

/** Lowercasing and accent stripping, in scikit-learn's order (lowercase first). */
function createPreprocessor(options: ResolvedVectorizerOptions): (text: string) => string {
  const { lowercase, stripAccents } = options;
  const strip = stripAccents === "unicode" ? stripAccentsUnicode : stripAccents === "ascii" ? stripAccentsAscii : null;
  return (text) => {
    const doc = lowercase ? text.toLowerCase() : text;
    return strip ? strip(doc) : doc;
  };
}

/** Runs the configured token finder (the default scanner or the custom pattern) over a preprocessed doc. */
function createTokenFinder(options: ResolvedVectorizerOptions): (doc: string, emit: Emit) => void {
  if (options.tokenPattern) {
    const pattern = new RegExp(options.tokenPattern.source, options.tokenPattern.flags);
    return (doc, emit) => {
      for (const m of doc.matchAll(pattern)) {
        const token = m.length > 1 ? (m[1] ?? "") : m[0];
        emit(token, 0, token.length, TokenTable.hash(token));
      }
    };
  }
  const words = bmpWordChars();
  return (doc, emit) => scanWordTokens(doc, words, emit);
}

/** The stop words of resolved options (empty when none). */
export function stopWordsOf(options: ResolvedVectorizerOptions): readonly string[] {
  return (options.stopWordsName === "english" ? ENGLISH_STOP_WORDS : options.stopWords) ?? [];
}

/**
 * Builds the string analyzer for resolved vectorizer options.
 *
 * @example
 * ```ts
 * const analyze = createAnalyzer(resolveVectorizerOptions({ stopWords: "english" }));
 * analyze("The café is GREAT!", []); // ["café", "great"]
 * ```
 */
export function createAnalyzer(options: ResolvedVectorizerOptions): Analyzer {
  const preprocess = createPreprocessor(options);
  const find = createTokenFinder(options);
  const stop = new Set(stopWordsOf(options));
  return (text, out) => {
    out.length = 0;
    find(preprocess(text), (doc, start, end) => {
      const token = start === 0 && end === doc.length ? doc : doc.slice(start, end);
      if (!stop.has(token)) out.push(token);
    });
    return out;
  };
}

/** The id a {@link TokenTable} holds for a stop word: such tokens are dropped. */
export const STOP_TOKEN = -2;
/** The id returned for a token that is not in the table (and is not added). */
export const UNKNOWN_TOKEN = -1;

/**
 * Tokenizes into ids of `table`. Stop words must be in the table with {@link STOP_TOKEN}; they are
 * dropped. An unknown token gets `onNew(token)` when given (which must add it), else
 * {@link UNKNOWN_TOKEN}. Returns the number of ids written to `out` (which is cleared first).
 */
export type TokenIds = (text: string, out: IntBuffer, onNew?: (token: string, hash: number) => number) => number;

/** Builds the id tokenizer for resolved options over `table` (stop words are added to it here). */
export function createTokenIds(options: ResolvedVectorizerOptions, table: TokenTable): TokenIds {
  for (const w of stopWordsOf(options)) if (table.get(w) === UNKNOWN_TOKEN) table.add(w, STOP_TOKEN);
  const preprocess = createPreprocessor(options);
  const find = createTokenFinder(options);
  let out: IntBuffer;
  let onNew: ((token: string, hash: number) => number) | undefined;
  const emit: Emit = (doc, start, end, hash) => {
    let id = table.find(doc, start, end, hash, UNKNOWN_TOKEN);
    if (id === UNKNOWN_TOKEN && onNew) id = onNew(start === 0 && end === doc.length ? doc : doc.slice(start, end), hash);
    if (id !== STOP_TOKEN) out.push(id);
  };
  return (text, buffer, create) => {
    out = buffer;
    out.length = 0;
    onNew = create;
    find(preprocess(text), emit);
    return out.length;
  };
}
