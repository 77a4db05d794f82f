/**
 * Training step 4, log: the MLflow trail of a training — every option as a param under its MLflow
 * name, the loss of each optimizer iteration, the summary and validation metrics, and the
 * confusion matrix and ROC curve as SVG artifacts.
 *
 * @module
 */
import type { ClassificationMetrics } from "../evaluation/metrics.js";
import { confusionMatrixSvg, rocCurveSvg } from "../evaluation/plots.js";
import type { TrainingRun } from "../types.js";
import type { FitReport } from "./fit-logistic-regression.js";
import type { TfidfModel } from "./model.js";
import type { TrainTfidfResult } from "./train.js";
import type { TrainingDatasetInputs } from "./train-datasets.js";
import type { RocInput } from "./train-evaluate.js";

/**
 * What a training leaves to log besides the model.
 *
 * @example
 * ```ts
 * const trail: TrainingTrail = { metrics: result.metrics, report: result.fit, stats: result.stats, losses };
 * ```
 */
export interface TrainingTrail {
  /** Validation metrics, or null without validation data. */
  readonly metrics: ClassificationMetrics | null;
  readonly report: FitReport;
  readonly stats: TrainTfidfResult["stats"];
  /** Loss after each optimizer iteration. */
  readonly losses: readonly number[];
  /** Input of the ROC curve plot (binary models with validation data). */
  readonly roc?: RocInput;
  /** The training and validation data, logged as dataset inputs when the run has `logInput`. */
  readonly datasets?: TrainingDatasetInputs;
}

/** A param value as MLflow stores it. */
type ParamValue = string | number | boolean;

/**
 * The model's vectorizer and classifier options as MLflow params (unset options as `"none"`, the
 * token pattern as `/source/flags`), with the model kind and its labels.
 *
 * @example
 * ```ts
 * trainingParams(model); // { model: "tfidf-logistic-regression", ngramRange: "1,2", minDf: 2, …, labels: "Negative,Positive" }
 * ```
 */
export function trainingParams(model: TfidfModel): Record<string, ParamValue> {
  const v = model.vectorizer.options;
  const c = model.classifier.options;
  return {
    model: "tfidf-logistic-regression",
    analyzer: v.analyzer ?? "word",
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
    nbScaling: c.nbScaling ?? false,
    nbAlpha: c.nbAlpha ?? 1,
    preset: typeof model.info.preset === "string" ? model.info.preset : "none",
    compaction: model.info.compaction === undefined ? "none" : JSON.stringify(model.info.compaction),
    labels: model.labels.join(","),
  };
}

/**
 * The summary metrics of a training, with `val_*` metrics when it was validated.
 *
 * @example
 * ```ts
 * trainingMetrics(trail); // { train_examples: 3000, features: 41250, iterations: 17, converged: 1, training_time_s: 0.8, val_accuracy: 0.76, … }
 * ```
 */
export function trainingMetrics(trail: Omit<TrainingTrail, "losses" | "roc" | "datasets">): Record<string, number> {
  const m = trail.metrics;
  return {
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
  };
}

/** Logs the plots of the validation metrics, when there are metrics and the run stores artifacts. */
async function logPlots(run: TrainingRun, metrics: ClassificationMetrics | null, roc: RocInput | undefined): Promise<void> {
  if (!metrics || !run.logText) return;
  await run.logText(confusionMatrixSvg(metrics), "plots/confusion_matrix.svg");
  if (roc) await run.logText(rocCurveSvg(roc.positive, roc.score, metrics.rocAuc), "plots/roc_curve.svg");
}

/**
 * Writes the training trail to `run`, in this order: the params ({@link trainingParams}), the
 * datasets as inputs (contexts `training` and `eval`) when the run has `logInput`,
 * `train_loss` at steps 1…n, the metrics ({@link trainingMetrics}), then
 * `plots/confusion_matrix.svg` and (binary models) `plots/roc_curve.svg` when the run has `logText`.
 *
 * @example
 * ```ts
 * await logTraining(run, model, { metrics, report, stats, losses, roc });
 * ```
 */
export async function logTraining(run: TrainingRun, model: TfidfModel, trail: TrainingTrail): Promise<void> {
  await run.logParams(trainingParams(model));
  if (trail.datasets && run.logInput) {
    await run.logInput(trail.datasets.training, { context: "training" });
    if (trail.datasets.validation) await run.logInput(trail.datasets.validation, { context: "eval" });
  }
  for (let i = 0; i < trail.losses.length; i++) await run.logMetric("train_loss", trail.losses[i]!, { step: i + 1 });
  await run.logMetrics(trainingMetrics(trail));
  await logPlots(run, trail.metrics, trail.roc);
}
