/**
 * Smaller TF-IDF models for web pages: keep the features that matter most and round the weights
 * to a narrower type, after fitting.
 *
 * Which features matter: a feature's weight magnitude — |w| for two classes; for more, the L2 norm
 * over classes of its weights minus their mean. Softmax ignores a constant added to all of a
 * feature's class weights, so only the differences between classes move a prediction, and the
 * centered L2 norm measures all of them at once (max |w| would rank a feature by one class and
 * ignore how it separates the others). An L2-penalized multinomial fit is already centered, so
 * there it is the plain L2 norm over classes.
 *
 * What dropping costs: a dropped feature's own contribution, and — with `norm: "l2"` or `"l1"` —
 * each text's norm is then taken over the kept features only, so every kept value of a text that
 * had dropped terms grows a little. Predictions of texts without dropped terms are unchanged.
 * docs/benchmarks.md ("TF-IDF models for web pages") measures both on IMDB.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import { roundWeights, WEIGHT_PRECISIONS, type WeightPrecision } from "./compact-weights.js";
import { LogisticRegression } from "./logistic-regression.js";
import { TfidfModel } from "./model.js";
import { TfidfVectorizer } from "./vectorizer.js";

export type { WeightPrecision } from "./compact-weights.js";

/**
 * Options of {@link compactTfidfModel}. With none, the model is copied unchanged.
 *
 * @example
 * ```ts
 * const options: CompactTfidfModelOptions = { maxFeatures: 50_000, weights: "int8" };
 * ```
 */
export interface CompactTfidfModelOptions {
  /**
   * Keep at most this many features: those with the largest weight magnitude (ties keep the
   * earlier term). `null` keeps them all.
   * @default null
   */
  readonly maxFeatures?: number | null;
  /**
   * Keep only features whose weight magnitude is greater than this: `0` drops the features whose
   * weights are all zero. `null` drops none by magnitude.
   * @default null
   */
  readonly minWeight?: number | null;
  /**
   * Precision of the classifier weights (the intercepts stay float64): `int8` is symmetric
   * quantization with one scale per class.
   * @default "float64"
   */
  readonly weights?: WeightPrecision;
  /**
   * Precision of the idf. float16 keeps 11 significant bits, plenty for idf (1 to ~12). int8 (a
   * step of max idf / 127) cost no accuracy on IMDB either and makes the file 10% smaller
   * gzipped at 50,000 features (199 instead of 220 kB), but float16 stays the default: it is the
   * safe choice on data not measured.
   * @default "float16" when `weights` is narrower than float32, else the same as `weights`
   */
  readonly idf?: WeightPrecision;
}

/** What {@link compactTfidfModel} did, kept in the model's `info.compaction`. */
interface CompactionInfo {
  readonly features: number;
  readonly kept: number;
  readonly maxFeatures: number | null;
  readonly minWeight: number | null;
  readonly weights: WeightPrecision;
  readonly idf: WeightPrecision;
}

const OPTION_NAMES = new Set(["maxFeatures", "minWeight", "weights", "idf"]);

function bad(message: string): SentiMlopsError {
  return SentiMlopsError.invalidParameterValue(message, { component: "tfidf" });
}

/** A value as a message shows it: strings quoted, everything else as String() gives it (NaN, undefined). */
const show = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

