/**
 * `senti-mlops/tfidf` in Node: the universal module, with `trainTfidf` using worker threads.
 *
 * @module
 */
import { createWorkerParallelism } from "../node/parallelism.js";
import { trainTfidf as trainOnOneThread, type TrainTfidfOptions, type TrainTfidfResult } from "./train.js";
import type { TrainingData } from "../types.js";

export * from "./index.js";
export { createWorkerLoss } from "../node/worker-loss.js";
export type { WorkerLossOptions } from "../node/worker-loss.js";
export { createWorkerParallelism } from "../node/parallelism.js";
export { createPredictPool } from "../node/predict-pool.js";
export type { PredictPool, PredictPoolOptions } from "../node/predict-pool.js";
export type { WorkerParallelismOptions } from "../node/parallelism.js";

/**
 * Trains a TF-IDF + logistic-regression model on `threads` threads (default: one per core): worker
 * threads count n-grams and evaluate the loss when the corpus is large enough to pay for them.
 *
 * @example
 * ```ts
 * const { model, fit } = await trainTfidf(rows, { ngramRange: [1, 2], minDf: 2, C: 4 });
 * fit.threads; // 2 on a 2-core machine, for a large corpus
 * ```
 */
export function trainTfidf(data: TrainingData, options: TrainTfidfOptions = {}): Promise<TrainTfidfResult> {
  return trainOnOneThread(data, { parallel: createWorkerParallelism({ threads: options.threads }), ...options });
}
