/**
 * The TF-IDF sentiment model: a fitted vectorizer, a fitted classifier and the label names.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import type { SentimentModel } from "../types.js";
import type { LogisticRegression } from "./logistic-regression.js";
import type { TfidfVectorizer } from "./vectorizer.js";

/**
 * Facts about how a model was trained, kept in its file.
 *
 * @example
 * ```ts
 * const info: TfidfModelInfo = { createdAt: new Date().toISOString(), trainingExamples: 25_000, iterations: 87, converged: true };
 * ```
 */
export interface TfidfModelInfo {
  /** ISO time the model was trained. */
  readonly createdAt?: string;
  /** Number of training examples. */
  readonly trainingExamples?: number;
  /** Optimizer iterations and whether it converged. */
  readonly iterations?: number;
  readonly converged?: boolean;
  /** Free-form metadata (e.g. validation metrics). */
  readonly [key: string]: unknown;
}

/**
 * A trained TF-IDF + logistic-regression model. Create one with `trainTfidf` or load one with
 * `loadModel` / {@link TfidfModel.fromBytes}.
 *
 * @example
 * ```ts
 * const { model } = await trainTfidf(rows, { ngramRange: [1, 2] });
 * model.predictProba(["great film"]); // [[0.08, 0.92]]
 * const copy = decodeTfidfModel(encodeTfidfModel(model));
 * ```
 */
export class TfidfModel implements SentimentModel {
  readonly kind = "tfidf" as const;
  readonly labels: readonly string[];
  readonly vectorizer: TfidfVectorizer;
  readonly classifier: LogisticRegression;
  readonly info: TfidfModelInfo;

  constructor(parts: {
    labels: readonly string[];
    vectorizer: TfidfVectorizer;
    classifier: LogisticRegression;
    info?: TfidfModelInfo;
  }) {
    const { labels, vectorizer, classifier } = parts;
    if (labels.length !== classifier.classes) {
      throw SentiMlopsError.invalidParameterValue(`${labels.length} labels for a classifier of ${classifier.classes} classes`, { component: "tfidf" });
    }
    if (vectorizer.size !== classifier.features) {
      throw SentiMlopsError.invalidParameterValue(
        `vectorizer has ${vectorizer.size} features but the classifier expects ${classifier.features}`,
        { component: "tfidf" },
      );
    }
    this.labels = Object.freeze([...labels]);
    this.vectorizer = vectorizer;
    this.classifier = classifier;
    this.info = Object.freeze({ ...parts.info });
  }

  /**
   * Class probabilities of each text, row-major in a typed array (`texts.length × labels.length`).
   * The fastest form; {@link TfidfModel.predictProba} returns nested arrays.
   */
  probabilities(texts: readonly string[]): Float64Array {
    const k = this.labels.length;
    const out = new Float64Array(texts.length * k);
    const interleaved = this.#interleaved();
    if (!interleaved) {
      this.vectorizer.forEachRow(texts, (row, indices, data, length) => {
        this.classifier.probabilitiesOfRow(indices, data, 0, length, out, row * k);
      });
      return out;
    }
    const stride = interleaved.length / this.vectorizer.size;
    this.vectorizer.forEachRow(
      texts,
      (row, indices, data, length) => this.classifier.probabilitiesOfRow(indices, data, 0, length, out, row * k, interleaved, stride, 1),
      interleaved,
      stride,
    );
    return out;
  }

  #interleavedWeights: Float64Array | null | undefined;

  /**
   * Each feature's idf followed by its weights, `[idf, w…]` per feature, built at the first
   * prediction (null without idf). A row's idf and weight lookups then share a cache line: for
   * bigram vocabularies (megabytes per array) they missed the CPU's caches separately, ~20% of a
   * review's prediction time. Costs one more copy of the weights and idf in memory.
   */
  #interleaved(): Float64Array | null {
    if (this.#interleavedWeights !== undefined) return this.#interleavedWeights;
    const idf = this.vectorizer.idf;
    if (!idf) return (this.#interleavedWeights = null);
    const width = this.classifier.classes === 2 ? 1 : this.classifier.classes;
    const coef = this.classifier.coef;
    const stride = 1 + width;
    const out = new Float64Array(idf.length * stride);
    for (let j = 0; j < idf.length; j++) {
      out[j * stride] = idf[j]!;
      for (let c = 0; c < width; c++) out[j * stride + 1 + c] = coef[j * width + c]!;
    }
    return (this.#interleavedWeights = out);
  }

  /** Class probabilities of each text: one row of `labels.length` numbers per text. */
  predictProba(texts: readonly string[]): number[][] {
    const k = this.labels.length;
    const flat = this.probabilities(texts);
    return Array.from({ length: texts.length }, (_, i) => Array.from(flat.subarray(i * k, i * k + k)));
  }
}
