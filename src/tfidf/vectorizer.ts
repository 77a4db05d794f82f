/**
 * The TF-IDF vectorizer: scikit-learn's `TfidfVectorizer` on sparse typed arrays, with its word,
 * char and char_wb analyzers (character n-grams: char-ngrams.ts).
 *
 * Fitting counts word n-grams by integer id — an n-gram is (id of its first n−1 words, id of its
 * last word) in a {@link PairTable} — so only the n-grams that survive `minDf`/`maxDf`/
 * `maxFeatures` are ever turned into strings. The vocabulary is sorted by code point, as Python
 * sorts it, so feature i here is feature i in scikit-learn. Character n-grams are the same
 * structure with single characters (code points) as the "words", joined without a space, so the
 * counting, merging, sorting and pruning serve both; the analyzer is chosen once per fitter and
 * per index, never per token. Fitting itself is in vectorizer-fit.ts (pages that only load and
 * score models do not carry it); this module holds the ids, the fitted vectorizer and prediction.
 *
 * @module
 */
import { log } from "../evaluation/deterministic-math.js";
import { createAnalyzer, createPreprocessor, createTokenIds, UNKNOWN_TOKEN, type Analyzer } from "./analyzer.js";
import { createCharIds, isCharAnalyzer, SEGMENT_END } from "./char-ngrams.js";
import { sortRowIndices, type CsrMatrix } from "./csr.js";
import type { ResolvedVectorizerOptions } from "./options.js";
import { FloatBuffer, IntBuffer } from "./buffers.js";
import { PairTable } from "./pair-table.js";
import { TokenTable } from "./token-table.js";

/**
 * Ids for word n-grams: a word's id comes from a {@link TokenTable}, an n-gram's from the pair
 * (id of its first n−1 words, id of its last word). For character n-grams the "words" are
 * characters and `joiner` is empty.
 *
 * @example
 * ```ts
 * const ids = new GramIds();
 * const bigram = ids.extend(ids.word("good"), ids.word("movie"));
 * ids.text(bigram); // "good movie"
 * ```
 */
export class GramIds {
  constructor(readonly joiner = " ") {}

  readonly words = new TokenTable(1 << 14);
  readonly pairs = new PairTable(1 << 16);
  /** For each id: the id of its first n−1 words (−1 for words), its last word, and n. */
  prefix = new Int32Array(1 << 16);
  last = new Int32Array(1 << 16);
  order = new Uint8Array(1 << 16);
  wordText: string[] = [];
  count = 0;

  #newId(prefix: number, last: number, order: number): number {
    const id = this.count++;
    if (id === this.prefix.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.prefix = grow(this.prefix);
      this.last = grow(this.last);
      this.order = grow(this.order);
    }
    this.prefix[id] = prefix;
    this.last[id] = last < 0 ? id : last;
    this.order[id] = order;
    return id;
  }

  /** Adds a word that is not in the table yet and returns its id. */
  addWord(text: string, hash = TokenTable.hash(text)): number {
    const id = this.#newId(-1, -1, 1);
    this.words.add(text, id, hash);
    this.wordText[id] = text;
    return id;
  }

  word(text: string): number {
    const id = this.words.get(text, UNKNOWN_TOKEN);
    return id === UNKNOWN_TOKEN ? this.addWord(text) : id;
  }

  extend(prefix: number, word: number): number {
    const id = this.pairs.getOrSet(prefix, word, this.count);
    if (id === this.count) this.#newId(prefix, word, this.order[prefix]! + 1);
    return id;
  }

  text(id: number): string {
    const p = this.prefix[id]!;
    return p < 0 ? this.wordText[id]! : `${this.text(p)}${this.joiner}${this.wordText[this.last[id]!]!}`;
  }
}

/** 1 + log(n) for the counts n < 256 (the same bits as computing it), for sublinear tf: weighRow gets the integer counts of RowCounter. */
const SUBLINEAR_TF = Float64Array.from({ length: 256 }, (_, n) => log(n) + 1);

/**
 * Turns one row's counts into TF-IDF values in place: binary/sublinear tf, idf, normalization. The
 * idf of column c is `idf[c * idfStride]` (a stride above 1 when the idf is interleaved with other
 * per-column numbers, see {@link TfidfVectorizer.forEachRow}).
 *
 * @example
 * ```ts
 * const data = Float64Array.of(2, 1);
 * weighRow(Int32Array.of(0, 1), data, 0, 2, null, resolveVectorizerOptions({ sublinearTf: true })); // data: l2-normalized 1 + ln 2, 1
 * ```
 */
