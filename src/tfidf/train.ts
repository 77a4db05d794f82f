/**
 * `trainTfidf`: fit a TF-IDF vectorizer and a logistic-regression classifier on labeled texts,
 * optionally evaluate on a validation set.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import { classificationMetrics, type ClassificationMetrics } from "../evaluation/metrics.js";
import { confusionMatrixSvg, rocCurveSvg } from "../evaluation/plots.js";
import type { LabeledText, TrainingData, TrainingRun } from "../types.js";
import { LogisticRegression, type FitReport } from "./logistic-regression.js";
import { TfidfModel } from "./model.js";
import {
  resolveClassifierOptions,
  type LogisticRegressionOptions,
  type TfidfVectorizerOptions,
} from "./options.js";
import type { TfidfParallelism } from "./parallel.js";
import { createTfidfFitter } from "./vectorizer.js";
import { compareCodePoints } from "./unicode.js";

/** Below this many documents, counting stays on one thread (a worker costs more than it saves). */
const PARALLEL_MIN_DOCUMENTS = 4096;

/**
 * Names given to numeric labels 0 and 1 unless `labelNames` says otherwise.
 *
 * @example
 * ```ts
 * (await trainTfidf(rows)).model.labels; // DEFAULT_BINARY_LABELS: ["Negative", "Positive"]
 * ```
 */
export const DEFAULT_BINARY_LABELS: readonly string[] = Object.freeze(["Negative", "Positive"]);

/** A progress report from {@link trainTfidf}. */
export interface TrainProgress {
  readonly phase: "tokenizing" | "vocabulary" | "optimizing" | "evaluating" | "done";
  /** Share of the phase done, 0–1 (during tokenizing of an iterable of unknown size: 0 until it ends). */
  readonly fraction: number;
  /** Documents read so far (tokenizing). */
  readonly documents?: number;
  /** Optimizer iteration (optimizing). */
  readonly iteration?: number;
  /** Objective value: mean weighted log loss plus the L2 penalty (optimizing). */
  readonly loss?: number;
}

/** Options of {@link trainTfidf}: the vectorizer's, the classifier's, and these. */
export interface TrainTfidfOptions extends TfidfVectorizerOptions, LogisticRegressionOptions {
  /**
   * Names of numeric labels 0 … k−1. @default ["Negative", "Positive"] for 0/1, the numbers
   * themselves otherwise. String labels name themselves (sorted by code point, as scikit-learn's
   * `classes_`), unless this lists them in the order wanted.
   */
  labelNames?: readonly string[];
  /** Data to evaluate the trained model on; metrics are returned when given. */
  validation?: TrainingData;
  /** Receives progress reports; the library never prints. */
  onProgress?: (event: TrainProgress) => void;
  /** Aborts training between documents or iterations (the error has code `CANCELLED`). */
  signal?: AbortSignal;
  /**
   * Threads for the optimizer. In Node (`senti-mlops`, `senti-mlops/tfidf`) worker threads are used
   * by default, one per core; results then equal single-thread results up to the order of
   * floating-point sums. Elsewhere training runs on one thread unless `parallel` is given.
   * @default os.availableParallelism() in Node, 1 elsewhere
   */
  threads?: number;
  /** How to use threads (advanced: the Node entries supply worker threads). */
  parallel?: TfidfParallelism;
  /**
   * A run to log the training trail to: every option as a param, the loss of each optimizer
   * iteration (`train_loss` by step), validation metrics (`val_*`), and a confusion matrix and ROC
   * curve as SVG artifacts (`plots/`) when the run can store artifacts.
   */
  run?: TrainingRun;
}

/** Result of {@link trainTfidf}. */
export interface TrainTfidfResult {
  readonly model: TfidfModel;
  /** Validation metrics, or null without a validation set. */
  readonly metrics: ClassificationMetrics | null;
  /** How the optimizer ended. */
  readonly fit: FitReport;
  /** Number of training examples and features, and time spent (ms). */
  readonly stats: { readonly examples: number; readonly features: number; readonly durationMs: number };
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new SentiMlopsError("CANCELLED", "[senti-mlops] [tfidf] training was aborted", { cause: signal.reason });
  }
}

