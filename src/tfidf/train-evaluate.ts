/**
 * Training step 3, evaluate: the trained model's metrics on validation data, and what the ROC
 * curve plot needs for a binary model.
 *
 * @module
 */
import { classificationMetrics, type ClassificationMetrics } from "../evaluation/metrics.js";
import type { TrainingData } from "../types.js";
import type { TfidfModel } from "./model.js";
import type { TrainProgress } from "./train.js";
import { readValidation, type ExampleRecorder, type TrainingLabels } from "./train-intake.js";

/**
 * Whether each example is of the positive class, and its score for that class (binary models).
 *
 * @example
 * ```ts
 * const roc: RocInput = { positive: [false, true, true], score: [0.2, 0.9, 0.4] };
 * rocAuc(roc.positive, roc.score); // 1
 * ```
 */
export interface RocInput {
  readonly positive: boolean[];
  readonly score: number[];
}

/**
 * Validation metrics, with the ROC curve's input when the model is binary.
 *
 * @example
 * ```ts
 * const { metrics, roc }: TfidfEvaluation = evaluatePredictions(Int32Array.of(0, 1), Float64Array.of(0.9, 0.1, 0.2, 0.8), ["Negative", "Positive"]);
 * metrics.accuracy; // 1
 * ```
 */
export interface TfidfEvaluation {
  readonly metrics: ClassificationMetrics;
  readonly roc?: RocInput;
}

/**
 * Metrics of predicted probabilities against true class indices; with two labels, also the ROC
 * input (the second label is the positive class).
 *
 * @param truth class index of each example
 * @param proba row-major probabilities, `truth.length × labels.length`
 *
 * @example
 * ```ts
 * const { metrics, roc } = evaluatePredictions(Int32Array.of(0, 1), Float64Array.of(0.9, 0.1, 0.2, 0.8), ["Negative", "Positive"]);
 * metrics.accuracy; // 1
 * roc; // { positive: [false, true], score: [0.1, 0.8] }
 * ```
 */
export function evaluatePredictions(truth: Int32Array, proba: Float64Array, labels: readonly string[]): TfidfEvaluation {
  const metrics = classificationMetrics(truth, proba, labels);
  if (labels.length !== 2) return { metrics };
  return { metrics, roc: { positive: Array.from(truth, (t) => t === 1), score: Array.from(truth, (_, i) => proba[2 * i + 1]!) } };
}

/**
 * Evaluates `model` on `validation`, whose labels are mapped to the classes of `trained`; each
 * example read is passed to `record` when given.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming `validation[i]` when an example is bad
 * or its label was not trained.
 *
 * @example
 * ```ts
 * const { model, training } = await fitTfidf(rows, {});
 * const { metrics } = await evaluateTfidf(model, testRows, training);
 * metrics.accuracy; // 0.76
 * ```
 */
export async function evaluateTfidf(
  model: TfidfModel,
  validation: TrainingData,
  trained: Pick<TrainingLabels, "labels" | "numeric">,
  onProgress?: (event: TrainProgress) => void,
  record?: ExampleRecorder,
): Promise<TfidfEvaluation> {
  onProgress?.({ phase: "evaluating", fraction: 0 });
  const { texts, truth } = await readValidation(validation, trained, record);
  const evaluation = evaluatePredictions(truth, model.probabilities(texts), trained.labels);
  onProgress?.({ phase: "evaluating", fraction: 1 });
  return evaluation;
}
