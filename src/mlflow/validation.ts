/**
 * MLflow's input validation (`mlflow/utils/validation.py`), written once for the stores that
 * validate locally (memory, SQL, IndexedDB); the REST store leaves it to the server, which applies
 * the same rules. Limits are those of the pinned MLflow.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import type { DatasetInput, Metric, Param, Tag } from "./tracking-entities.js";

/**
 * Limits applied by MLflow (see `mlflow/utils/validation.py`).
 *
 * @example
 * ```ts
 * LIMITS.paramValue; // 6000: longer param values are truncated
 * ```
 */
export const LIMITS = /* @__PURE__ */ Object.freeze({
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  paramValue: 6000,
  runTagValue: 8000,
  experimentName: 500,
  experimentTagKey: 250,
  experimentTagValue: 20000,
  entityKey: 250,
  searchMaxResults: 50000,
  searchDefaultResults: 1000,
  datasetName: 500,
  datasetDigest: 36,
  datasetSource: 65535,
  datasetSchema: 1048575,
  datasetProfile: 16777215,
  inputTagKey: 255,
  inputTagValue: 500,
});

const invalid = (message: string): SentiMlopsError => SentiMlopsError.invalidParameterValue(message, { component: "mlflow" });

// Python's `\w` in MLflow's key pattern `^[/\w.\- :]*$` is Unicode-aware: letters, digits, `_`.
const KEY_CHARS = /^[/\p{L}\p{N}_.\- :]*$/u;

/**
 * POSIX `normpath`, as Python's `posixpath.normpath` computes it.
 *
 * @example
 * ```ts
 * posixNormpath("a/./b/../c"); // "a/c"
 * ```
 */
export function posixNormpath(path: string): string {
  if (path === "") return ".";
  const initial = path.startsWith("/") ? (path.startsWith("//") && !path.startsWith("///") ? 2 : 1) : 0;
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== ".." || (initial === 0 && parts.length === 0) || (parts.length > 0 && parts[parts.length - 1] === "..")) {
      parts.push(part);
    } else if (parts.length > 0) {
      parts.pop();
    }
  }
  const joined = "/".repeat(initial) + parts.join("/");
  return joined || ".";
}

function pathNotUnique(name: string): boolean {
  const norm = posixNormpath(name);
  return norm !== name || norm === "." || norm.startsWith("..") || norm.startsWith("/");
}

/**
 * Checks a metric, param or tag key the way MLflow does. `what` names it in the message.
 *
 * @example
 * ```ts
 * validateKey("eval/accuracy", "key"); // "eval/accuracy"
 * validateKey("a/../b", "key"); // throws INVALID_PARAMETER_VALUE (resolves to "b")
 * ```
 */
export function validateKey(key: unknown, what: string): string {
  if (typeof key !== "string") throw invalid(`Missing value for required parameter '${what}'.`);
  if (!KEY_CHARS.test(key)) {
    throw invalid(
      `Invalid value ${JSON.stringify(key)} for parameter '${what}' supplied: Names may only contain alphanumerics, ` +
        "underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).",
    );
  }
  if (pathNotUnique(key)) {
    throw invalid(
      `Invalid value ${JSON.stringify(key)} for parameter '${what}' supplied: Names may be treated as files in certain ` +
        `cases, and must not resolve to other names when treated as such. This name would resolve to '${posixNormpath(key)}'`,
    );
  }
  if (key.length > LIMITS.entityKey) throw invalid(`'${what}' exceeds the maximum length of ${LIMITS.entityKey} characters`);
  return key;
}

/** MLflow truncates over-long param and run-tag values (MLFLOW_TRUNCATE_LONG_VALUES defaults to true). */
function truncate(value: string, limit: number): string {
  return value.length > limit ? value.slice(0, limit) : value;
}

/**
 * Validates a metric point; returns it with defaults filled in.
 *
 * @example
 * ```ts
 * validateMetric({ key: "accuracy", value: 0.9, timestamp: Date.now(), step: 0 });
 * ```
 */
