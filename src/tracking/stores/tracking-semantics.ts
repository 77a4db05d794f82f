/**
 * Tracking semantics the memory and SQL stores share, written once: how MLflow's SQL store encodes
 * metric values and picks a key's latest metric, how a new run gets its name, artifact URIs, and the
 * errors (codes and messages) both stores report.
 *
 * @module
 */
import { SentiMlopsError } from "../../errors.js";
import { generateRunName } from "../../mlflow/run-name.js";
import type { CreateRunRequest } from "../../mlflow/tracking-store.js";
import { validateExperimentName, validateExperimentTag } from "../../mlflow/validation.js";
import type { LifecycleStage, Tag } from "../../mlflow/tracking-entities.js";

/**
 * The tag that holds a run's name (MLflow keeps it in step with `runs.name`).
 *
 * @example
 * ```ts
 * const name = run.data.tags[RUN_NAME_TAG];
 * ```
 */
export const RUN_NAME_TAG = "mlflow.runName";

/**
 * A metric point as MLflow's SQL store holds it: NaN as value 0 with a flag.
 *
 * @example
 * ```ts
 * const point: StoredMetric = { value: 0, isNan: true, timestamp: 1_700_000_000_000, step: 3 };
 * ```
 */
export interface StoredMetric {
  value: number;
  isNan: boolean;
  timestamp: number;
  step: number;
}

/**
 * Values MLflow's SQL store writes for a metric: NaN as 0 with a flag, ±Inf clamped to ±max.
 *
 * @example
 * ```ts
 * sanitizeMetricValue(NaN); // { value: 0, isNan: true }
 * sanitizeMetricValue(Infinity); // { value: 1.7976931348623157e308, isNan: false }
 * ```
 */
export function sanitizeMetricValue(value: number): { value: number; isNan: boolean } {
  if (Number.isNaN(value)) return { value: 0, isNan: true };
  if (value === Infinity) return { value: Number.MAX_VALUE, isNan: false };
  if (value === -Infinity) return { value: -Number.MAX_VALUE, isNan: false };
  return { value, isNan: false };
}

/**
 * True when `a` is strictly more recent than `b` by (step, timestamp, stored value), as MLflow decides.
 *
 * @example
 * ```ts
 * isNewerMetric({ value: 1, isNan: false, timestamp: 5, step: 2 }, { value: 9, isNan: false, timestamp: 9, step: 1 }); // true
 * ```
 */
export function isNewerMetric(a: StoredMetric, b: StoredMetric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

/**
 * MLflow's `append_to_uri_path` for the cases that occur here: one `/` between parts.
 *
 * @example
 * ```ts
 * joinUri("s3://bucket/mlflow/", "3"); // "s3://bucket/mlflow/3"
 * ```
 */
export function joinUri(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ""), ...parts].join("/");
}

/**
 * A `RESOURCE_DOES_NOT_EXIST` error of the tracking component.
 *
 * @example
 * ```ts
 * throw notFound(`Run with id=${runId} not found`);
 * ```
 */
export const notFound = (message: string): SentiMlopsError => new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", message, { component: "tracking" });

/**
 * An `INVALID_PARAMETER_VALUE` error of the tracking component.
 *
 * @example
 * ```ts
 * throw invalid("Invalid view type 'X'");
 * ```
 */
export const invalid = (message: string): SentiMlopsError => SentiMlopsError.invalidParameterValue(message, { component: "tracking" });

/**
 * MLflow's error for an experiment that must be active and is not.
 *
 * @example
 * ```ts
 * if (stage !== "active") throw experimentNotActive(experimentId, stage);
 * ```
 */
export const experimentNotActive = (experimentId: string, stage: string | null): SentiMlopsError =>
  invalid(`The experiment ${experimentId} must be in the 'active' state. Current state is ${stage}.`);

/**
 * MLflow's error for a run that must be active and is not.
 *
 * @example
 * ```ts
 * if (stage !== "active") throw runNotActive(runId, stage);
 * ```
 */
export const runNotActive = (runId: string, stage: string): SentiMlopsError =>
  invalid(`The run ${runId} must be in the 'active' state. Current state is ${stage}.`);

