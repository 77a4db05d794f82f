/**
 * An evaluation as MLflow's `mlflow.evaluate` records one for a classifier: its metric names, its
 * plots as artifacts, and the evaluation data as a dataset input with MLflow's digest.
 *
 * @module
 */
import { confusionMatrixSvg, prCurveSvg, rocCurveSvg, type PlotOptions } from "../evaluation/plots.js";
import { labeledTextDataset, type LabeledDatasetOptions } from "../mlflow/labeled-dataset.js";
import type { Dataset } from "../mlflow/tracking-entities.js";
import type { LabeledText } from "../types.js";
import type { ModelEvaluation } from "./evaluate-model.js";

/**
 * What {@link logEvaluation} needs from a run; a run from `tracking.startRun()` fits.
 *
 * @example
 * ```ts
 * const run: EvaluationRun = await tracking.startRun({ experimentName: "sentiment" });
 * ```
 */
export interface EvaluationRun {
  /** Logs the metrics (at step 0). */
  logMetrics(metrics: Readonly<Record<string, number>>): Promise<void>;
  /** Sets the run's tags. */
  setTags(tags: Readonly<Record<string, string>>): Promise<void>;
  /** Stores `text` as the artifact `artifactPath`. */
  logText(text: string, artifactPath: string): Promise<void>;
  /** Records the dataset as an input of the run, with `context` as its `mlflow.data.context` tag. */
  logInput(dataset: Dataset, options?: { context?: string }): Promise<void>;
}

/** The tag holding the URI (or path) of the evaluated model. */
export const EVALUATED_MODEL_TAG = "senti-mlops.model_uri";

/**
 * The metrics of an evaluation under the names `mlflow.evaluate` gives a classifier's:
 * `example_count`, `accuracy_score`, `precision_score`, `recall_score`, `f1_score`, `log_loss`,
 * `roc_auc`, and for a binary model `precision_recall_auc` (the average precision, as MLflow
 * reports it) and the confusion counts `true_negatives`, `false_positives`, `false_negatives`,
 * `true_positives`. With more than two labels, precision, recall, F1 and ROC AUC are macro averages
 * (MLflow's are weighted by class size).
 *
 * @example
 * ```ts
 * evaluationMetrics(await evaluateModel(model, rows));
 * // { example_count: 872, accuracy_score: 0.79, precision_score: 0.81, …, true_positives: 339 }
 * ```
 */
export function evaluationMetrics(evaluation: ModelEvaluation): Record<string, number> {
  const m = evaluation.metrics;
  const metrics: Record<string, number> = {
    example_count: m.support,
    accuracy_score: m.accuracy,
    precision_score: m.precision,
    recall_score: m.recall,
    f1_score: m.f1,
    log_loss: m.logLoss,
    roc_auc: m.rocAuc,
  };
  if (evaluation.binary) {
    const [[tn, fp], [fn, tp]] = m.confusionMatrix as [[number, number], [number, number]];
    Object.assign(metrics, { precision_recall_auc: evaluation.binary.averagePrecision, true_negatives: tn, false_positives: fp, false_negatives: fn, true_positives: tp });
  }
  return metrics;
}

/**
 * The plots of an evaluation as SVG, by file name (MLflow's artifact names for them, in `.svg`):
 * `confusion_matrix.svg`, and for a binary model `roc_curve_plot.svg` and
 * `precision_recall_curve_plot.svg`.
 *
 * @example
 * ```ts
 * const plots = evaluationPlots(evaluation, { subtitle: "models:/sentiment@champion" });
 * await writeFile("confusion_matrix.svg", plots["confusion_matrix.svg"]!);
 * ```
 */
export function evaluationPlots(evaluation: ModelEvaluation, options: Omit<PlotOptions, "title" | "positiveLabel"> = {}): Record<string, string> {
  const plots: Record<string, string> = { "confusion_matrix.svg": confusionMatrixSvg(evaluation.metrics, options) };
  const b = evaluation.binary;
  if (b) {
    const curveOptions = { ...options, positiveLabel: b.positiveLabel };
    plots["roc_curve_plot.svg"] = rocCurveSvg(b.positive, b.score, evaluation.metrics.rocAuc, curveOptions);
    plots["precision_recall_curve_plot.svg"] = prCurveSvg(b.positive, b.score, b.averagePrecision, curveOptions);
  }
  return plots;
}

/**
 * Options of {@link evaluationDataset}: the dataset's name, its source (a path or URI) and the
 * column names.
 *
 * @example
 * ```ts
 * evaluationDataset(rows, { name: "test.csv", source: "/data/test.csv" });
 * ```
 */
export type EvaluationDatasetOptions = LabeledDatasetOptions;

/**
 * The evaluation data as an MLflow dataset, as `mlflow.data.from_pandas(df, source=…, name=…)`
 * describes the DataFrame of its two columns (text, then label): the digest MLflow computes for it
 * (so `pd.read_csv("test.csv")` of a file with just these columns gets the same digest), the
 * schema (`string` text, `long` or `string` labels) and the profile (rows and elements). Training
 * logs its data the same way (`trainTfidf`'s `datasets` option).
 *
 * @example
 * ```ts
 * const dataset = evaluationDataset(rows, { name: "dev.csv", source: "/data/sst2/dev.csv" });
 * dataset.digest; // "090257a3", as mlflow.data.from_pandas(pd.read_csv("/data/sst2/dev.csv")).digest
 * ```
 */
export function evaluationDataset(rows: readonly LabeledText[], options: EvaluationDatasetOptions): Dataset {
  return labeledTextDataset(rows, options);
}

/**
 * Options of {@link logEvaluation}.
 *
 * @example
 * ```ts
 * await logEvaluation(run, evaluation, { modelUri: "models:/sentiment@champion", dataset });
 * ```
 */
export interface LogEvaluationOptions {
  /** The evaluated model's URI or path: the run's `senti-mlops.model_uri` tag, and the plots' subtitle. */
  modelUri?: string;
  /** The evaluation data (see {@link evaluationDataset}), logged as the run's input with context `eval`. */
  dataset?: Dataset;
}

/**
 * Logs an evaluation to `run` as MLflow's `mlflow.evaluate` does for a classifier: the metrics
 * ({@link evaluationMetrics}), the plots as artifacts at the run's root ({@link evaluationPlots}),
 * the dataset as an input (context `eval`), and tags naming the evaluated model.
 *
 * @example
 * ```ts
 * const run = await tracking.startRun({ experimentName: "sentiment", runName: "eval-champion" });
 * await logEvaluation(run, evaluation, { modelUri: "models:/sentiment@champion", dataset: evaluationDataset(rows, { name: "test.csv", source: "test.csv" }) });
 * await run.end();
 * ```
 */
export async function logEvaluation(run: EvaluationRun, evaluation: ModelEvaluation, options: LogEvaluationOptions = {}): Promise<void> {
  await run.setTags({
    ...(options.modelUri === undefined ? {} : { [EVALUATED_MODEL_TAG]: options.modelUri }),
    "senti-mlops.labels": evaluation.labelMatches.map((m) => `${m.data}=${m.model}`).join(","),
  });
  await run.logMetrics(evaluationMetrics(evaluation));
  if (options.dataset) await run.logInput(options.dataset, { context: "eval" });
  for (const [file, svg] of Object.entries(evaluationPlots(evaluation, { subtitle: options.modelUri }))) await run.logText(svg, file);
}