export function validateMetric(metric: Metric, path = "metric"): Metric {
  validateKey(metric?.key, `${path}.key`);
  const { value, timestamp, step } = metric;
  if (typeof value !== "number") {
    throw invalid(`Invalid value ${JSON.stringify(value) ?? String(value)} for parameter '${path}.value' supplied: Please specify value as a valid double (64-bit floating point)`);
  }
  if (typeof timestamp !== "number" || !Number.isInteger(timestamp) || timestamp < 0) {
    throw invalid(`Invalid value ${JSON.stringify(timestamp) ?? String(timestamp)} for parameter '${path}.timestamp' supplied: Timestamp must be a nonnegative long (64-bit integer)`);
  }
  if (typeof step !== "number" || !Number.isInteger(step)) {
    throw invalid(`Invalid value ${JSON.stringify(step) ?? String(step)} for parameter '${path}.step' supplied: Step must be a valid long (64-bit integer).`);
  }
  return metric;
}

/**
 * Validates a param; the value is truncated to MLflow's limit.
 *
 * @example
 * ```ts
 * validateParam({ key: "note", value: "x".repeat(7000) }).value.length; // 6000
 * ```
 */
export function validateParam(param: Param, path = "param"): Param {
  const key = validateKey(param?.key, `${path}.key`);
  if (typeof param.value !== "string") throw invalid(`Missing value for required parameter '${path}.value'.`);
  return { key, value: truncate(param.value, LIMITS.paramValue) };
}

/**
 * Validates a run tag; the value is truncated to MLflow's limit.
 *
 * @example
 * ```ts
 * validateRunTag({ key: "team", value: "nlp" }); // { key: "team", value: "nlp" }
 * ```
 */
export function validateRunTag(tag: Tag, path = "tag"): Tag {
  const key = validateKey(tag?.key, `${path}.key`);
  if (typeof tag.value !== "string") throw invalid(`Missing value for required parameter '${path}.value'.`);
  return { key, value: truncate(tag.value, LIMITS.runTagValue) };
}

/**
 * Validates an experiment tag (no truncation: MLflow rejects over-long values).
 *
 * @example
 * ```ts
 * validateExperimentTag({ key: "owner", value: "ml-team" });
 * ```
 */
export function validateExperimentTag(tag: Tag): Tag {
  validateKey(tag?.key, "key");
  if (typeof tag.value !== "string") throw invalid("Missing value for required parameter 'value'.");
  if (tag.value.length > LIMITS.experimentTagValue) {
    throw invalid(`'value' exceeds the maximum length of ${LIMITS.experimentTagValue} characters`);
  }
  return tag;
}

/**
 * Validates an experiment name.
 *
 * @example
 * ```ts
 * validateExperimentName("sentiment"); // "sentiment"
 * validateExperimentName(""); // throws INVALID_PARAMETER_VALUE
 * ```
 */
export function validateExperimentName(name: unknown): string {
  if (typeof name !== "string" || name === "") throw invalid(`Invalid experiment name: '${String(name ?? "")}'`);
  if (name.length > LIMITS.experimentName) throw invalid(`'name' exceeds the maximum length of ${LIMITS.experimentName} characters`);
  return name;
}

/**
 * Parses an experiment id of the SQL-style stores (a decimal integer).
 *
 * @example
 * ```ts
 * parseExperimentId("007"); // 7
 * parseExperimentId("abc"); // throws INVALID_PARAMETER_VALUE
 * ```
 */
export function parseExperimentId(experimentId: unknown): number {
  const text = String(experimentId);
  if (typeof experimentId !== "string" && typeof experimentId !== "number") {
    throw invalid(`Invalid experiment ID '${text}'. Experiment ID must be a valid integer.`);
  }
  if (!/^-?\d+$/.test(text.trim())) throw invalid(`Invalid experiment ID '${text}'. Experiment ID must be a valid integer.`);
  return Number(text.trim());
}

/**
 * Validates a run id's form.
 *
 * @example
 * ```ts
 * validateRunId("3f2a9c0d4b1e4f6a8c7d2e1f0a9b8c7d"); // returned as is
 * ```
 */
