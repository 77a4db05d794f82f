/**
 * MLflow's tracking entities, in camelCase. Field meanings follow MLflow's protos
 * (`mlflow/protos/service.proto`); the REST store maps them to and from the snake_case wire form.
 * Times are epoch milliseconds; ids are strings (experiment ids are decimal integers in the SQL
 * and REST stores, run ids 32 lowercase hex characters).
 *
 * @module
 */

/** Whether an experiment or run is live or soft-deleted. */
export type LifecycleStage = "active" | "deleted";

/** Run status. */
export type RunStatus = "RUNNING" | "SCHEDULED" | "FINISHED" | "FAILED" | "KILLED";

/** Which entities a search returns, by lifecycle stage. @default "ACTIVE_ONLY" */
export type ViewType = "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";

/** A key/value tag (experiment and run tags, input tags). */
export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** A run parameter (immutable once logged). */
export interface Param {
  readonly key: string;
  readonly value: string;
}

/** One metric point. `value` may be NaN or ±Infinity. */
export interface Metric {
  readonly key: string;
  readonly value: number;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly step: number;
}

/** An experiment. */
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

/** A run's metadata. */
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

/** A run's logged data: the latest value of each metric, params and tags. */
export interface RunData {
  /** Latest value per metric key (greatest by step, then timestamp, then value). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** A dataset as MLflow records it (`mlflow.entities.Dataset`). */
export interface Dataset {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema?: string;
  readonly profile?: string;
}

/** A dataset used by a run, with input tags (e.g. `mlflow.data.context` = "train"). */
export interface DatasetInput {
  readonly dataset: Dataset;
  readonly tags: readonly Tag[];
}

/** A run: info, data and inputs. */
export interface Run {
  readonly info: RunInfo;
  readonly data: RunData;
  readonly inputs: { readonly datasetInputs: readonly DatasetInput[] };
}

/** One page of results; `nextPageToken` is absent on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken?: string;
}
