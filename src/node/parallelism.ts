/**
 * Training on worker threads in Node: n-gram counting split by documents, and loss evaluation
 * split by rows (see {@link createWorkerLoss}).
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { SentiMlopsError } from "../errors.js";
import type { ResolvedVectorizerOptions } from "../tfidf/options.js";
import type { TfidfParallelism } from "../tfidf/parallel.js";
import type { FitterCounts } from "../tfidf/vectorizer-fit.js";
import { createWorkerLoss } from "./worker-loss.js";
import { startWorker } from "./worker-script.js";

/**
 * Options of {@link createWorkerParallelism}.
 *
 * @example
 * ```ts
 * const parallel = createWorkerParallelism({ threads: 4 });
 * ```
 */
export interface WorkerParallelismOptions {
  /** Threads in all, the caller's included. @default os.availableParallelism() */
  threads?: number;
}

/** Counts n-grams on a fresh worker thread, which exits when done. */
function countOnWorker(options: ResolvedVectorizerOptions, texts: string[]): Promise<FitterCounts> {
  return new Promise((resolve, reject) => {
    const worker = startWorker("tfidf-count-worker.js", "count-worker.ts");
    const done = (fn: () => void): void => {
      void worker.terminate();
      fn();
    };
    worker.once("message", (m: { counts?: FitterCounts; error?: unknown }) =>
      done(() => (m.counts ? resolve(m.counts) : reject(m.error))),
    );
    worker.once("error", (e) =>
      done(() => reject(new SentiMlopsError("INTERNAL_ERROR", `counting worker failed: ${e.message}`, { cause: e, component: "tfidf" }))),
    );
    worker.postMessage({ options, texts });
  });
}

/**
 * Worker-thread parallelism for training; the Node entries' `trainTfidf` uses it by default.
 *
 * @example
 * ```ts
 * import { trainTfidf } from "senti-mlops/tfidf"; // Node: already parallel
 * const { fit } = await trainTfidf(rows, { threads: 2 });
 * fit.threads; // 2
 * ```
 */
export function createWorkerParallelism(options: WorkerParallelismOptions = {}): TfidfParallelism {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  return { threads, loss: createWorkerLoss({ threads }), count: countOnWorker };
}
