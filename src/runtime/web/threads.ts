/**
 * Threads for training outside Node: none (pass `parallel` to `trainTfidf` to supply some).
 *
 * @module
 */
import type { TfidfParallelism } from "../../tfidf/parallel.js";

/**
 * None: training runs on the calling thread.
 *
 * @example
 * ```ts
 * tfidfParallelism(2); // undefined
 * ```
 */
export function tfidfParallelism(_threads: number | undefined): TfidfParallelism | undefined {
  return undefined;
}
