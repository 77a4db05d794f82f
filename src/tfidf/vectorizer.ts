/**
 * The TF-IDF vectorizer: scikit-learn's `TfidfVectorizer` on sparse typed arrays, with its word,
 * char and char_wb analyzers (character n-grams: char-ngrams.ts).
 *
 * Fitting counts word n-grams by integer id — an n-gram is (id of its first n−1 words, id of its
 * last word) in a {@link PairTable} — so only the n-grams that survive `minDf`/`maxDf`/
 * `maxFeatures` are ever turned into strings. The vocabulary is sorted by code point, as Python
 * sorts it, so feature i here is feature i in scikit-learn. Character n-grams are the same
 * structure with single characters (code points) as the "words", joined without a space, so the
 * counting, merging, sorting and pruning below serve both; the analyzer is chosen once per
 * fitter and per index, never per token.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import { log } from "../evaluation/deterministic-math.js";
import { createAnalyzer, createPreprocessor, createTokenIds, UNKNOWN_TOKEN, type Analyzer, type TokenIds } from "./analyzer.js";
import { createCharIds, isCharAnalyzer, SEGMENT_END } from "./char-ngrams.js";
import { sortRowIndices, type CsrMatrix } from "./csr.js";
import { resolveVectorizerOptions, type ResolvedVectorizerOptions, type TfidfVectorizerOptions } from "./options.js";
import { FloatBuffer, IntBuffer } from "./buffers.js";
import { PairTable } from "./pair-table.js";
import { TokenTable } from "./token-table.js";
import { compareCodePoints } from "./unicode.js";

/**
 * Ids for word n-grams: a word's id comes from a {@link TokenTable}, an n-gram's from the pair
 * (id of its first n−1 words, id of its last word). For character n-grams the "words" are
 * characters and `joiner` is empty.
 */
class GramIds {
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

/** 1 + log(n) for the counts n < 256 (the same bits as computing it), for sublinear tf: weighRow gets the integer counts of countRow. */
const SUBLINEAR_TF = Float64Array.from({ length: 256 }, (_, n) => log(n) + 1);

/** Turns one row's counts into TF-IDF values in place: binary/sublinear tf, idf, normalization. */
function weighRow(
  indices: Int32Array,
  data: Float64Array,
  start: number,
  end: number,
  idf: Float64Array | null,
  options: ResolvedVectorizerOptions,
): void {
  const { binary, sublinearTf, norm } = options;
  let total = 0;
  for (let k = start; k < end; k++) {
    let v = binary ? 1 : data[k]!;
    if (sublinearTf && v !== 1) v = v < 256 ? SUBLINEAR_TF[v]! : log(v) + 1;
    if (idf) v *= idf[indices[k]!]!;
    data[k] = v;
    total += norm === "l1" ? Math.abs(v) : v * v;
  }
  if (norm === null || total === 0) return;
  const scale = norm === "l2" ? Math.sqrt(total) : total;
  for (let k = start; k < end; k++) data[k]! /= scale;
}

/**
 * Merges repeated columns of one row into counts: reads `columns[from..to)`, writes unique columns
 * and their counts at `indices/data[at..]`, returns the new end. `seen` is per-column scratch of
 * two ints side by side (one cache line per lookup): `seen[2c] === tag` means column c was seen
 * in this row, at position `seen[2c + 1]`. Every row needs a tag no earlier row used (and never 0):
 * then `seen` needs filling with zeros only once.
 */
function countRow(
  columns: Int32Array,
  from: number,
  to: number,
  tag: number,
  seen: Int32Array,
  indices: Int32Array,
  data: Float64Array,
  at: number,
): number {
  let end = at;
  for (let k = from; k < to; k++) {
    const c = columns[k]!;
    if (seen[2 * c] === tag) {
      data[seen[2 * c + 1]!]!++;
    } else {
      seen[2 * c] = tag;
      seen[2 * c + 1] = end;
      indices[end] = c;
      data[end++] = 1;
    }
  }
  return end;
}

/**
 * Merges repeated columns of one row into counts, as {@link countRow} does (the same output, in the
 * same first-seen order), with a row-sized hash table instead of a vocabulary-sized array: a
 * review's few hundred columns then stay in the CPU's first-level cache, where a lookup per column
 * in a table of megabytes (bigram vocabularies) missed it most of the time. The prediction path's
 * counter; fitting keeps {@link countRow}, whose table it fills once for all rows.
 */
class RowCounter {
  /** Slots of three ints: the row tag that owns it, its column, the column's position in the row. */
  #slots = new Int32Array(3 * 1024);
  #mask = 1023;
  #tag = 0;

