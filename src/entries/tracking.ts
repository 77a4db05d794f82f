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
export { createTracking } from "../api/create-tracking.js";
export { DEFAULT_TRACKING_URI } from "../tracking/client.js";
export type { Tracking, TrackingOptions, StartRunOptions, OpenedStores } from "../tracking/client.js";
export { pushTracking, SOURCE_RUN_TAG, SOURCE_VERSION_TAG } from "../tracking/push.js";
export type { PushOptions, PushProgress, PushReport } from "../tracking/push.js";
export { createActiveRun } from "../tracking/run.js";
export type { ActiveRun, BufferOptions, LocalFileReader, MetricOptions } from "../tracking/run.js";
export type { LogModelOptions, LoggedModel, ModelStoreContext, ModelLogger } from "../tracking/model-logging.js";
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
export { logEvaluation, evaluationDataset, EVALUATED_MODEL_TAG } from "../api/log-evaluation.js";
export type { EvaluationRun, LogEvaluationOptions, EvaluationDatasetOptions } from "../api/log-evaluation.js";
export { pandasDigest } from "../mlflow/dataset-digest.js";
export type { DigestColumn } from "../mlflow/dataset-digest.js";
export type { LabeledDatasetOptions } from "../mlflow/labeled-dataset.js";
export { createRestStore } from "../tracking/stores/rest-store.js";
export type { RestStoreOptions } from "../tracking/stores/rest-store.js";