/**
 * MLflow's error for a name taken by another experiment (createExperiment only).
 *
 * @example
 * ```ts
 * if (taken) throw experimentExists(name);
 * ```
 */
export const experimentExists = (name: string): SentiMlopsError =>
  new SentiMlopsError("RESOURCE_ALREADY_EXISTS", `Experiment(name=${name}) already exists.`, { component: "tracking" });

/**
 * MLflow's error for renaming a deleted experiment.
 *
 * @example
 * ```ts
 * if (stage !== "active") throw cannotRenameInactive();
 * ```
 */
export const cannotRenameInactive = (): SentiMlopsError =>
  new SentiMlopsError("INVALID_STATE", "Cannot rename a non-active experiment.", { component: "tracking" });

/**
 * MLflow's error for a param logged again with another value.
 *
 * @example
 * ```ts
 * if (old !== undefined && old !== p.value) throw paramChanged(runId, p.key, old, p.value);
 * ```
 */
export const paramChanged = (runId: string, key: string, old: string, value: string): SentiMlopsError =>
  invalid(
    `Changing param values is not allowed. Param with key='${key}' was already logged with value='${old}' for run ID='${runId}'. Attempted logging new value '${value}'.`,
  );

/**
 * A closed store's error.
 *
 * @example
 * ```ts
 * if (closed) throw storeClosed("the memory store");
 * ```
 */
export const storeClosed = (what: string): SentiMlopsError => new SentiMlopsError("INVALID_STATE", `${what} is closed`, { component: "tracking" });

/**
 * True when an entity in `stage` is visible under `view` (ACTIVE_ONLY when none is given).
 *
 * @example
 * ```ts
 * isInView("deleted", "ALL"); // true
 * ```
 */
export function isInView(stage: LifecycleStage | string | null, view: "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL" = "ACTIVE_ONLY"): boolean {
  return view === "ALL" || (view === "ACTIVE_ONLY" ? stage === "active" : stage === "deleted");
}

/**
 * A new run's name and tags as MLflow's `create_run` settles them: the given tags kept as they are
 * (no key check, no truncation, unlike logBatch; sqlalchemy_store.py create_run, MLflow 3.17.2),
 * `runName` and an `mlflow.runName` tag must agree, a generated name otherwise, and the tag added
 * when it is missing.
 *
 * @example
 * ```ts
 * const { name, tags } = newRunNameAndTags({ experimentId: "0", runName: "tfidf" });
 * // name "tfidf"; tags [{ key: "mlflow.runName", value: "tfidf" }]
 * ```
 */
export function newRunNameAndTags(request: Pick<CreateRunRequest, "runName" | "tags">): { name: string; tags: Tag[] } {
  const tags = (request.tags ?? []).map((t) => ({ key: String(t.key), value: String(t.value ?? "") }));
  const nameTag = tags.find((t) => t.key === RUN_NAME_TAG)?.value;
  if (request.runName && nameTag && request.runName !== nameTag) {
    throw invalid(
      `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${request.runName}', mlflow.runName='${nameTag}').`,
    );
  }
  const name = request.runName || nameTag || generateRunName();
  if (!nameTag) tags.push({ key: RUN_NAME_TAG, value: name });
  return { name, tags };
}

/**
 * MLflow's checks of a new experiment (`_validate_experiment_name`, its tags, and an artifact
 * location that is not a `runs:/` URI); returns the validated tags.
 *
 * @example
 * ```ts
 * const tags = validateNewExperiment("sentiment", { tags: [{ key: "team", value: "nlp" }] });
 * ```
 */
export function validateNewExperiment(name: string, opts: { readonly tags?: readonly Tag[]; readonly artifactLocation?: string }): Tag[] {
  validateExperimentName(name);
  const tags = (opts.tags ?? []).map(validateExperimentTag);
  if (opts.artifactLocation?.startsWith("runs:")) {
    throw invalid(`Artifact location cannot be a runs:/ URI. Given: '${opts.artifactLocation}'`);
  }
  return tags;
}
