/**
 * Options of the TF-IDF vectorizer and of the logistic-regression classifier, their defaults and
 * their validation. Defaults follow scikit-learn's `TfidfVectorizer` and `LogisticRegression`,
 * except `maxIter` (see {@link LogisticRegressionOptions.maxIter}).
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";

/**
 * How accents are removed before tokenizing (after lowercasing), as scikit-learn's `strip_accents`.
 *
 * @example
 * ```ts
 * const options: TfidfVectorizerOptions = { stripAccents: "unicode" satisfies StripAccents }; // "café" → "cafe"
 * ```
 */
export type StripAccents = "ascii" | "unicode" | null;

/**
 * Which n-grams the vectorizer counts, as scikit-learn's `analyzer`: `"word"` n-grams of tokens,
 * `"char"` n-grams of the whole text (whitespace runs collapsed to one space), or `"char_wb"`
 * n-grams inside each whitespace-separated word padded with one space on each side.
 *
 * @example
 * ```ts
 * const options: TfidfVectorizerOptions = { analyzer: "char_wb" satisfies NgramAnalyzer, ngramRange: [2, 5] };
 * ```
 */
export type NgramAnalyzer = "word" | "char" | "char_wb";

/**
 * Row normalization of the TF-IDF matrix.
 *
 * @example
 * ```ts
 * const options: TfidfVectorizerOptions = { norm: "l1" satisfies Norm };
 * ```
 */
export type Norm = "l2" | "l1" | null;

/**
 * Options of the TF-IDF vectorizer; names are scikit-learn's in camelCase.
 *
 * @example
 * ```ts
 * const options: TfidfVectorizerOptions = { ngramRange: [1, 2], minDf: 2, stopWords: "english", sublinearTf: true };
 * ```
 */
export interface TfidfVectorizerOptions {
  /**
   * Word or character n-grams (see {@link NgramAnalyzer}); `ngramRange` counts words or
   * characters (Unicode code points, as Python does: an emoji is one character) accordingly.
   * `stopWords` and `tokenPattern` belong to the word analyzer: scikit-learn silently ignores them
   * with `"char"`/`"char_wb"`, here combining them is an `INVALID_PARAMETER_VALUE` error, so that
   * an option never looks applied when it is not.
   * @default "word"
   */
  analyzer?: NgramAnalyzer;
  /** Lowercase the text before tokenizing. @default true */
  lowercase?: boolean;
  /** Remove accents: `"unicode"` (NFKD, drop combining marks), `"ascii"` (NFKD, drop non-ASCII). @default null */
  stripAccents?: StripAccents;
  /** Tokens to drop before n-grams are formed: `"english"` for {@link ENGLISH_STOP_WORDS}, or a list. @default null */
  stopWords?: "english" | readonly string[] | null;
  /**
   * A custom token pattern (JavaScript syntax). With one capture group, the group is the token.
   * The default is the equivalent of scikit-learn's `(?u)\b\w\w+\b` with Python's Unicode `\w`,
   * implemented by a faster scanner.
   * @default null
   */
  tokenPattern?: RegExp | null;
  /** Smallest and largest n of the n-grams (words, or characters with a char analyzer). @default [1, 1] */
  ngramRange?: readonly [number, number];
  /**
   * Drop terms found in fewer documents: an integer ≥ 1 is a document count, a number in [0, 1)
   * a proportion of the documents. @default 1
   */
  minDf?: number;
  /**
   * Drop terms found in more documents: a number in [0, 1] is a proportion, an integer > 1 a
   * document count. @default 1 (100% — nothing dropped)
   */
  maxDf?: number;
  /** Keep only the most frequent terms (by count over the corpus); ties keep the alphabetically first. @default null */
  maxFeatures?: number | null;
  /** Count a term once per document. @default false */
  binary?: boolean;
  /** Weight by inverse document frequency. @default true */
  useIdf?: boolean;
  /** Add one to document frequencies, as if a document held every term once. @default true */
  smoothIdf?: boolean;
  /** Replace tf by 1 + ln(tf). @default false */
  sublinearTf?: boolean;
  /** Normalize each row. @default "l2" */
  norm?: Norm;
}