function checkExample(row: unknown, index: number, what: string): LabeledText {
  if (typeof row !== "object" || row === null) {
    throw SentiMlopsError.invalidParameterValue(`${what}[${index}] must be an object { text, label }, got ${describeType(row)}`);
  }
  const { text, label } = row as Record<string, unknown>;
  if (typeof text !== "string") {
    throw SentiMlopsError.invalidParameterValue(`${what}[${index}].text must be a string, got ${describeType(text)}`);
  }
  if (!(typeof label === "string" || (typeof label === "number" && Number.isInteger(label) && label >= 0))) {
    throw SentiMlopsError.invalidParameterValue(
      `${what}[${index}].label must be a non-negative integer or a string, got ${JSON.stringify(label) ?? describeType(label)}`,
    );
  }
  return row as LabeledText;
}

async function* examples(data: TrainingData, what: string): AsyncGenerator<LabeledText> {
  if (data === null || typeof data !== "object" || !(Symbol.iterator in data || Symbol.asyncIterator in data)) {
    throw SentiMlopsError.invalidParameterValue(`${what} must be an array or (async) iterable of { text, label }, got ${describeType(data)}`);
  }
  let i = 0;
  for await (const row of data as AsyncIterable<unknown>) yield checkExample(row, i++, what);
}

/** Maps raw labels to class indices and names. */
function labelIndex(raw: readonly (string | number)[], names: readonly string[] | undefined): { y: Int32Array; labels: string[] } {
  const numeric = raw.filter((l) => typeof l === "number").length;
  if (numeric !== 0 && numeric !== raw.length) {
    throw SentiMlopsError.invalidParameterValue("labels must be all numbers or all strings, found both");
  }
  let labels: string[];
  let indexOf: (l: string | number) => number;
  if (numeric > 0) {
    let max = 0;
    for (const l of raw as number[]) if (l > max) max = l;
    labels = names ? [...names] : max <= 1 ? [...DEFAULT_BINARY_LABELS] : Array.from({ length: max + 1 }, (_, i) => String(i));
    if (max >= labels.length) {
      throw SentiMlopsError.invalidParameterValue(`label ${max} has no name: labelNames lists ${labels.length} names`);
    }
    indexOf = (l) => l as number;
  } else {
    const distinct = [...new Set(raw as string[])].sort(compareCodePoints);
    labels = names ? [...names] : distinct;
    const map = new Map(labels.map((l, i) => [l, i]));
    const unknown = distinct.find((l) => !map.has(l));
    if (unknown !== undefined) {
      throw SentiMlopsError.invalidParameterValue(`label ${JSON.stringify(unknown)} is not in labelNames ${JSON.stringify(labels)}`);
    }
    indexOf = (l) => map.get(l as string)!;
  }
  if (labels.length < 2) throw SentiMlopsError.invalidParameterValue(`training data needs at least two classes, found ${labels.length}`);
  return { y: Int32Array.from(raw, indexOf), labels };
}

/**
 * Trains a TF-IDF + logistic-regression sentiment model.
 *
 * The vectorizer and classifier follow scikit-learn's `TfidfVectorizer` and
 * `LogisticRegression(solver="lbfgs")`: with the same options and data they learn the same
 * vocabulary and reach the same optimum.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming the bad option or example;
 * `CANCELLED` when `signal` aborts.
 *
 * @example
 * ```ts
 * const { model, metrics } = await trainTfidf(
 *   [{ text: "A great movie", label: 1 }, { text: "Dull and far too long", label: 0 }, ...],
 *   { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4, validation: testRows },
 * );
 * metrics?.accuracy; // 0.90
 * await predict(model, ["What a film!"]); // [{ label: "Positive", score: 0.93 }]
 * ```
 */