  count(columns: Int32Array, from: number, to: number, indices: Int32Array, data: Float64Array): number {
    const needed = 2 * (to - from);
    if (needed > this.#mask + 1) {
      let size = this.#mask + 1;
      while (size < needed) size *= 2;
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
    let end = 0;
    for (let k = from; k < to; k++) {
      const c = columns[k]!;
      let h = Math.imul(c, 0x9e3779b1) >>> 20 & mask;
      for (;;) {
        const at = 3 * h;
        if (slots[at] !== tag) {
          slots[at] = tag;
          slots[at + 1] = c;
          slots[at + 2] = end;
          indices[end] = c;
          data[end++] = 1;
          break;
        }
        if (slots[at + 1] === c) {
          data[slots[at + 2]!]!++;
          break;
        }
        h = (h + 1) & mask;
      }
    }
    return end;
  }
}

/**
 * Orders n-gram ids as their joined texts sort by code point, without building or comparing those
 * texts: rank the words, then radix-sort the rank tuples from the last word to the first (shorter
 * n-grams first on ties). Valid when every character of every token sorts above " ", which holds
 * for the default token pattern (word characters only), and for character n-grams (nothing joins
 * them: a string's code points are its rank tuple).
 */
function sortByWordRanks(ids: GramIds, grams: number[], maxN: number): number[] {
  const words: number[] = [];
  for (let id = 0; id < ids.count; id++) if (ids.prefix[id]! < 0) words.push(id);
  const astral = words.some((id) => /[\ud800-\udfff]/.test(ids.wordText[id]!));
  words.sort(astral ? (a, b) => compareCodePoints(ids.wordText[a]!, ids.wordText[b]!) : (a, b) => (ids.wordText[a]! < ids.wordText[b]! ? -1 : 1));
  const rank = new Int32Array(ids.count);
  words.forEach((id, r) => (rank[id] = r + 1));
  // key[g * maxN + p] = rank of the p-th word of gram g (1-based), 0 past its end.
  const n = grams.length;
  const key = new Int32Array(n * maxN);
  for (let g = 0; g < n; g++) {
    let id = grams[g]!;
    for (let p = ids.order[id]! - 1; p >= 0; p--) {
      key[g * maxN + p] = rank[ids.last[id]!]!;
      id = ids.prefix[id]!;
    }
  }
  let order = Int32Array.from({ length: n }, (_, i) => i);
  let next = new Int32Array(n);
  const counts = new Int32Array(words.length + 2);
  for (let p = maxN - 1; p >= 0; p--) {
    counts.fill(0);
    for (let g = 0; g < n; g++) counts[key[g * maxN + p]! + 1]!++;
    for (let r = 1; r < counts.length; r++) counts[r]! += counts[r - 1]!;
    for (let i = 0; i < n; i++) {
      const g = order[i]!;
      next[counts[key[g * maxN + p]!]!++] = g;
    }
    [order, next] = [next, order];
  }
  return Array.from(order, (i) => grams[i]!);
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
 */
class FeatureIndex implements ColumnIndex {
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

  /**
   * Builds the index straight from a fit's n-gram ids (`kept[col]` is the fit id of column col),
   * copying only the n-grams the vocabulary needs, without parsing the vocabulary's strings.
   */
  static fromFit(options: ResolvedVectorizerOptions, fit: GramIds, kept: ArrayLike<number>): FeatureIndex {
    const { ids, column } = copyKept(fit, kept);
    return new FeatureIndex(options, ids, column, kept.length);
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
 * Copies the n-grams of a fit that the vocabulary keeps (`kept[col]` is the fit id of column col)
 * and their prefixes into fresh ids; returns them with each id's column (−1 for prefixes).
 */
function copyKept(fit: GramIds, kept: ArrayLike<number>): { ids: GramIds; column: Int32Array } {
  const ids = new GramIds(fit.joiner);
  const map = new Int32Array(fit.count).fill(-1);
  const copy = (old: number): number => {
    let id = map[old]!;
    if (id >= 0) return id;
    const p = fit.prefix[old]!;
    id = p < 0 ? ids.word(fit.wordText[old]!) : ids.extend(copy(p), copy(fit.last[old]!));
    map[old] = id;
    return id;
  };
  const at: number[] = [];
  for (let col = 0; col < kept.length; col++) at[copy(kept[col]!)] = col;
  const column = new Int32Array(ids.count).fill(-1);
  at.forEach((col, id) => (column[id] = col));
  return { ids, column };
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
 * const { vectorizer, matrix } = TfidfVectorizer.fit(["good movie", "bad movie"], { ngramRange: [1, 2] });
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
   * Learns the vocabulary and idf from `texts` and returns the TF-IDF matrix of those texts.
   *
   * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for bad options, or when no term is left.
   */
  static fit(texts: Iterable<string>, options: TfidfVectorizerOptions = {}): { vectorizer: TfidfVectorizer; matrix: CsrMatrix } {
    const fitter = createTfidfFitter(options);
    for (const text of texts) fitter.add(text);
    return fitter.finish();
  }

  /**
   * Visits the TF-IDF row of each text without building a matrix (the prediction path).
   * The arrays passed to `visit` are reused between rows.
   */
  forEachRow(texts: readonly string[], visit: RowVisitor): void {
    // The scratch is kept across calls (allocating it per call showed in one-review predictions);
    // a nested call (from inside `visit`) gets its own.
    const nested = this.#scratchInUse;
    const scratch = nested ? new RowScratch() : (this.#scratch ??= new RowScratch());
    this.#scratchInUse = true;
    try {
      this.#eachRow(texts, visit, scratch);
    } finally {
      if (!nested) this.#scratchInUse = false;
    }
  }

  #scratch: RowScratch | undefined;
  #scratchInUse = false;

  #eachRow(texts: readonly string[], visit: RowVisitor, scratch: RowScratch): void {
    const { columns, counter } = scratch;
    for (let r = 0; r < texts.length; r++) {
      columns.length = 0;
      this.#index.collect(texts[r]!, columns);
      if (columns.length > scratch.indices.length) {
        scratch.indices = new Int32Array(columns.length * 2);
        scratch.data = new Float64Array(columns.length * 2);
      }
      const { indices, data } = scratch;
      const length = counter.count(columns.data, 0, columns.length, indices, data);
      weighRow(indices, data, 0, length, this.idf, this.options);
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

/**
 * The counts of a fitter over some documents, in a form that crosses threads (typed arrays and
 * strings only): what a worker returns after counting its share of a corpus.
 *
 * @example
 * ```ts
 * const counts: FitterCounts = workerFitter.counts(); // posted from a worker thread
 * mainFitter.merge(counts);
 * ```
 */
export interface FitterCounts {
  readonly documents: number;
  /**
   * Per n-gram id: its first n−1 words' id (−1 for a word), its last word's id, n. For character
   * n-grams the "words" are single characters.
   */
  readonly prefix: Int32Array;
  readonly last: Int32Array;
  readonly order: Uint8Array;
  /** The words: their ids and texts. */
  readonly wordIds: Int32Array;
  readonly wordTexts: string[];
  /** Document frequency and total count per n-gram id (totals empty unless maxFeatures is set). */
  readonly df: Int32Array;
  readonly total: Float64Array;
  /** The counted n-gram ids of every document, concatenated, and where each document ends. */
  readonly stream: Int32Array;
  readonly rowEnds: Int32Array;
}

/**
 * Incremental fitting, for data that arrives as a stream.
 *
 * @example
 * ```ts
 * const fitter: TfidfFitter = createTfidfFitter({ minDf: 2 });
 * for await (const { text } of stream) fitter.add(text);
 * fitter.documents; // how many were added
 * ```
 */
export interface TfidfFitter {
  /** Adds one training document. */
  add(text: string): void;
  /** The counts so far, for another fitter to {@link TfidfFitter.merge} (used across threads). */
  counts(): FitterCounts;
  /**
   * Appends documents counted by another fitter with the same options: as if they had been
   * added here, after the documents already added.
   */
  merge(counts: FitterCounts): void;
  /** Number of documents added. */
  readonly documents: number;
  /** The fitter's options, resolved. */
  readonly options: ResolvedVectorizerOptions;
  /**
   * Builds the vocabulary, idf and the TF-IDF matrix of the added documents. With
   * `sortedRows: false` each row keeps its columns in first-occurrence order, which saves a pass
   * when the matrix only feeds the classifier.
   */
  finish(options?: { sortedRows?: boolean }): { vectorizer: TfidfVectorizer; matrix: CsrMatrix };
}

/**
 * Starts an incremental fit; see {@link TfidfVectorizer.fit} for the one-call form.
 *
 * @example
 * ```ts
 * const fitter = createTfidfFitter({ minDf: 2 });
 * for await (const row of rows) fitter.add(row.text);
 * const { vectorizer, matrix } = fitter.finish();
 * ```
 */
export function createTfidfFitter(options: TfidfVectorizerOptions = {}): TfidfFitter {
  return createFitter(resolveVectorizerOptions(options));
}

/**
 * {@link createTfidfFitter} for options already resolved (e.g. sent to a worker thread).
 *
 * @example
 * ```ts
 * const fitter = createFitter(resolveVectorizerOptions({ minDf: 2 }));
 * ```
 */
export function createFitter(resolved: ResolvedVectorizerOptions): TfidfFitter {
  const [minN, maxN] = resolved.ngramRange;
  const chars = isCharAnalyzer(resolved);
  const ids = new GramIds(chars ? "" : " ");
  // Token ids, or character ids with SEGMENT_END between segments; never an unknown id: new ones are added.
  const unitIds = chars ? createCharIds(resolved, ids.words, createPreprocessor(resolved)) : createTokenIds(resolved, ids.words);
  // char_wb counts a padded word shorter than minN (at least 3 characters: " a ") as one n-gram.
  const shortWords = resolved.analyzer === "char_wb" && minN > 3;
  const stream = new IntBuffer(1 << 16);
  const rowEnds = new IntBuffer(1024);
  let df = new Int32Array(1 << 16);
  let lastDoc = new Int32Array(1 << 16).fill(-1);
  const countTotals = resolved.maxFeatures !== null;
  let total = new Float64Array(countTotals ? 1 << 16 : 0);
  const units = new IntBuffer(256);
  const grams = new IntBuffer(256);
  let documents = 0;

  const onNewWord = (token: string, hash: number): number => {
    if (maxN > 1 && token.includes(" ")) {
      throw new SentiMlopsError(
        "NOT_IMPLEMENTED",
        `tokenPattern produced the token ${JSON.stringify(token)}, which contains a space; word n-grams of such tokens are ambiguous`,
        { component: "tfidf" },
      );
    }
    return ids.addWord(token, hash);
  };
  const onNewChar = (character: string, hash: number): number => ids.addWord(character, hash);
  const onNew = chars ? onNewChar : onNewWord;

  const reserve = (id: number): void => {
    if (id >= df.length) {
      const cap = Math.max(id + 1, df.length * 2);
      const d = new Int32Array(cap);
      d.set(df);
      df = d;
      const l = new Int32Array(cap).fill(-1);
      l.set(lastDoc);
      lastDoc = l;
      if (countTotals) {
        const t = new Float64Array(cap);
        t.set(total);
        total = t;
      }
    }
  };

  const count = (id: number, doc: number): void => {
    reserve(id);
    stream.push(id);
    if (lastDoc[id] !== doc) {
      lastDoc[id] = doc;
      df[id]!++;
    }
    if (countTotals) total[id]!++;
  };

  return {
    options: resolved,
    get documents() {
      return documents;
    },
    add(text: string): void {
      // Word n-grams over the document's token ids, or over its character ids within segments
      // (token ids are never negative, and shortWords is false for words).
      const doc = documents++;
      unitIds(text, units, onNew);
      const n = units.length;
      const unit = units.data;
      if (minN === 1) for (let i = 0; i < n; i++) if (unit[i]! >= 0) count(unit[i]!, doc);
      if (maxN > 1) {
        // gram[i] holds the id of the (k−1)-gram starting at i (−1 once it met a segment end); each
        // round extends it by one unit.
        grams.reserve(n);
        const gram = grams.data;
        gram.set(unit.subarray(0, n));
        for (let k = 2; k <= maxN; k++) {
          for (let i = 0; i + k <= n; i++) {
            const prefix = gram[i]!;
            if (prefix < 0) continue;
            const next = unit[i + k - 1]!;
            if (next < 0) {
              gram[i] = -1;
              continue;
            }
            const id = ids.extend(prefix, next);
            gram[i] = id;
            if (k >= minN) count(id, doc);
            else if (shortWords && unit[i + k] === SEGMENT_END && (i === 0 || unit[i - 1] === SEGMENT_END)) count(id, doc);
          }
        }
      }
      rowEnds.push(stream.length);
    },
    counts(): FitterCounts {
      const wordIds: number[] = [];
      const wordTexts: string[] = [];
      ids.wordText.forEach((text, id) => {
        wordIds.push(id);
        wordTexts.push(text);
      });
      return {
        documents,
        prefix: ids.prefix.slice(0, ids.count),
        last: ids.last.slice(0, ids.count),
        order: ids.order.slice(0, ids.count),
        wordIds: Int32Array.from(wordIds),
        wordTexts,
        df: df.slice(0, ids.count),
        total: countTotals ? total.slice(0, ids.count) : new Float64Array(0),
        stream: stream.data.slice(0, stream.length),
        rowEnds: rowEnds.data.slice(0, rowEnds.length),
      };
    },
    merge(other: FitterCounts): void {
      // Their ids → ours. Ids grow in creation order, so an n-gram's prefix and last word are mapped
      // before it.
      const n = other.prefix.length;
      const map = new Int32Array(n);
      const text = new Map<number, string>();
      other.wordIds.forEach((id, i) => text.set(id, other.wordTexts[i]!));
      for (let id = 0; id < n; id++) {
        const p = other.prefix[id]!;
        const mine = p < 0 ? ids.word(text.get(id)!) : ids.extend(map[p]!, map[other.last[id]!]!);
        map[id] = mine;
        reserve(mine);
        df[mine]! += other.df[id]!;
        if (countTotals) total[mine]! += other.total[id]!;
      }
      const base = stream.length;
      stream.reserve(base + other.stream.length);
      for (let k = 0; k < other.stream.length; k++) stream.data[base + k] = map[other.stream[k]!]!;
      stream.length = base + other.stream.length;
      for (let r = 0; r < other.rowEnds.length; r++) rowEnds.push(base + other.rowEnds[r]!);
      documents += other.documents;
    },
    finish({ sortedRows = true } = {}) {
      if (documents === 0) throw SentiMlopsError.invalidParameterValue("cannot fit a vectorizer on zero documents", { component: "tfidf" });
      const maxDocs = resolved.maxDf <= 1 ? resolved.maxDf * documents : resolved.maxDf;
      const minDocs = resolved.minDf < 1 ? resolved.minDf * documents : resolved.minDf;
      if (maxDocs < minDocs) {
        throw SentiMlopsError.invalidParameterValue(
          `maxDf (${resolved.maxDf}) corresponds to fewer documents than minDf (${resolved.minDf})`,
          { component: "tfidf" },
        );
      }
      let candidates = 0;
      let kept: number[] = [];
      for (let id = 0; id < ids.count; id++) {
        // A term was counted: n ≥ minN, or for char_wb a padded word shorter than minN (prefixes of
        // longer n-grams are never counted).
        if (chars ? df[id] === 0 : ids.order[id]! < minN) continue;
        candidates++;
        const d = df[id]!;
        if (d >= minDocs && d <= maxDocs) kept.push(id);
      }
      if (candidates === 0) {
        throw SentiMlopsError.invalidParameterValue("empty vocabulary: the documents contain no tokens (or only stop words)", { component: "tfidf" });
      }
      if (resolved.maxFeatures !== null && kept.length > resolved.maxFeatures) {
        const weight = (id: number): number => (resolved.binary ? df[id]! : total[id]!);
        const text = new Map(kept.map((id) => [id, ids.text(id)]));
        kept.sort((a, b) => weight(b) - weight(a) || compareCodePoints(text.get(a)!, text.get(b)!));
        kept = kept.slice(0, resolved.maxFeatures);
      }
      if (kept.length === 0) {
        throw SentiMlopsError.invalidParameterValue("after pruning, no terms remain; try a lower minDf or a higher maxDf", { component: "tfidf" });
      }
      if (resolved.tokenPattern) {
        // Custom tokens may hold characters that sort below the joining space: compare the texts.
        const text = new Map(kept.map((id) => [id, ids.text(id)]));
        kept.sort((a, b) => compareCodePoints(text.get(a)!, text.get(b)!));
      } else {
        kept = sortByWordRanks(ids, kept, maxN);
      }
      const column = new Int32Array(ids.count).fill(-1);
      const vocabulary = kept.map((id, col) => {
        column[id] = col;
        return ids.text(id);
      });
      let idf: Float64Array | null = null;
      if (resolved.useIdf) {
        const s = resolved.smoothIdf ? 1 : 0;
        idf = new Float64Array(vocabulary.length);
        for (let col = 0; col < vocabulary.length; col++) idf[col] = log((documents + s) / (df[kept[col]!]! + s)) + 1;
      }
      // Map the gram stream to columns in place, then count and weigh each row.
      const all = stream.data;
      const ends = rowEnds.view();
      const size = vocabulary.length;
      const seen = new Int32Array(2 * size);
      let w = 0;
      let start = 0;
      for (let r = 0; r < documents; r++) {
        for (let k = start; k < ends[r]!; k++) {
          const c = column[all[k]!]!;
          if (c >= 0) all[w++] = c;
        }
        start = ends[r]!;
        ends[r] = w;
      }
      const indptr = new Int32Array(documents + 1);
      const indices = new Int32Array(w);
      const data = new Float64Array(w);
      let nnz = 0;
      start = 0;
      for (let r = 0; r < documents; r++) {
        const rowStart = nnz;
        nnz = countRow(all, start, ends[r]!, r + 1, seen, indices, data, nnz);
        weighRow(indices, data, rowStart, nnz, idf, resolved);
        indptr[r + 1] = nnz;
        start = ends[r]!;
      }
      const unsorted = { rows: documents, cols: size, indptr, indices: indices.slice(0, nnz), data: data.slice(0, nnz) };
      const matrix = sortedRows ? sortRowIndices(unsorted) : unsorted;
      return { vectorizer: new TfidfVectorizer({ options: resolved, vocabulary: Object.freeze(vocabulary), idf }, FeatureIndex.fromFit(resolved, ids, kept)), matrix };
    },
  };
}
