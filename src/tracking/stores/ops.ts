/**
 * The methods of a tracking store by entity: what each entity module of the memory and SQL stores
 * implements (`createXxxOps(ctx)`), declared once for both.
 *
 * @module
 */
import type { TrackingStore } from "../../mlflow/tracking-store.js";

/**
 * The experiment methods of a tracking store.
 *
 * @example
 * ```ts
 * const ops: ExperimentOps = createExperimentOps(ctx);
 * ```
 */
export type ExperimentOps = Pick<
  TrackingStore,
  | "createExperiment"
  | "getExperiment"
  | "getExperimentByName"
  | "renameExperiment"
  | "deleteExperiment"
  | "restoreExperiment"
  | "setExperimentTag"
  | "deleteExperimentTag"
>;

/**
 * The run methods of a tracking store (runs, metrics, params, tags, inputs, metric history).
 *
 * @example
 * ```ts
 * const ops: RunOps = createRunOps(ctx);
 * ```
 */
export type RunOps = Pick<
  TrackingStore,
  "createRun" | "getRun" | "updateRunInfo" | "deleteRun" | "restoreRun" | "logBatch" | "deleteTag" | "getMetricHistory" | "logInputs"
>;

/**
 * The search methods of a tracking store.
 *
 * @example
 * ```ts
 * const ops: SearchOps = createSearchOps(ctx);
 * ```
 */
export type SearchOps = Pick<TrackingStore, "searchExperiments" | "searchRuns">;