/**
 * Options of the L2-regularized logistic regression.
 *
 * @example
 * ```ts
 * const options: LogisticRegressionOptions = { C: 4, maxIter: 500, classWeight: "balanced" };
 * ```
 */
export interface LogisticRegressionOptions {
  /** Inverse regularization strength, as scikit-learn's `C`. @default 1 */
  C?: number;
  /**
   * Stopping tolerance, scikit-learn's `tol` with the same criterion: L-BFGS stops after the first
   * iteration at which the largest absolute component of the gradient is ≤ `tol` (scipy's
   * L-BFGS-B `gtol`/`pgtol`). The gradient is that of the objective scikit-learn minimizes with
   * `solver="lbfgs"` — the sample-weighted *mean* log-loss plus ‖w‖² / (2·C·Σweights), the
   * intercept unpenalized — so the same `tol` means the same thing on both sides whatever the
   * number of rows. (It also stops, as scikit-learn does, when f decreases by at most 64·2⁻⁵² of
   * max(|f|, 1) in one iteration; that rarely fires first.) The L-BFGS iterations follow
   * L-BFGS-B's (same line search and first step), so at the default both stop at the same point
   * or close to it; lower `tol` (e.g. 1e-6) to get within rounding of the optimum itself.
   * @default 1e-4
   *
   * @example
   * ```ts
   * await trainTfidf(rows, { C: 4 });              // tol 1e-4: where LogisticRegression(C=4) stops
   * await trainTfidf(rows, { C: 4, tol: 1e-6 });   // closer to the optimum, more iterations
   * ```
   */
  tol?: number;
  /**
   * Most L-BFGS iterations. scikit-learn's default is 100, which often stops text models before
   * they converge (with a ConvergenceWarning); 1000 lets them reach the optimum. @default 1000
   */
  maxIter?: number;
  /** `"balanced"` weights each class by n / (k · count), or give a weight per label. @default null */
  classWeight?: "balanced" | Readonly<Record<string, number>> | null;
  /** Fit an unpenalized intercept. @default true */
  fitIntercept?: boolean;
  /**
   * Naive-Bayes feature scaling (NB-LR, after Wang & Manning's NBSVM, 2012): each feature's weight
   * for class c is learned as w · r, where r is the log-count ratio of the feature in class c
   * against the other classes, r = ln((p / ‖p‖₁) / (q / ‖q‖₁)) with p = α + Σ of the feature's
   * values over the rows of class c, q the same over the other rows. The L2 penalty applies to w,
   * so features that the counts say little about are held near zero. Two classes use one r (the
   * positive class against the negative); more classes one r per class in the multinomial model.
   * The fitted model predicts like any other: its weights are w · r. The classic setting uses
   * binary counts without idf or normalization (`binary: true, useIdf: false, norm: null`).
   * @default false
   */
  nbScaling?: boolean;
  /** The smoothing α of {@link LogisticRegressionOptions.nbScaling}'s counts. @default 1 */
  nbAlpha?: number;
}

/**
 * Vectorizer options with every default filled in.
 *
 * @example
 * ```ts
 * const resolved: ResolvedVectorizerOptions = resolveVectorizerOptions({ ngramRange: [1, 2] });
 * resolved.lowercase; // true
 * ```
 */
export interface ResolvedVectorizerOptions {
  /** Absent in model files written before char analyzers existed; such files load as `"word"`. */
  readonly analyzer: NgramAnalyzer;
  readonly lowercase: boolean;
  readonly stripAccents: StripAccents;
  readonly stopWords: readonly string[] | null;
  readonly stopWordsName: "english" | null;
  readonly tokenPattern: { readonly source: string; readonly flags: string } | null;
  readonly ngramRange: readonly [number, number];
  readonly minDf: number;
  readonly maxDf: number;
  readonly maxFeatures: number | null;
  readonly binary: boolean;
  readonly useIdf: boolean;
  readonly smoothIdf: boolean;
  readonly sublinearTf: boolean;
  readonly norm: Norm;
}

