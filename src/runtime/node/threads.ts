/**
 * Node's threads for training: worker threads, one per core unless told otherwise.
 *
 * @module
 */
import { createWorkerParallelism } from "../../node/parallelism.js";
import type { TfidfParallelism } from "../../tfidf/parallel.js";

/**
 * Worker threads for `trainTfidf`, one per core unless `threads` says otherwise.
 *
 * @example
 * ```ts
 * const parallel = tfidfParallelism(2);
 * ```
 */
export function tfidfParallelism(threads: number | undefined): TfidfParallelism | undefined {
  return createWorkerParallelism({ threads });
}