function resolve(options: CompactTfidfModelOptions): Omit<CompactionInfo, "features" | "kept"> {
  if (typeof options !== "object" || options === null) throw bad(`compactTfidfModel options must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) throw bad(`unknown compactTfidfModel option ${JSON.stringify(key)} (options: ${[...OPTION_NAMES].join(", ")})`);
  }
  const maxFeatures = options.maxFeatures ?? null;
  if (maxFeatures !== null && !(Number.isSafeInteger(maxFeatures) && maxFeatures >= 1)) {
    throw bad(`maxFeatures must be a positive integer or null, got ${show(maxFeatures)}`);
  }
  const minWeight = options.minWeight ?? null;
  if (minWeight !== null && !(typeof minWeight === "number" && Number.isFinite(minWeight) && minWeight >= 0)) {
    throw bad(`minWeight must be a finite number ≥ 0 or null, got ${show(minWeight)}`);
  }
  const precision = (name: "weights" | "idf", value: unknown): WeightPrecision | undefined => {
    if (value === undefined) return undefined;
    if (!WEIGHT_PRECISIONS.includes(value as WeightPrecision)) {
      throw bad(`${name} must be one of ${WEIGHT_PRECISIONS.map((p) => JSON.stringify(p)).join(", ")}, got ${show(value)}`);
    }
    return value as WeightPrecision;
  };
  const weights = precision("weights", options.weights) ?? "float64";
  const idf = precision("idf", options.idf) ?? (weights === "int8" || weights === "float16" ? "float16" : weights);
  return { maxFeatures, minWeight, weights, idf };
}

/**
 * Each feature's weight magnitude: |w| for one weight column, else the L2 norm of its class
 * weights minus their mean.
 */
function weightMagnitudes(classifier: LogisticRegression): Float64Array {
  const width = classifier.classes === 2 ? 1 : classifier.classes;
  const { coef, features } = classifier;
  const out = new Float64Array(features);
  for (let j = 0; j < features; j++) {
    if (width === 1) {
      out[j] = Math.abs(coef[j]!);
      continue;
    }
    let mean = 0;
    for (let c = 0; c < width; c++) mean += coef[j * width + c]!;
    mean /= width;
    let sum = 0;
    for (let c = 0; c < width; c++) sum += (coef[j * width + c]! - mean) ** 2;
    out[j] = Math.sqrt(sum);
  }
  return out;
}

/** The columns to keep, ascending (so the vocabulary stays sorted). */
function selectFeatures(magnitude: Float64Array, maxFeatures: number | null, minWeight: number | null): Int32Array {
  let kept: number[] = [];
  for (let j = 0; j < magnitude.length; j++) if (minWeight === null || magnitude[j]! > minWeight) kept.push(j);
  if (maxFeatures !== null && kept.length > maxFeatures) {
    kept.sort((a, b) => magnitude[b]! - magnitude[a]! || a - b);
    kept = kept.slice(0, maxFeatures).sort((a, b) => a - b);
  }
  return Int32Array.from(kept);
}

/**
 * A smaller copy of a TF-IDF model: only the features with the largest weights, and weights
 * rounded to a narrower type. The copy still computes in float64 (prediction code is unchanged);
 * {@link encodeTfidfModel} — and so `saveModel`, `logModel` — then stores each array in the
 * narrowest type that holds it exactly, so a model compacted to int8 weights is written with one
 * byte per weight. Works on any TfidfModel, however it was trained; the source is not changed.
 *
 * Measured on IMDB (ngramRange [1, 2], minDf 2, sublinearTf, C 4; 438,654 features, a 9.3 MB
 * file, 4.8 MB gzipped): `{ maxFeatures: 50_000, weights: "int8" }` gives a 437 kB file, 220 kB
 * gzipped, 0.1 point less accurate; see docs/benchmarks.md, "TF-IDF models for web pages".
 *
 * Fitting the classifier again on the kept features does better than dropping alone (IMDB: 0.3
 * points more at 50,000 features — above the full model — and 0.5 at 5,000): transform the
 * training texts with the compacted vectorizer and fit, then round the weights.
 *
 * ```ts
 * const kept = compactTfidfModel(model, { maxFeatures: 50_000 });
 * // Class ids in kept.labels order (0/1 labels already are); with classWeight, pass { classWeights } too.
 * const y = Int32Array.from(rows, (r) => kept.labels.indexOf(r.label));
 * const x = kept.vectorizer.transform(rows.map((r) => r.text));
 * const { classifier } = fitLogisticRegression(x, y, kept.labels.length, kept.classifier.options);
 * const refit = new TfidfModel({ labels: kept.labels, vectorizer: kept.vectorizer, classifier, info: kept.info });
 * const small = compactTfidfModel(refit, { weights: "int8" });
 * ```
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for an unknown option or a bad value (the
 * message names both), or when the options would keep no feature.
 *
 * @example
 * ```ts
 * import { compactTfidfModel, trainTfidf } from "senti-mlops/tfidf";
 * import { saveModel } from "senti-mlops";
 *
 * const { model } = await trainTfidf(rows, { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 });
 * const small = compactTfidfModel(model, { maxFeatures: 50_000, weights: "int8" });
 * await saveModel(small, "public/sentiment.bin"); // int8 weights, float16 idf
 * ```
 */
export function compactTfidfModel(model: TfidfModel, options: CompactTfidfModelOptions = {}): TfidfModel {
  if (!(model instanceof TfidfModel)) throw bad("compactTfidfModel needs a TfidfModel (a trained or loaded TF-IDF model)");
  const resolved = resolve(options);
  const { vectorizer, classifier } = model;
  const width = classifier.classes === 2 ? 1 : classifier.classes;
  const keep = selectFeatures(weightMagnitudes(classifier), resolved.maxFeatures, resolved.minWeight);
  if (keep.length === 0) {
    throw bad(`minWeight ${resolved.minWeight} keeps none of the model's ${classifier.features} features (the largest weight magnitude is ${weightMagnitudes(classifier).reduce((a, b) => Math.max(a, b), 0)})`);
  }
  const all = keep.length === classifier.features;
  const vocabulary = all ? vectorizer.vocabulary : Array.from(keep, (j) => vectorizer.vocabulary[j]!);
  let idf = vectorizer.idf;
  let coef = classifier.coef;
  if (!all) {
    if (idf) idf = Float64Array.from(keep, (j) => idf![j]!);
    coef = new Float64Array(keep.length * width);
    keep.forEach((j, i) => coef.set(classifier.coef.subarray(j * width, j * width + width), i * width));
  }
  // Compacting a compacted (or refitted) model: `features` stays the count of the first model.
  const earlier = model.info.compaction as Partial<CompactionInfo> | undefined;
  const compaction: CompactionInfo = { features: earlier?.features ?? classifier.features, kept: keep.length, ...resolved };
  return new TfidfModel({
    labels: model.labels,
    vectorizer: new TfidfVectorizer({
      options: vectorizer.options,
      vocabulary: Object.freeze([...vocabulary]),
      idf: idf && roundWeights(idf, resolved.idf, 1, "idf"),
    }),
    classifier: new LogisticRegression({
      options: classifier.options,
      classes: classifier.classes,
      features: keep.length,
      coef: roundWeights(coef, resolved.weights, width, "weights"),
      intercept: classifier.intercept.slice(),
    }),
    info: { ...model.info, compaction },
  });
}