/**
 * Classifier options with every default filled in.
 *
 * @example
 * ```ts
 * const resolved: ResolvedClassifierOptions = resolveClassifierOptions({ C: 4 });
 * resolved.maxIter; // 1000
 * ```
 */
export interface ResolvedClassifierOptions {
  readonly C: number;
  readonly tol: number;
  readonly maxIter: number;
  readonly classWeight: "balanced" | Readonly<Record<string, number>> | null;
  readonly fitIntercept: boolean;
  readonly nbScaling: boolean;
  readonly nbAlpha: number;
}

function invalid(message: string): SentiMlopsError {
  return SentiMlopsError.invalidParameterValue(message, { component: "tfidf" });
}

function bool(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw invalid(`${name} must be a boolean, got ${describeType(value)}`);
  return value;
}

function positiveNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalid(`${name} must be a positive finite number, got ${JSON.stringify(value) ?? describeType(value)}`);
  }
  return value;
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  const n = positiveNumber(name, value, fallback);
  if (!Number.isInteger(n)) throw invalid(`${name} must be a positive integer, got ${n}`);
  return n;
}

/**
 * Validates vectorizer options and fills in defaults; throws `INVALID_PARAMETER_VALUE` naming the option.
 *
 * @example
 * ```ts
 * resolveVectorizerOptions({ ngramRange: [1, 2] }).norm; // "l2"
 * ```
 */
