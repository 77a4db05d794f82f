/**
 * MLflow's tracking entities, in camelCase. Field meanings follow MLflow's protos
 * (`mlflow/protos/service.proto`); the REST store maps them to and from the snake_case wire form.
 * Times are epoch milliseconds; ids are strings (experiment ids are decimal integers in the SQL
 * and REST stores, run ids 32 lowercase hex characters).
 *
 * @module
 */

/**
 * Whether an experiment or run is live or soft-deleted.
 *
 * @example
 * ```ts
 * const live = (await store.getExperiment("1")).lifecycleStage === ("active" satisfies LifecycleStage);
 * ```
 */
export type LifecycleStage = "active" | "deleted";

/**
 * Run status.
 *
 * @example
 * ```ts
 * const status: RunStatus = "FINISHED";
 * await store.updateRunInfo(runId, { status, endTime: Date.now() });
 * ```
 */
export type RunStatus = "RUNNING" | "SCHEDULED" | "FINISHED" | "FAILED" | "KILLED";

/**
 * Which entities a search returns, by lifecycle stage. @default "ACTIVE_ONLY"
 *
 * @example
 * ```ts
 * const viewType: ViewType = "ALL";
 * await store.searchExperiments({ viewType }); // live and deleted experiments
 * ```
 */
export type ViewType = "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";

/**
 * A key/value tag (experiment and run tags, input tags).
 *
 * @example
 * ```ts
 * const tag: Tag = { key: "team", value: "nlp" };
 * ```
 */
export interface Tag {
  readonly key: string;
  readonly value: string;
}

/**
 * A run parameter (immutable once logged).
 *
 * @example
 * ```ts
 * const param: Param = { key: "C", value: "4" };
 * ```
 */
export interface Param {
  readonly key: string;
  readonly value: string;
}

/**
 * One metric point. `value` may be NaN or ±Infinity.
 *
 * @example
 * ```ts
 * const metric: Metric = { key: "accuracy", value: 0.905, timestamp: Date.now(), step: 0 };
 * ```
 */
export interface Metric {
  readonly key: string;
  readonly value: number;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly step: number;
}

/**
 * An experiment.
 *
 * @example
 * ```ts
 * const experiment: Experiment = await store.getExperiment("1");
 * console.log(experiment.name, experiment.artifactLocation, experiment.tags);
 * ```
 */
export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: LifecycleStage;
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  /** Tags by key. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * A run's metadata.
 *
 * @example
 * ```ts
 * const { runId, status, artifactUri }: RunInfo = (await store.getRun(runId)).info;
 * ```
 */
export interface RunInfo {
  readonly runId: string;
  readonly runName: string;
  readonly experimentId: string;
  readonly userId: string;
  readonly status: RunStatus;
  readonly startTime: number;
  /** Null while the run has not ended. */
  readonly endTime: number | null;
  readonly artifactUri: string;
  readonly lifecycleStage: LifecycleStage;
}

/**
 * A run's logged data: the latest value of each metric, params and tags.
 *
 * @example
 * ```ts
 * const { metrics, params }: RunData = (await store.getRun(runId)).data;
 * metrics["accuracy"]; // 0.905 (its latest value)
 * ```
 */
export interface RunData {
  /** Latest value per metric key (greatest by step, then timestamp, then value). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * A dataset as MLflow records it (`mlflow.entities.Dataset`).
 *
 * @example
 * ```ts
 * const dataset: Dataset = { name: "imdb-train", digest: "a1b2c3d4", sourceType: "local", source: '{"uri": "data/train.csv"}' };
 * ```
 */
export interface Dataset {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema?: string;
  readonly profile?: string;
}

/**
 * A dataset used by a run, with input tags (e.g. `mlflow.data.context` = "train").
 *
 * @example
 * ```ts
 * const input: DatasetInput = { dataset, tags: [{ key: "mlflow.data.context", value: "train" }] };
 * ```
 */
export interface DatasetInput {
  readonly dataset: Dataset;
  readonly tags: readonly Tag[];
}

/**
 * A run: info, data and inputs.
 *
 * @example
 * ```ts
 * const run: Run = await store.getRun(runId);
 * run.info.status; // "FINISHED"
 * run.data.params["C"]; // "4"
 * ```
 */
export interface Run {
  readonly info: RunInfo;
  readonly data: RunData;
  readonly inputs: { readonly datasetInputs: readonly DatasetInput[] };
}

/**
 * One page of results; `nextPageToken` is absent on the last page.
 *
 * @example
 * ```ts
 * let page: Page<Experiment> = await store.searchExperiments({ maxResults: 100 });
 * while (page.nextPageToken) page = await store.searchExperiments({ maxResults: 100, pageToken: page.nextPageToken });
 * ```
 */
export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken?: string;
}
