/**
 * The tracking store interface: MLflow's abstract tracking store in camelCase. Every
 * implementation (memory, SQL in MLflow's schema, REST against an MLflow server, IndexedDB) gives
 * the same results and the same error codes for the same calls; a shared conformance suite checks.
 *
 * @module
 */
import type { DatasetInput, Experiment, Metric, Page, Param, Run, RunInfo, RunStatus, Tag, ViewType } from "./tracking-entities.js";

/**
 * Options of {@link TrackingStore.searchExperiments}.
 *
 * @example
 * ```ts
 * const page = await store.searchExperiments({ filter: "name LIKE 'sentiment%'", orderBy: ["creation_time DESC"], maxResults: 10 });
 * ```
 */
export interface SearchExperimentsOptions {
  /** @default "ACTIVE_ONLY" */
  viewType?: ViewType;
  /** 1 … 50 000. @default 1000 */
  maxResults?: number;
  /** MLflow's filter grammar, e.g. `name LIKE 'sentiment%' AND tags.team = 'nlp'`. */
  filter?: string;
  /** e.g. `["creation_time DESC"]`. @default ["creation_time DESC", "experiment_id ASC"] */
  orderBy?: readonly string[];
  pageToken?: string;
}

/**
 * Options of {@link TrackingStore.searchRuns}.
 *
 * @example
 * ```ts
 * const page = await store.searchRuns({ experimentIds: ["1"], filter: "metrics.accuracy > 0.9", orderBy: ["metrics.accuracy DESC"] });
 * ```
 */
export interface SearchRunsOptions {
  experimentIds: readonly string[];
  /** MLflow's filter grammar, e.g. `metrics.accuracy > 0.9 AND params.C = '4'`. */
  filter?: string;
  /** @default "ACTIVE_ONLY" */
  viewType?: ViewType;
  /** 1 … 50 000. @default 1000 */
  maxResults?: number;
  /** e.g. `["metrics.accuracy DESC"]`. @default ["start_time DESC", "run_id ASC"] */
  orderBy?: readonly string[];
  pageToken?: string;
}

/**
 * What {@link TrackingStore.createRun} needs.
 *
 * @example
 * ```ts
 * const run = await store.createRun({ experimentId: "1", runName: "tfidf-baseline", tags: [{ key: "team", value: "nlp" }] });
 * ```
 */
export interface CreateRunRequest {
  experimentId: string;
  /** @default "" */
  userId?: string;
  /** Epoch ms. @default now */
  startTime?: number;
  tags?: readonly Tag[];
  /** @default the `mlflow.runName` tag, else a generated name */
  runName?: string;
}

/**
 * Fields of a run that {@link TrackingStore.updateRunInfo} may change.
 *
 * @example
 * ```ts
 * await store.updateRunInfo(runId, { status: "FINISHED", endTime: Date.now() });
 * ```
 */
export interface RunInfoUpdate {
  status?: RunStatus;
  endTime?: number;
  runName?: string;
}

/**
 * One `logBatch` call: at most 1000 metrics, 100 params, 100 tags (1000 in all).
 *
 * @example
 * ```ts
 * const batch: LogBatch = { metrics: [{ key: "loss", value: 0.31, timestamp: Date.now(), step: 3 }], params: [{ key: "C", value: "4" }] };
 * await store.logBatch(runId, batch);
 * ```
 */
export interface LogBatch {
  metrics?: readonly Metric[];
  params?: readonly Param[];
  tags?: readonly Tag[];
}

/**
 * MLflow's tracking store.
 *
 * Errors are `SentiMlopsError`s with MLflow's codes: `RESOURCE_DOES_NOT_EXIST` for an unknown id,
 * `RESOURCE_ALREADY_EXISTS` for a taken experiment name, `INVALID_PARAMETER_VALUE` for bad input
 * (including a changed param value and a bad filter), `INVALID_STATE` for an operation on a
 * deleted experiment where MLflow says so.
 *
 * @example
 * ```ts
 * const store: TrackingStore = createMemoryStore();
 * const experimentId = await store.createExperiment("sentiment");
 * const { info } = await store.createRun({ experimentId });
 * await store.logBatch(info.runId, { params: [{ key: "C", value: "4" }] });
 * ```
 */
export interface TrackingStore {
  /** A short description for messages, e.g. `sqlite:///mlflow.db`. */
  readonly uri: string;

  createExperiment(name: string, options?: { artifactLocation?: string; tags?: readonly Tag[] }): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment>;
  /** The experiment with this name in any lifecycle stage, or null. */
  getExperimentByName(name: string): Promise<Experiment | null>;
  searchExperiments(options?: SearchExperimentsOptions): Promise<Page<Experiment>>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  /** Soft delete; the experiment's runs are deleted with it. */
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void>;
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  createRun(request: CreateRunRequest): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  updateRunInfo(runId: string, update: RunInfoUpdate): Promise<RunInfo>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  /** The one write path for metrics, params and tags: all of it is applied, or none. */
  logBatch(runId: string, batch: LogBatch): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  /** Every point of one metric, ordered by timestamp, step, value. */
  getMetricHistory(runId: string, key: string, options?: { maxResults?: number; pageToken?: string }): Promise<Page<Metric>>;
  searchRuns(options: SearchRunsOptions): Promise<Page<Run>>;
  logInputs(runId: string, datasets: readonly DatasetInput[]): Promise<void>;

  /** Releases connections; idempotent. */
  close(): Promise<void>;
}