export function weighRow(
  indices: Int32Array,
  data: Float64Array,
  start: number,
  end: number,
  idf: Float64Array | null,
  options: ResolvedVectorizerOptions,
  idfStride = 1,
): void {
  const { binary, sublinearTf, norm } = options;
  let total = 0;
  for (let k = start; k < end; k++) {
    let v = binary ? 1 : data[k]!;
    if (sublinearTf && v !== 1) v = v < 256 ? SUBLINEAR_TF[v]! : log(v) + 1;
    if (idf) v *= idf[indices[k]! * idfStride]!;
    data[k] = v;
    total += norm === "l1" ? Math.abs(v) : v * v;
  }
  if (norm === null || total === 0) return;
  const scale = norm === "l2" ? Math.sqrt(total) : total;
  for (let k = start; k < end; k++) data[k]! /= scale;
}

/**
 * Merges repeated columns of one row into counts: reads `columns[from..to)`, writes the unique
 * columns (in first-seen order) and their counts at `indices/data[at..]`, returns the new end. The
 * table is a row-sized hash (slots tagged per row, so it is never cleared between rows): a review's
 * few hundred columns stay in the CPU's first-level cache, where a vocabulary-sized table
 * (megabytes for bigram vocabularies) missed it on most lookups.
 *
 * @example
 * ```ts
 * const indices = new Int32Array(4), data = new Float64Array(4);
 * new RowCounter().count(Int32Array.of(7, 3, 7), 0, 3, indices, data, 0); // 2: indices [7, 3], data [2, 1]
 * ```
 */
export class RowCounter {
  /** Slots of three ints: the row tag that owns it, its column, the column's position in the row. */
  #slots = new Int32Array(3 * 1024);
  #mask = 1023;
  /** 32 − log2(slots): a column's slot is the top bits of its multiplicative hash. */
  #shift = 22;
  #tag = 0;

  count(columns: Int32Array, from: number, to: number, indices: Int32Array, data: Float64Array, at: number): number {
    const needed = 2 * (to - from);
    if (needed > this.#mask + 1) {
      let size = this.#mask + 1;
      while (size < needed) {
        size *= 2;
        this.#shift--;
      }
      this.#slots = new Int32Array(3 * size);
      this.#mask = size - 1;
      this.#tag = 0;
    }
    if (this.#tag === 0x7fffffff) {
      this.#slots.fill(0);
      this.#tag = 0;
    }
    const tag = ++this.#tag;
    const slots = this.#slots;
    const mask = this.#mask;
    const shift = this.#shift;
    let end = at;
    for (let k = from; k < to; k++) {
      const c = columns[k]!;
      let h = Math.imul(c, 0x9e3779b1) >>> shift;
      for (;;) {
        const slot = 3 * h;
        if (slots[slot] !== tag) {
          slots[slot] = tag;
          slots[slot + 1] = c;
          slots[slot + 2] = end;
          indices[end] = c;
          data[end++] = 1;
          break;
        }
        if (slots[slot + 1] === c) {
          data[slots[slot + 2]!]!++;
          break;
        }
        h = (h + 1) & mask;
      }
    }
    return end;
  }
}

/** Maps documents to feature columns, for a fixed vocabulary. */
interface ColumnIndex {
  /** Appends the feature columns of one document to `out` (repeats kept). */
  collect(text: string, out: IntBuffer): void;
}

/**
 * Maps documents to feature columns, for a fixed vocabulary: word n-grams over token ids, or
 * character n-grams over character ids within segments, plus char_wb's padded words shorter than
 * every n. Both walks are one loop: token ids are never {@link SEGMENT_END}, and `shortWords` is
 * false for words.
 *
 * Ids are numbered so that an n-gram's id is its column (`id < features`); n-grams the vocabulary
 * holds only as prefixes of longer ones come after. A lookup per n-gram in a column table of
 * megabytes (bigram vocabularies) missed the CPU's caches most of the time on the prediction path.
 *
 * @example
 * ```ts
 * const index = FeatureIndex.fromVocabulary(["good", "good movie", "movie"], resolveVectorizerOptions({ ngramRange: [1, 2] }));
 * const out = new IntBuffer();
 * index.collect("Good movie", out); // out.view(): [0, 1, 2]
 * ```
 */
export class FeatureIndex implements ColumnIndex {
  readonly #pairs: PairTable;
  /** Writes the token (or character) ids of a document to `out`, −1 for unknown ones. */
  readonly #unitIds: (text: string, out: IntBuffer) => unknown;
  readonly #features: number;
  readonly #minN: number;
  readonly #maxN: number;
  readonly #shortWords: boolean;
  readonly #units = new IntBuffer(1024);