export async function trainTfidfWith(data: TrainingData, options: TrainTfidfOptions = {}): Promise<TrainTfidfResult> {
  const started = Date.now();
  const { onProgress, signal, validation, labelNames } = options;
  const classifierOptions = resolveClassifierOptions(options);
  const fitter = createTfidfFitter(options);
  checkAborted(signal);
  const parallel = options.threads === 1 ? undefined : options.parallel;
  const rawLabels: (string | number)[] = [];
  if (parallel?.count && parallel.threads > 1) {
    // Read everything, then count shares of the documents on other threads while this one counts
    // the first share; merging the counts in order gives what one thread would have counted.
    const texts: string[] = [];
    for await (const row of examples(data, "data")) {
      texts.push(row.text);
      rawLabels.push(row.label);
    }
    checkAborted(signal);
    const share = Math.ceil(texts.length / parallel.threads);
    const others = texts.length >= PARALLEL_MIN_DOCUMENTS ? parallel.threads - 1 : 0;
    const pending = Array.from({ length: others }, (_, i) =>
      parallel.count!(fitter.options, texts.slice(share * (i + 1), share * (i + 2))),
    );
    const own = others > 0 ? share : texts.length;
    for (let i = 0; i < own; i++) {
      fitter.add(texts[i]!);
      if ((i & 1023) === 0) onProgress?.({ phase: "tokenizing", fraction: i / texts.length, documents: i });
    }
    for (const counts of await Promise.all(pending)) fitter.merge(counts);
  } else {
    const total = Array.isArray(data) ? data.length : NaN;
    for await (const row of examples(data, "data")) {
      fitter.add(row.text);
      rawLabels.push(row.label);
      if ((rawLabels.length & 1023) === 0) {
        checkAborted(signal);
        onProgress?.({ phase: "tokenizing", fraction: total > 0 ? rawLabels.length / total : 0, documents: rawLabels.length });
      }
    }
  }
  if (rawLabels.length === 0) throw SentiMlopsError.invalidParameterValue("data holds no examples");
  onProgress?.({ phase: "tokenizing", fraction: 1, documents: rawLabels.length });
  const { y, labels } = labelIndex(rawLabels, labelNames);
  onProgress?.({ phase: "vocabulary", fraction: 0 });
  const { vectorizer, matrix } = fitter.finish({ sortedRows: false });
  onProgress?.({ phase: "vocabulary", fraction: 1 });

  let classWeights: Float64Array | undefined;
  const cw = classifierOptions.classWeight;
  if (cw === "balanced") {
    const counts = new Float64Array(labels.length);
    for (const c of y) counts[c]!++;
    classWeights = counts.map((n) => (n === 0 ? 1 : y.length / (labels.length * n)));
  } else if (cw) {
    const unknown = Object.keys(cw).find((l) => !labels.includes(l));
    if (unknown !== undefined) {
      throw SentiMlopsError.invalidParameterValue(`classWeight names ${JSON.stringify(unknown)}, which is not one of the labels ${JSON.stringify(labels)}`);
    }
    classWeights = Float64Array.from(labels, (l) => cw[l] ?? 1);
  }
  const losses: number[] = [];
  const { classifier, report } = LogisticRegression.fit(matrix, y, labels.length, classifierOptions, {
    classWeights,
    parallel: parallel?.loss,
    onIteration: (iteration, loss) => {
      losses.push(loss);
      checkAborted(signal);
      onProgress?.({ phase: "optimizing", fraction: Math.min(1, iteration / classifierOptions.maxIter), iteration, loss });
    },
  });
  onProgress?.({ phase: "optimizing", fraction: 1, iteration: report.iterations, loss: report.loss });
  const model = new TfidfModel({
    labels,
    vectorizer,
    classifier,
    info: {
      createdAt: new Date().toISOString(),
      trainingExamples: y.length,
      iterations: report.iterations,
      converged: report.converged,
    },
  });

  let metrics: ClassificationMetrics | null = null;
  let rocInput: { positive: boolean[]; score: number[] } | undefined;
  if (validation !== undefined) {
    onProgress?.({ phase: "evaluating", fraction: 0 });
    const texts: string[] = [];
    const raw: (string | number)[] = [];
    for await (const row of examples(validation, "validation")) {
      texts.push(row.text);
      raw.push(row.label);
    }
    const index = new Map(labels.map((l, i) => [l, i]));
    const truth = Int32Array.from(raw, (l, i) => {
      const c = typeof l === "number" ? (typeof rawLabels[0] === "number" ? l : -1) : (index.get(l) ?? -1);
      if (c < 0 || c >= labels.length) {
        throw SentiMlopsError.invalidParameterValue(`validation[${i}].label ${JSON.stringify(l)} is not one of the trained labels`);
      }
      return c;
    });
    const proba = model.probabilities(texts);
    metrics = classificationMetrics(truth, proba, labels);
    if (labels.length === 2) {
      rocInput = { positive: Array.from(truth, (t) => t === 1), score: Array.from(truth, (_, i) => proba[2 * i + 1]!) };
    }
    onProgress?.({ phase: "evaluating", fraction: 1 });
  }
  const stats = { examples: y.length, features: vectorizer.size, durationMs: Date.now() - started };
  if (options.run) await logTraining(options.run, model, { metrics, report, stats, losses, rocInput });
  onProgress?.({ phase: "done", fraction: 1 });
  return { model, metrics, fit: report, stats };
}