export function validateRunId(runId: unknown): string {
  if (typeof runId !== "string" || !/^[a-zA-Z0-9][\w-]{0,255}$/.test(runId)) {
    throw invalid(`Invalid value ${JSON.stringify(runId) ?? String(runId)} for parameter 'run_id' supplied.`);
  }
  return runId;
}

/**
 * Validates a `logBatch` request: limits, every entry, and unique param keys.
 *
 * @example
 * ```ts
 * const { metrics, params, tags } = validateBatch({ params: [{ key: "C", value: "4" }] }); // metrics: [], tags: []
 * ```
 */
export function validateBatch(batch: { metrics?: readonly Metric[]; params?: readonly Param[]; tags?: readonly Tag[] }): {
  metrics: Metric[];
  params: Param[];
  tags: Tag[];
} {
  const metrics = [...(batch.metrics ?? [])];
  const params = [...(batch.params ?? [])];
  const tags = [...(batch.tags ?? [])];
  const limit = (what: string, max: number, n: number): void => {
    if (n > max) {
      throw invalid(
        `A batch logging request can contain at most ${max} ${what}. Got ${n} ${what}. Please split up ${what} across multiple requests and try again.`,
      );
    }
  };
  limit("metrics", LIMITS.metricsPerBatch, metrics.length);
  limit("params", LIMITS.paramsPerBatch, params.length);
  limit("tags", LIMITS.tagsPerBatch, tags.length);
  limit("metrics, params, and tags", LIMITS.entitiesPerBatch, metrics.length + params.length + tags.length);
  metrics.forEach((m, i) => validateMetric(m, `metrics[${i}]`));
  const checkedParams = params.map((p, i) => validateParam(p, `params[${i}]`));
  const seen = new Set<string>();
  const dupes = checkedParams.filter((p) => (seen.has(p.key) ? true : (seen.add(p.key), false))).map((p) => p.key);
  if (dupes.length > 0) {
    throw invalid(
      `Duplicate parameter keys have been submitted: ${JSON.stringify(dupes)}. Please ensure the request contains only one param value per param key.`,
    );
  }
  return { metrics, params: checkedParams, tags: tags.map((t, i) => validateRunTag(t, `tags[${i}]`)) };
}

/**
 * Validates `maxResults` of a search.
 *
 * @example
 * ```ts
 * validateMaxResults(undefined, 100, 1000); // 100
 * validateMaxResults(5000, 100, 1000); // throws INVALID_PARAMETER_VALUE
 * ```
 */
export function validateMaxResults(maxResults: number | undefined, fallback: number, max: number): number {
  const n = maxResults ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw invalid(`Invalid value ${n} for parameter 'max_results' supplied. It must be at most ${max}, and at least 1.`);
  }
  return n;
}

/**
 * Validates dataset inputs: required fields, MLflow's size limits, input tag keys and sizes.
 *
 * @example
 * ```ts
 * validateDatasetInputs([{ dataset: { name: "imdb", digest: "a1b2", sourceType: "local", source: "data.csv" }, tags: [] }]);
 * ```
 */
export function validateDatasetInputs(datasets: readonly DatasetInput[]): void {
  for (const input of datasets) {
    const d = input.dataset;
    const checks: [string, unknown, number][] = [
      ["name", d?.name, LIMITS.datasetName],
      ["digest", d?.digest, LIMITS.datasetDigest],
      ["source_type", d?.sourceType, Infinity],
      ["source", d?.source, LIMITS.datasetSource],
    ];
    for (const [field, value, limit] of checks) {
      if (typeof value !== "string") throw invalid(`Missing value for required parameter 'dataset.${field}'.`);
      if (value.length > limit) throw invalid(`Dataset ${field} exceeds the maximum length of ${limit}`);
    }
    for (const t of input.tags) {
      validateKey(t.key, "input_tag.key");
      if (t.key.length > LIMITS.inputTagKey || t.value.length > LIMITS.inputTagValue) {
        throw invalid(`Input tag key or value exceeds the maximum length (${LIMITS.inputTagKey} / ${LIMITS.inputTagValue})`);
      }
    }
  }
}