  private constructor(options: ResolvedVectorizerOptions, ids: GramIds, column: Int32Array, features: number) {
    [this.#minN, this.#maxN] = options.ngramRange;
    this.#shortWords = options.analyzer === "char_wb" && this.#minN > 3;
    // Renumber: column c's n-gram gets id c, prefix-only n-grams the ids after the vocabulary.
    this.#features = features;
    const id = new Int32Array(ids.count);
    let next = features;
    for (let old = 0; old < ids.count; old++) id[old] = column[old]! >= 0 ? column[old]! : next++;
    const words = new TokenTable(1 << 14);
    const pairs = new PairTable(Math.max(1024, ids.pairs.size));
    for (let old = 0; old < ids.count; old++) {
      const prefix = ids.prefix[old]!;
      if (prefix < 0) words.add(ids.wordText[old]!, id[old]!);
      else pairs.getOrSet(id[prefix]!, id[ids.last[old]!]!, id[old]!);
    }
    this.#pairs = pairs;
    this.#unitIds = isCharAnalyzer(options) ? createCharIds(options, words, createPreprocessor(options)) : createTokenIds(options, words);
  }

  /** Builds the index of a vocabulary (e.g. one read from a model file). */
  static fromVocabulary(vocabulary: readonly string[], options: ResolvedVectorizerOptions): FeatureIndex {
    const chars = isCharAnalyzer(options);
    const ids = new GramIds(chars ? "" : " ");
    const maxN = options.ngramRange[1];
    const columns: number[] = [];
    vocabulary.forEach((term, col) => {
      // A char n-gram's units are its characters (code points). Tokens never contain a space when
      // n > 1 (fitting refuses such tokens), so the split of a word n-gram is exact.
      const units: Iterable<string> = chars ? term : maxN === 1 ? [term] : term.split(" ");
      let id = -1;
      for (const unit of units) id = id < 0 ? ids.word(unit) : ids.extend(id, ids.word(unit));
      if (id >= 0) columns[id] = col;
    });
    const column = new Int32Array(ids.count).fill(-1);
    columns.forEach((col, id) => (column[id] = col));
    return new FeatureIndex(options, ids, column, vocabulary.length);
  }

  /** Builds the index of n-gram ids whose columns are `column` (−1 for prefix-only n-grams). */
  static fromIds(options: ResolvedVectorizerOptions, ids: GramIds, column: Int32Array, features: number): FeatureIndex {
    return new FeatureIndex(options, ids, column, features);
  }

  /** Appends the feature columns of one document to `out` (repeats kept). */
  collect(text: string, out: IntBuffer): void {
    const minN = this.#minN;
    const maxN = this.#maxN;
    const shortWords = this.#shortWords;
    const pairs = this.#pairs;
    const features = this.#features;
    this.#unitIds(text, this.#units);
    const n = this.#units.length;
    const unit = this.#units.data;
    for (let i = 0; i < n; i++) {
      let id = unit[i]!;
      if (id < 0) continue;
      if (minN === 1 && id < features) out.push(id);
      for (let k = 2; k <= maxN && i + k <= n; k++) {
        const next = unit[i + k - 1]!;
        if (next < 0) break;
        id = pairs.get(id, next);
        if (id < 0) break;
        if (k >= minN) {
          if (id < features) out.push(id);
        } else if (shortWords && unit[i + k] === SEGMENT_END && (i === 0 || unit[i - 1] === SEGMENT_END) && id < features) {
          out.push(id); // a whole padded word shorter than minN
        }
      }
    }
  }
}

/**
 * Serializable state of a fitted vectorizer.
 *
 * @example
 * ```ts
 * const state: TfidfVectorizerState = { options: resolveVectorizerOptions(), vocabulary: ["bad", "good"], idf: Float64Array.of(1.4, 1.4) };
 * const vectorizer = new TfidfVectorizer(state);
 * ```
 */
export interface TfidfVectorizerState {
  readonly options: ResolvedVectorizerOptions;
  readonly vocabulary: readonly string[];
  /** Inverse document frequency per feature, or null when `useIdf` is false. */
  readonly idf: Float64Array | null;
}

/**
 * Receives one document's features: `indices[0..length)` (unsorted) with TF-IDF values `data[0..length)`.
 *
 * @example
 * ```ts
 * const visit: RowVisitor = (row, indices, data, length) => console.log(row, indices.subarray(0, length), data.subarray(0, length));
 * vectorizer.forEachRow(["good movie"], visit);
 * ```
 */
export type RowVisitor = (row: number, indices: Int32Array, data: Float64Array, length: number) => void;

/** What {@link TfidfVectorizer.forEachRow} reuses between rows and calls. */
class RowScratch {
  readonly columns = new IntBuffer(1024);
  readonly counter = new RowCounter();
  indices = new Int32Array(1024);
  data = new Float64Array(1024);
}

/**
 * A fitted TF-IDF vectorizer.
 *
 * @example
 * ```ts
 * const { vectorizer } = fitTfidfVectorizer(["good movie", "bad movie"], { ngramRange: [1, 2] }); // from senti-mlops/tfidf
 * vectorizer.vocabulary; // ["bad", "bad movie", "good", "good movie", "movie"]
 * vectorizer.transform(["a good one"]).indices; // Int32Array [2]
 * ```
 */
export class TfidfVectorizer implements TfidfVectorizerState {
  readonly options: ResolvedVectorizerOptions;
  readonly vocabulary: readonly string[];
  readonly idf: Float64Array | null;
  #analyzer: Analyzer | undefined;
  readonly #index: ColumnIndex;