/** Writes the training trail to a run (see {@link TrainTfidfOptions.run}). */
async function logTraining(
  run: TrainingRun,
  model: TfidfModel,
  trail: {
    metrics: ClassificationMetrics | null;
    report: FitReport;
    stats: TrainTfidfResult["stats"];
    losses: number[];
    rocInput?: { positive: boolean[]; score: number[] };
  },
): Promise<void> {
  const v = model.vectorizer.options;
  const c = model.classifier.options;
  await run.logParams({
    model: "tfidf-logistic-regression",
    ngramRange: v.ngramRange.join(","),
    minDf: v.minDf,
    maxDf: v.maxDf,
    maxFeatures: v.maxFeatures ?? "none",
    sublinearTf: v.sublinearTf,
    lowercase: v.lowercase,
    stripAccents: v.stripAccents ?? "none",
    stopWords: v.stopWordsName ?? (v.stopWords ? `custom(${v.stopWords.length})` : "none"),
    tokenPattern: v.tokenPattern ? `/${v.tokenPattern.source}/${v.tokenPattern.flags}` : "default",
    binary: v.binary,
    useIdf: v.useIdf,
    smoothIdf: v.smoothIdf,
    norm: v.norm ?? "none",
    C: c.C,
    tol: c.tol,
    maxIter: c.maxIter,
    classWeight: c.classWeight === null ? "none" : typeof c.classWeight === "string" ? c.classWeight : JSON.stringify(c.classWeight),
    fitIntercept: c.fitIntercept,
    labels: model.labels.join(","),
  });
  for (let i = 0; i < trail.losses.length; i++) await run.logMetric("train_loss", trail.losses[i]!, { step: i + 1 });
  const m = trail.metrics;
  await run.logMetrics({
    train_examples: trail.stats.examples,
    features: trail.stats.features,
    iterations: trail.report.iterations,
    converged: trail.report.converged ? 1 : 0,
    training_time_s: trail.stats.durationMs / 1000,
    ...(m
      ? {
          val_accuracy: m.accuracy,
          val_precision: m.precision,
          val_recall: m.recall,
          val_f1: m.f1,
          val_roc_auc: m.rocAuc,
          val_log_loss: m.logLoss,
        }
      : {}),
  });
  if (m && run.logText) {
    await run.logText(confusionMatrixSvg(m), "plots/confusion_matrix.svg");
    if (trail.rocInput) await run.logText(rocCurveSvg(trail.rocInput.positive, trail.rocInput.score, m.rocAuc), "plots/roc_curve.svg");
  }
}
