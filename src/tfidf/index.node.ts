/**
 * `senti-mlops/tfidf` in Node: the universal module, with `trainTfidf` using worker threads.
 *
 * @module
 */
import { createWorkerLoss } from "../node/worker-loss.js";
import { trainTfidf as trainOnOneThread, type TrainTfidfOptions, type TrainTfidfResult } from "./train.js";
import type { TrainingData } from "../types.js";

export * from "./index.js";
export { createWorkerLoss } from "../node/worker-loss.js";
export type { WorkerLossOptions } from "../node/worker-loss.js";

/**
 * Trains a TF-IDF + logistic-regression model, evaluating the loss on `threads` worker threads
 * (default: one per core) when the problem is large enough to pay for them.
 *
 * @example
 * ```ts
 * const { model, fit } = await trainTfidf(rows, { ngramRange: [1, 2], minDf: 2, C: 4 });
 * fit.threads; // 2 on a 2-core machine, for a large corpus
 * ```
 */
export function trainTfidf(data: TrainingData, options: TrainTfidfOptions = {}): Promise<TrainTfidfResult> {
  return trainOnOneThread(data, { parallel: createWorkerLoss({ threads: options.threads }), ...options });
}
