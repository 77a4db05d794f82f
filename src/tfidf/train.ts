/**
 * `trainTfidf`: fit a TF-IDF vectorizer and a logistic-regression classifier on labeled texts,
 * optionally evaluate on a validation set.
 *
 * @module
 */
import type { ClassificationMetrics } from "../evaluation/metrics.js";
import type { TrainingData, TrainingRun } from "../types.js";
import type { FitReport } from "./fit-logistic-regression.js";
import { compactTfidfModel, type CompactTfidfModelOptions } from "./compact-model.js";
import type { TfidfModel } from "./model.js";
import type { LogisticRegressionOptions, TfidfVectorizerOptions } from "./options.js";
import type { TfidfParallelism } from "./parallel.js";
import { evaluateTfidf } from "./train-evaluate.js";
import { fitTfidf } from "./train-fit.js";
import { builtDatasets, checkTrainingDatasets, datasetRecorders, type TrainingDatasets } from "./train-datasets.js";
import { logTraining } from "./train-log.js";
import { withPreset, type TfidfPresetName } from "./presets.js";

export { DEFAULT_BINARY_LABELS } from "./default-labels.js";

/**
 * A progress report from {@link trainTfidf}.
 *
 * @example
 * ```ts
 * await trainTfidf(data, { onProgress: (p: TrainProgress) => console.log(p.phase, Math.round(p.fraction * 100) + "%") });
 * ```
 */
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

/**
 * Options of {@link trainTfidf}: the vectorizer's, the classifier's, and these.
 *
 * @example
 * ```ts
 * const options: TrainTfidfOptions = { ngramRange: [1, 2], C: 4, labelNames: ["neg", "pos"], validation: testSet };
 * const { model, metrics } = await trainTfidf(trainSet, options);
 * ```
 */
export interface TrainTfidfOptions extends TfidfVectorizerOptions, LogisticRegressionOptions {
  /**
   * A named configuration ({@link TFIDF_PRESETS}): `"seed"`, `"strong"`, `"best"` or `"web"`.
   * Options given beside it override the preset's.
   */
  preset?: TfidfPresetName;
  /**
   * Compacts the fitted model before it is validated, logged and returned (fewer features,
   * narrower weights; see `compactTfidfModel`). The `web` preset sets it.
   */
  compact?: CompactTfidfModelOptions;
  /**
   * Names of numeric labels 0 … k−1. @default ["Negative", "Positive"] for 0/1, the numbers
   * themselves otherwise. String labels name themselves (sorted by code point, as scikit-learn's
   * `classes_`), unless this lists them in the order wanted.
   */
  labelNames?: readonly string[];
  /**
   * Train even when a class has fewer rows than 1% of the largest class, or none (ids 0 and 2 but
   * no 1). Without it such a label set is refused before training, with the count of every class:
   * one stray `2` in a file of 0/1 labels would otherwise train a three-class model.
   * @default false
   */
  allowRareClasses?: boolean;
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
   * A run to log the training trail to: every option as a param, the training and validation data
   * as dataset inputs (contexts `training` and `eval`; see `datasets`), the loss of each optimizer
   * iteration (`train_loss` by step), validation metrics (`val_*`), and a confusion matrix and ROC
   * curve as SVG artifacts (`plots/`) when the run can store artifacts.
   */
  run?: TrainingRun;
  /**
   * How `run` names the training and validation data it logs as MLflow dataset inputs (the Datasets
   * of MLflow's UI): a name, and the file or URI the rows were read from. Each dataset's digest,
   * schema and profile are those `mlflow.data.from_pandas` gives the rows actually used (so a whole
   * file read with `readDataset` gets the digest of `from_pandas(pd.read_csv(file))`). Without it
   * the datasets are named `training` and `validation`, with a `code` source (data built in code).
   * Ignored without `run`.
   *
   * @example
   * ```ts
   * await trainTfidf(train, { validation: dev, run, datasets: { training: { name: "train.csv", source: "/data/train.csv" }, validation: { name: "dev.csv", source: "/data/dev.csv" } } });
   * ```
   */
  datasets?: TrainingDatasets;
}

/**
 * Result of {@link trainTfidf}.
 *
 * @example
 * ```ts
 * const { model, metrics, fit, stats }: TrainTfidfResult = await trainTfidf(trainSet, { validation: testSet });
 * console.log(metrics?.accuracy, fit.converged, stats.durationMs);
 * ```
 */
export interface TrainTfidfResult {
  readonly model: TfidfModel;
  /** Validation metrics, or null without a validation set. */
  readonly metrics: ClassificationMetrics | null;
  /** How the optimizer ended. */
  readonly fit: FitReport;
  /** Number of training examples and features, and time spent (ms). */
  readonly stats: { readonly examples: number; readonly features: number; readonly durationMs: number };
}

/**
 * Trains a TF-IDF + logistic-regression sentiment model.
 *
 * The vectorizer and classifier follow scikit-learn's `TfidfVectorizer` and
 * `LogisticRegression(solver="lbfgs")`: with the same options and data they learn the same
 * vocabulary and reach the same optimum.
 *
 * With `run`, the training trail is logged to it, and the training and validation data as
 * dataset inputs named by `datasets`.
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
export async function trainTfidfWith(data: TrainingData, given: TrainTfidfOptions = {}): Promise<TrainTfidfResult> {
  const started = Date.now();
  const options = withPreset(given);
  const { validation, onProgress } = options;
  checkTrainingDatasets(options.datasets, validation !== undefined);
  const recorders = datasetRecorders(options.run, options.datasets, validation !== undefined);
  const fitted = await fitTfidf(data, options, recorders?.training);
  const { training, report, losses } = fitted;
  const model = options.compact ? compactTfidfModel(fitted.model, options.compact) : fitted.model;
  const evaluation = validation === undefined ? null : await evaluateTfidf(model, validation, training, onProgress, recorders?.validation);
  const metrics = evaluation?.metrics ?? null;
  const stats = { examples: training.y.length, features: model.vectorizer.size, durationMs: Date.now() - started };
  const datasets = recorders && builtDatasets(recorders);
  if (options.run) await logTraining(options.run, model, { metrics, report, stats, losses, roc: evaluation?.roc, datasets });
  onProgress?.({ phase: "done", fraction: 1 });
  return { model, metrics, fit: report, stats };
}
