/**
 * The binding of browsers and every runtime without the `node` export condition (see
 * `binding.ts`): one thread, no file system, onnxruntime-web with an IndexedDB download cache.
 *
 * @module
 */
import type { TfidfParallelism } from "../tfidf/parallel.js";
import type { TrackingOptions } from "../tracking/client.js";
import type { ModelFiles } from "./binding.js";
import { WEB_BERT_ENVIRONMENT } from "./web-bert.js";

/** This binding's runtime. */
export const RUNTIME = "web";

/** None: training runs on the calling thread (pass `parallel` to `trainTfidf` to change that). */
export function tfidfParallelism(_threads: number | undefined): TfidfParallelism | undefined {
  return undefined;
}

/** None: models are read from bytes, URLs and artifact stores. */
export const modelFiles: ModelFiles | undefined = undefined;

/** onnxruntime-web, downloads cached in IndexedDB. */
export const bertEnvironment = WEB_BERT_ENVIRONMENT;

/** Nothing beyond the universal stores (REST, memory). */
export function trackingDefaults(options: TrackingOptions): TrackingOptions {
  return options;
}

