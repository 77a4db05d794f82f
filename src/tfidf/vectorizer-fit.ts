/**
 * Fitting the TF-IDF vectorizer (vectorizer.ts holds the fitted vectorizer and prediction): counting
 * word or character n-grams by integer id, pruning by `minDf`/`maxDf`/`maxFeatures`, sorting the
 * vocabulary as Python sorts it, and the TF-IDF matrix of the fitted documents. A module of its own
 * so that pages that only load and score models (decode + predict) do not carry it.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import { log } from "../evaluation/deterministic-math.js";
import { createPreprocessor, createTokenIds } from "./analyzer.js";
import { createCharIds, isCharAnalyzer, SEGMENT_END } from "./char-ngrams.js";
import { sortRowIndices, type CsrMatrix } from "./csr.js";
import { resolveVectorizerOptions, type ResolvedVectorizerOptions, type TfidfVectorizerOptions } from "./options.js";
import { IntBuffer } from "./buffers.js";
import { compareCodePoints } from "./unicode.js";
import { FeatureIndex, GramIds, RowCounter, TfidfVectorizer, weighRow } from "./vectorizer.js";

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
 * Learns the vocabulary and idf from `texts` and returns the fitted vectorizer with the TF-IDF
 * matrix of those texts (scikit-learn's `fit_transform`).
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for bad options, or when no term is left.
 *
 * @example
 * ```ts
 * const { vectorizer, matrix } = fitTfidfVectorizer(["good movie", "bad movie"], { ngramRange: [1, 2] });
 * vectorizer.vocabulary; // ["bad", "bad movie", "good", "good movie", "movie"]
 * matrix.rows; // 2
 * ```
 */
export function fitTfidfVectorizer(texts: Iterable<string>, options: TfidfVectorizerOptions = {}): { vectorizer: TfidfVectorizer; matrix: CsrMatrix } {
  const fitter = createTfidfFitter(options);
  for (const text of texts) fitter.add(text);
  return fitter.finish();
}

/**
 * The prediction index straight from a fit's n-gram ids (`kept[col]` is the fit id of column col),
 * copying only the n-grams the vocabulary needs, without parsing the vocabulary's strings.
 */
function indexOfFit(options: ResolvedVectorizerOptions, fit: GramIds, kept: ArrayLike<number>): FeatureIndex {
  const { ids, column } = copyKept(fit, kept);
  return FeatureIndex.fromIds(options, ids, column, kept.length);
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
 * Starts an incremental fit; see {@link fitTfidfVectorizer} for the one-call form.
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
      const counter = new RowCounter();
      let nnz = 0;
      start = 0;
      for (let r = 0; r < documents; r++) {
        const rowStart = nnz;
        nnz = counter.count(all, start, ends[r]!, indices, data, nnz);
        weighRow(indices, data, rowStart, nnz, idf, resolved);
        indptr[r + 1] = nnz;
        start = ends[r]!;
      }
      const unsorted = { rows: documents, cols: size, indptr, indices: indices.slice(0, nnz), data: data.slice(0, nnz) };
      const matrix = sortedRows ? sortRowIndices(unsorted) : unsorted;
      return { vectorizer: new TfidfVectorizer({ options: resolved, vocabulary: Object.freeze(vocabulary), idf }, indexOfFit(resolved, ids, kept)), matrix };
    },
  };
}
