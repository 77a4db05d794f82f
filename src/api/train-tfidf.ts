/**
 * `trainTfidf`: a TF-IDF + logistic-regression sentiment model, on this runtime's threads.
 *
 * @module
 */
import { tfidfParallelism } from "#runtime/threads";
import { trainTfidfWith, type TrainTfidfOptions, type TrainTfidfResult } from "../tfidf/train.js";
import type { TrainingData } from "../types.js";

/**
 * Trains a TF-IDF + logistic-regression sentiment model. The vectorizer and classifier follow
 * scikit-learn's `TfidfVectorizer` and `LogisticRegression(solver="lbfgs")`: with the same options
 * and data they learn the same vocabulary and reach the same optimum. In Node, large corpora are
 * counted and fitted on worker threads (`threads: 1` turns that off; `parallel` replaces them);
 * elsewhere training runs on the calling thread. With `run`, the options, the loss of every
 * optimizer iteration, the validation metrics and their plots are logged to that MLflow run.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming the bad option or example;
 * `CANCELLED` when `signal` aborts.
 *
 * @example
 * ```ts
 * const { model, metrics } = await trainTfidf(train, { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4, validation: test });
 * metrics?.accuracy; // 0.904 on IMDB
 * await predict(model, ["What a film!"]); // [{ label: "Positive", score: 0.93 }]
 * ```
 */
export function trainTfidf(data: TrainingData, options: TrainTfidfOptions = {}): Promise<TrainTfidfResult> {
  return trainTfidfWith(data, { parallel: options.threads === 1 ? undefined : tfidfParallelism(options.threads), ...options });
}
