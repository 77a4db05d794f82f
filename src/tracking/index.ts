/**
 * MLflow-compatible experiment tracking: a client (`createTracking`) over interchangeable stores —
 * an MLflow server (REST), an embedded SQLite file in MLflow's schema (Node), or memory.
 *
 * @example
 * ```ts
 * import { createTracking } from "senti-mlops/tracking";
 * const tracking = await createTracking("http://127.0.0.1:5000");
 * const run = await tracking.startRun({ experimentName: "sentiment", runName: "tfidf" });
 * await run.logMetric("accuracy", 0.905);
 * await run.end();
 * ```
 *
 * @module
 */
import { bertCodec } from "../bert/index.web.js";
import { tfidfCodec } from "../models/model-codec.js";
import type { TrackingStore } from "../mlflow/tracking-store.js";
import { createTracking as createTrackingWith, type Tracking, type TrackingOptions } from "./tracking.js";

export { DEFAULT_TRACKING_URI } from "./tracking.js";

/**
 * Creates a tracking client (see {@link TrackingOptions}) whose `run.logModel` knows TF-IDF and
 * BERT models (BERT decodes on onnxruntime-web here, on onnxruntime-node in Node).
 *
 * @example
 * ```ts
 * const tracking = await createTracking("http://127.0.0.1:5000");
 * await tracking.withRun({ experimentName: "sentiment" }, (run) => run.logMetric("accuracy", 0.9));
 * ```
 */
export function createTracking(uriOrStore?: string | TrackingStore, options: TrackingOptions = {}): Promise<Tracking> {
  return createTrackingWith(uriOrStore, { codecs: [tfidfCodec, bertCodec], ...options });
}
export type { Tracking, TrackingOptions, StartRunOptions, OpenedStores } from "./tracking.js";
export { createActiveRun } from "./run.js";
export type { ActiveRun, BufferOptions, LocalFileReader, MetricOptions } from "./run.js";
export type {
  TrackingStore,
  SearchExperimentsOptions,
  SearchRunsOptions,
  CreateRunRequest,
  RunInfoUpdate,
  LogBatch,
} from "../mlflow/tracking-store.js";
export type {
  Experiment,
  Run,
  RunInfo,
  RunData,
  Metric,
  Param,
  Tag,
  Dataset,
  DatasetInput,
  Page,
  RunStatus,
  ViewType,
  LifecycleStage,
} from "../mlflow/tracking-entities.js";
export { createMemoryStore } from "./stores/memory-store.js";
export type { MemoryStoreOptions } from "./stores/memory-store.js";
export { createRestStore } from "./stores/rest-store.js";
export type { RestStoreOptions } from "./stores/rest-store.js";
export { parseFilter, parseOrderBy } from "../mlflow/search/index.js";