  /**
   * Builds a vectorizer from fitted state; its lookup index is built here, so transforms start at
   * once. Options without `analyzer` (model files written before char analyzers) mean `"word"`.
   */
  constructor(state: TfidfVectorizerState, index?: ColumnIndex) {
    this.options = state.options.analyzer === undefined ? Object.freeze({ ...state.options, analyzer: "word" }) : state.options;
    this.vocabulary = state.vocabulary;
    this.idf = state.idf;
    this.#index = index ?? FeatureIndex.fromVocabulary(this.vocabulary, this.options);
  }

  /** Number of features (columns). */
  get size(): number {
    return this.vocabulary.length;
  }

  /**
   * The tokens of `text` after lowercasing, accent stripping and stop words (before n-grams); with
   * a char analyzer, its character n-grams in scikit-learn's order (what `build_analyzer()` gives).
   *
   * @example
   * ```ts
   * vectorizer.analyze("Don't stop!"); // ["don", "stop"]
   * ```
   */
  analyze(text: string): string[] {
    return (this.#analyzer ??= createAnalyzer(this.options))(text, []);
  }

  /**
   * Visits the TF-IDF row of each text without building a matrix (the prediction path).
   * The arrays passed to `visit` are reused between rows.
   *
   * `idf` and `idfStride` let a caller pass this vectorizer's idf interleaved with its own
   * per-column numbers (column c's idf at `idf[c * idfStride]`): `TfidfModel` puts each column's
   * idf beside its weights, so that a row's lookups touch one cache line per column, not two.
   *
   * @example
   * ```ts
   * vectorizer.forEachRow(["good movie"], (row, indices, data, length) => console.log(indices.subarray(0, length)));
   * ```
   */
  forEachRow(texts: readonly string[], visit: RowVisitor, idf: Float64Array | null = this.idf, idfStride = 1): void {
    // The scratch is kept across calls (allocating it per call showed in one-review predictions);
    // a nested call (from inside `visit`) gets its own.
    const nested = this.#scratchInUse;
    const scratch = nested ? new RowScratch() : (this.#scratch ??= new RowScratch());
    this.#scratchInUse = true;
    try {
      this.#eachRow(texts, visit, scratch, idf, idfStride);
    } finally {
      if (!nested) this.#scratchInUse = false;
    }
  }

  #scratch: RowScratch | undefined;
  #scratchInUse = false;

  #eachRow(texts: readonly string[], visit: RowVisitor, scratch: RowScratch, idf: Float64Array | null, idfStride: number): void {
    const { columns, counter } = scratch;
    for (let r = 0; r < texts.length; r++) {
      columns.length = 0;
      this.#index.collect(texts[r]!, columns);
      if (columns.length > scratch.indices.length) {
        scratch.indices = new Int32Array(columns.length * 2);
        scratch.data = new Float64Array(columns.length * 2);
      }
      const { indices, data } = scratch;
      const length = counter.count(columns.data, 0, columns.length, indices, data, 0);
      weighRow(indices, data, 0, length, idf, this.options, idfStride);
      visit(r, indices, data, length);
    }
  }

  /** The TF-IDF matrix of `texts` over this vocabulary (unknown terms are ignored); rows are sorted. */
  transform(texts: readonly string[]): CsrMatrix {
    const indptr = new Int32Array(texts.length + 1);
    const indices = new IntBuffer(1 << 16);
    const values = new FloatBuffer(1 << 16);
    this.forEachRow(texts, (r, idx, val, length) => {
      const at = indices.length;
      indices.reserve(at + length);
      values.reserve(at + length);
      indices.data.set(idx.subarray(0, length), at);
      values.data.set(val.subarray(0, length), at);
      indices.length = values.length = indptr[r + 1] = at + length;
    });
    return sortRowIndices({
      rows: texts.length,
      cols: this.vocabulary.length,
      indptr,
      indices: indices.data.slice(0, indices.length),
      data: values.data.slice(0, values.length),
    });
  }
}