export function resolveVectorizerOptions(options: TfidfVectorizerOptions = {}): ResolvedVectorizerOptions {
  const analyzer = options.analyzer ?? "word";
  if (analyzer !== "word" && analyzer !== "char" && analyzer !== "char_wb") {
    throw invalid(`analyzer must be "word", "char" or "char_wb", got ${JSON.stringify(analyzer) ?? describeType(analyzer)}`);
  }
  const stripAccents = options.stripAccents ?? null;
  if (stripAccents !== null && stripAccents !== "ascii" && stripAccents !== "unicode") {
    throw invalid(`stripAccents must be "ascii", "unicode" or null, got ${JSON.stringify(stripAccents)}`);
  }
  const norm = options.norm === undefined ? "l2" : options.norm;
  if (norm !== null && norm !== "l1" && norm !== "l2") {
    throw invalid(`norm must be "l2", "l1" or null, got ${JSON.stringify(norm)}`);
  }
  let stopWords: readonly string[] | null = null;
  let stopWordsName: "english" | null = null;
  const sw = options.stopWords ?? null;
  if (sw === "english") {
    stopWordsName = "english";
  } else if (Array.isArray(sw)) {
    sw.forEach((w, i) => {
      if (typeof w !== "string") throw invalid(`stopWords[${i}] must be a string, got ${describeType(w)}`);
    });
    stopWords = Object.freeze([...sw]);
  } else if (sw !== null) {
    throw invalid(`stopWords must be "english", an array of strings or null, got ${JSON.stringify(sw)}`);
  }
  if (analyzer !== "word") {
    // scikit-learn ignores both with a char analyzer (warning only about token_pattern); refusing
    // them is clearer than an option that silently does nothing.
    if (sw !== null) {
      throw invalid(`stopWords applies to the word analyzer only, got stopWords ${JSON.stringify(sw)} with analyzer "${analyzer}"`);
    }
    if (options.tokenPattern != null) {
      throw invalid(`tokenPattern applies to the word analyzer only, got tokenPattern ${String(options.tokenPattern)} with analyzer "${analyzer}"`);
    }
  }
  let tokenPattern: ResolvedVectorizerOptions["tokenPattern"] = null;
  if (options.tokenPattern != null) {
    if (!(options.tokenPattern instanceof RegExp)) {
      throw invalid(`tokenPattern must be a RegExp, got ${describeType(options.tokenPattern)}`);
    }
    const groups = new RegExp(`${options.tokenPattern.source}|`, options.tokenPattern.flags).exec("")!.length - 1;
    if (groups > 1) throw invalid(`tokenPattern must have at most one capturing group, found ${groups}`);
    const flags = options.tokenPattern.flags.includes("g") ? options.tokenPattern.flags : options.tokenPattern.flags + "g";
    tokenPattern = Object.freeze({ source: options.tokenPattern.source, flags });
  }
  const range = options.ngramRange ?? [1, 1];
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !range.every((n) => Number.isInteger(n) && n >= 1) ||
    range[0] > range[1]
  ) {
    throw invalid(`ngramRange must be [min, max] with integers 1 ≤ min ≤ max, got ${JSON.stringify(range)}`);
  }
  if (range[1] > 255) throw invalid(`ngramRange max must be at most 255, got ${range[1]}`);
  const minDf = options.minDf ?? 1;
  if (typeof minDf !== "number" || !(minDf >= 0) || (minDf >= 1 && !Number.isInteger(minDf))) {
    throw invalid(`minDf must be an integer ≥ 1 (documents) or a proportion in [0, 1), got ${JSON.stringify(minDf)}`);
  }
  const maxDf = options.maxDf ?? 1;
  if (typeof maxDf !== "number" || !(maxDf >= 0) || (maxDf > 1 && !Number.isInteger(maxDf))) {
    throw invalid(`maxDf must be a proportion in [0, 1] or an integer > 1 (documents), got ${JSON.stringify(maxDf)}`);
  }
  const maxFeatures = options.maxFeatures ?? null;
  if (maxFeatures !== null) positiveInteger("maxFeatures", maxFeatures, 1);
  return Object.freeze({
    analyzer,
    lowercase: bool("lowercase", options.lowercase, true),
    stripAccents,
    stopWords,
    stopWordsName,
    tokenPattern,
    ngramRange: Object.freeze([range[0], range[1]] as [number, number]),
    minDf,
    maxDf,
    maxFeatures,
    binary: bool("binary", options.binary, false),
    useIdf: bool("useIdf", options.useIdf, true),
    smoothIdf: bool("smoothIdf", options.smoothIdf, true),
    sublinearTf: bool("sublinearTf", options.sublinearTf, false),
    norm,
  });
}

/**
 * Validates classifier options and fills in defaults; throws `INVALID_PARAMETER_VALUE` naming the option.
 *
 * @example
 * ```ts
 * resolveClassifierOptions({ C: 4 }).maxIter; // 1000
 * ```
 */
export function resolveClassifierOptions(options: LogisticRegressionOptions = {}): ResolvedClassifierOptions {
  const classWeight = options.classWeight ?? null;
  if (classWeight !== null && classWeight !== "balanced") {
    if (typeof classWeight !== "object" || Array.isArray(classWeight)) {
      throw invalid(`classWeight must be "balanced", an object of label → weight, or null, got ${JSON.stringify(classWeight)}`);
    }
    for (const [label, w] of Object.entries(classWeight)) {
      if (typeof w !== "number" || !(w > 0) || !Number.isFinite(w)) {
        throw invalid(`classWeight[${JSON.stringify(label)}] must be a positive number, got ${JSON.stringify(w)}`);
      }
    }
  }
  return Object.freeze({
    C: positiveNumber("C", options.C, 1),
    tol: positiveNumber("tol", options.tol, 1e-4),
    maxIter: positiveInteger("maxIter", options.maxIter, 1000),
    classWeight: classWeight === null || classWeight === "balanced" ? classWeight : Object.freeze({ ...classWeight }),
    fitIntercept: bool("fitIntercept", options.fitIntercept, true),
    nbScaling: bool("nbScaling", options.nbScaling, false),
    nbAlpha: positiveNumber("nbAlpha", options.nbAlpha, 1),
  });
}
