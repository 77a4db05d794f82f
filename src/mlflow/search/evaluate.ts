/**
 * Evaluates parsed filters and order-by clauses against in-memory entities, for the memory and
 * IndexedDB stores. The semantics are those of MLflow's SQL store (so that every store returns the
 * same results; {@link compileFilterSql} compiles the same semantics to SQL):
 * - metrics compare on the latest value (`RunData.metrics`); a NaN metric satisfies only `!=`;
 *   ±Infinity compare as ±1.7976931348623157e308, the value the SQL store keeps;
 * - a param/tag comparison needs the key to exist, so `!=` only matches entities that have it;
 *   `IS NULL` / `IS NOT NULL` test whether the key exists;
 * - `attributes.run_name` reads the `mlflow.runName` tag (as MLflow does), ordering by run_name
 *   reads `info.runName` (the `runs.name` column);
 * - `LIKE` is case-sensitive with `%` and `_` wildcards, `ILIKE` folds ASCII case (see
 *   {@link sqlLike}); text sorts by code point;
 * - a dataset comparison matches when any of the run's dataset inputs matches; `datasets.context`
 *   reads the input tag `mlflow.data.context`;
 * - order by: for runs, entities missing the key sort after the others in both directions, and
 *   NaN metrics sort after numbers and before missing ones; for experiments and the registry,
 *   null sorts first ascending and last descending, as NULL does in SQLite.
 *
 * @module
 */
import type { Experiment, Run } from "../tracking-entities.js";
import type { Comparison, ParsedFilter } from "./parse-filter.js";
import type { OrderByClause, ParsedOrderBy } from "./parse-order-by.js";
import {
  IS_PROMPT_TAG_KEY,
  type ModelVersionSearchEntity,
  type RegisteredModelSearchEntity,
  STAGE_DELETED_INTERNAL,
} from "./registry-entities.js";
import { compareText, sqlLike, storedMetricValue } from "./sql-semantics.js";

/**
 * The run tag that holds a run's name (what `attributes.run_name` filters read).
 *
 * @example
 * ```ts
 * run.data.tags[RUN_NAME_TAG]; // "tfidf-bigrams"
 * ```
 */
export const RUN_NAME_TAG = "mlflow.runName";
/**
 * The dataset input tag that holds a dataset's context (`train`, `eval`, …), read by `datasets.context`.
 *
 * @example
 * ```ts
 * const input = { dataset, tags: [{ key: DATASET_CONTEXT_TAG, value: "train" }] };
 * ```
 */
export const DATASET_CONTEXT_TAG = "mlflow.data.context";

type Scalar = string | number;

/** Applies one comparator to a present left-hand side. */
function compareValue(lhs: Scalar, c: Comparison): boolean {
  const rhs = c.value;
  switch (c.comparator) {
    case "=":
      return lhs === rhs;
    case "!=":
      return lhs !== rhs;
    case "<":
      return ordered(lhs, rhs) < 0;
    case "<=":
      return ordered(lhs, rhs) <= 0;
    case ">":
      return ordered(lhs, rhs) > 0;
    case ">=":
      return ordered(lhs, rhs) >= 0;
    case "LIKE":
      return typeof lhs === "string" && typeof rhs === "string" && sqlLike(lhs, rhs);
    case "ILIKE":
      return typeof lhs === "string" && typeof rhs === "string" && sqlLike(lhs, rhs, true);
    case "IN":
      return Array.isArray(rhs) && rhs.includes(lhs as string);
    case "NOT IN":
      return Array.isArray(rhs) && !rhs.includes(lhs as string);
    case "IS NULL":
    case "IS NOT NULL":
      return false;
  }
}

/** -1/0/1, or NaN when the two cannot be ordered (NaN operands, mixed types). */
function ordered(lhs: Scalar, rhs: unknown): number {
  if (typeof lhs === "number" && typeof rhs === "number") return lhs < rhs ? -1 : lhs > rhs ? 1 : lhs === rhs ? 0 : NaN;
  if (typeof lhs === "string" && typeof rhs === "string") return compareText(lhs, rhs);
  return NaN;
}

/** A comparison on a key-value map (params, tags): the key must exist, except for IS NULL. */
function matchesMap(map: Readonly<Record<string, string>>, c: Comparison): boolean {
  const present = Object.hasOwn(map, c.key);
  if (c.comparator === "IS NULL") return !present;
  if (c.comparator === "IS NOT NULL") return present;
  return present && compareValue(map[c.key]!, c);
}

function matchesOptional(lhs: Scalar | null | undefined, c: Comparison): boolean {
  return lhs !== null && lhs !== undefined && compareValue(lhs, c);
}

function matchesRunComparison(run: Run, c: Comparison): boolean {
  switch (c.entity) {
    case "metric": {
      if (!Object.hasOwn(run.data.metrics, c.key)) return false;
      const v = run.data.metrics[c.key]!;
      // The SQL store keeps NaN as value 0 with is_nan = 1 and lets a NaN match only "!=".
      if (Number.isNaN(v)) return c.comparator === "!=";
      return compareValue(storedMetricValue(v), c);
    }
    case "param":
      return matchesMap(run.data.params, c);
    case "tag":
      return matchesMap(run.data.tags, c);
    case "dataset":
      return run.inputs.datasetInputs.some((input) => {
        if (c.key === "context") return input.tags.some((t) => t.key === DATASET_CONTEXT_TAG && compareValue(t.value, c));
        return compareValue(c.key === "name" ? input.dataset.name : input.dataset.digest, c);
      });
    case "attribute":
      switch (c.key) {
        case "run_id":
          return compareValue(run.info.runId, c);
        case "run_name":
          return Object.hasOwn(run.data.tags, RUN_NAME_TAG) && compareValue(run.data.tags[RUN_NAME_TAG]!, c);
        case "user_id":
          return matchesOptional(run.info.userId, c);
        case "status":
          return matchesOptional(run.info.status, c);
        case "artifact_uri":
          return matchesOptional(run.info.artifactUri, c);
        case "start_time":
          return matchesOptional(run.info.startTime, c);
        case "end_time":
          return matchesOptional(run.info.endTime, c);
      }
  }
  return false;
}

/**
 * Whether a run satisfies every comparison of a runs filter.
 *
 * @example
 * ```ts
 * const filter = parseFilter("metrics.acc > 0.8 AND params.model = 'tfidf'", "runs");
 * const hits = runs.filter((run) => matchesRun(run, filter));
 * ```
 */
export function matchesRun(run: Run, filter: ParsedFilter<"runs">): boolean {
  return filter.comparisons.every((c) => matchesRunComparison(run, c));
}

/** Experiment ids compare as integers when both are decimal integers. */
function canonicalId(id: string): string {
  return /^-?[0-9]+$/.test(id) ? BigInt(id).toString() : id;
}

/**
 * Whether an experiment satisfies every comparison of an experiments filter.
 *
 * @example
 * ```ts
 * const filter = parseFilter("name LIKE 'sentiment%' AND tags.team = 'nlp'", "experiments");
 * experiments.filter((e) => matchesExperiment(e, filter));
 * ```
 */
export function matchesExperiment(experiment: Experiment, filter: ParsedFilter<"experiments">): boolean {
  return filter.comparisons.every((c) => {
    if (c.entity === "tag") return matchesMap(experiment.tags, c);
    switch (c.key) {
      case "name":
        return compareValue(experiment.name, c);
      case "experiment_id":
        return compareValue(canonicalId(experiment.experimentId), c);
      case "creation_time":
        return matchesOptional(experiment.creationTime, c);
      case "last_update_time":
        return matchesOptional(experiment.lastUpdateTime, c);
    }
    return false;
  });
}

/**
 * Whether the filter asks for prompts: MLflow's registry searches leave prompts out unless the
 * first comparison on the `mlflow.prompt.is_prompt` tag is `= 'true'` or `!= 'false'` (any case).
 *
 * @example
 * ```ts
 * queriesPrompts(parseFilter("tags.`mlflow.prompt.is_prompt` = 'true'", "registeredModels")); // true
 * ```
 */
export function queriesPrompts(filter: ParsedFilter<"registeredModels" | "modelVersions">): boolean {
  const c = filter.comparisons.find((x) => x.entity === "tag" && x.key === IS_PROMPT_TAG_KEY);
  if (c === undefined || typeof c.value !== "string") return false;
  const v = c.value.toLowerCase();
  return (c.comparator === "=" && v === "true") || (c.comparator === "!=" && v === "false");
}

/** Prompt handling shared by both registry searches; returns the comparisons left to check, or null to exclude. */
function promptScope(
  tags: Readonly<Record<string, string>>,
  filter: ParsedFilter<"registeredModels" | "modelVersions">,
): readonly Comparison[] | null {
  if (queriesPrompts(filter)) return filter.comparisons;
  if (tags[IS_PROMPT_TAG_KEY] === "true") return null;
  // Not asking for prompts: MLflow drops the is_prompt comparisons and excludes prompts instead.
  return filter.comparisons.filter((c) => !(c.entity === "tag" && c.key === IS_PROMPT_TAG_KEY));
}

/**
 * Whether a registered model satisfies a registered-models filter. Prompts (models tagged
 * `mlflow.prompt.is_prompt = 'true'`) are excluded unless the filter asks for them.
 *
 * @example
 * ```ts
 * matchesRegisteredModel(model, parseFilter("name LIKE 'sentiment-%'", "registeredModels"));
 * ```
 */
export function matchesRegisteredModel(model: RegisteredModelSearchEntity, filter: ParsedFilter<"registeredModels">): boolean {
  const comparisons = promptScope(model.tags, filter);
  if (comparisons === null) return false;
  return comparisons.every((c) => (c.entity === "tag" ? matchesMap(model.tags, c) : compareValue(model.name, c)));
}

/**
 * Whether a model version satisfies a model-versions filter. Soft-deleted versions
 * (`Deleted_Internal`) never match; prompt versions (tagged `mlflow.prompt.is_prompt = 'true'`) only
 * when the filter asks for prompts. (MLflow's SQL store decides "prompt" per model name, from any
 * version's tags; a version is judged by its own tags here — they agree when prompt versions
 * carry the tag, as MLflow writes them.)
 *
 * @example
 * ```ts
 * matchesModelVersion(version, parseFilter("name = 'sentiment-tfidf' AND version_number > 2", "modelVersions"));
 * ```
 */
export function matchesModelVersion(version: ModelVersionSearchEntity, filter: ParsedFilter<"modelVersions">): boolean {
  if (version.currentStage === STAGE_DELETED_INTERNAL) return false;
  const comparisons = promptScope(version.tags, filter);
  if (comparisons === null) return false;
  return comparisons.every((c) => {
    if (c.entity === "tag") return matchesMap(version.tags, c);
    switch (c.key) {
      case "name":
        return compareValue(version.name, c);
      case "run_id":
        return matchesOptional(version.runId, c);
      case "source_path":
        return matchesOptional(version.source, c);
      case "version_number":
        return compareValue(version.version, c);
    }
    return false;
  });
}

// ---------------------------------------------------------------------------------------------
// Ordering

/** Compares two present values (numbers or text). */
function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  return compareText(String(a), String(b));
}

/** Null/undefined first ascending and last descending, as SQLite orders NULL. */
function compareSqlNullable(a: Scalar | null | undefined, b: Scalar | null | undefined, ascending: boolean): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  let r: number;
  if (an || bn) r = an && bn ? 0 : an ? -1 : 1;
  else r = compareScalars(a, b);
  return ascending ? r : -r;
}

/**
 * Runs: a rank first (present 0, NaN metric 1, missing 2), ascending in both directions, then the
 * value in the clause's direction.
 */
function runSortKey(run: Run, clause: OrderByClause): { rank: number; value: Scalar } {
  let v: Scalar | null | undefined;
  switch (clause.entity) {
    case "metric": {
      if (!Object.hasOwn(run.data.metrics, clause.key)) return { rank: 2, value: 0 };
      const m = run.data.metrics[clause.key]!;
      return Number.isNaN(m) ? { rank: 1, value: 0 } : { rank: 0, value: storedMetricValue(m) };
    }
    case "param":
      v = Object.hasOwn(run.data.params, clause.key) ? run.data.params[clause.key] : undefined;
      break;
    case "tag":
      v = Object.hasOwn(run.data.tags, clause.key) ? run.data.tags[clause.key] : undefined;
      break;
    default:
      v = runAttribute(run, clause.key);
  }
  return v === null || v === undefined ? { rank: 1, value: 0 } : { rank: 0, value: v };
}

function runAttribute(run: Run, key: string): Scalar | null {
  switch (key) {
    case "run_id":
      return run.info.runId;
    case "run_name":
      return run.info.runName;
    case "user_id":
      return run.info.userId;
    case "status":
      return run.info.status;
    case "artifact_uri":
      return run.info.artifactUri;
    case "start_time":
      return run.info.startTime;
    case "end_time":
      return run.info.endTime;
  }
  return null;
}

/**
 * Orders two runs by a parsed order-by (its `effective` clauses: the user's, then `start_time DESC`
 * and `run_id ASC`), for `Array.prototype.sort`.
 *
 * @example
 * ```ts
 * const order = parseOrderBy(["metrics.acc DESC"], "runs");
 * runs.sort((a, b) => compareRuns(a, b, order));
 * ```
 */
export function compareRuns(a: Run, b: Run, orderBy: ParsedOrderBy<"runs">): number {
  for (const clause of orderBy.effective) {
    const ka = runSortKey(a, clause);
    const kb = runSortKey(b, clause);
    if (ka.rank !== kb.rank) return ka.rank - kb.rank;
    if (ka.rank !== 0) continue;
    const r = compareScalars(ka.value, kb.value);
    if (r !== 0) return clause.ascending ? r : -r;
  }
  return 0;
}

function experimentAttribute(e: Experiment, key: string): Scalar | null {
  switch (key) {
    case "name":
      return e.name;
    case "experiment_id":
      return e.experimentId;
    case "creation_time":
      return e.creationTime;
    case "last_update_time":
      return e.lastUpdateTime;
  }
  return null;
}

function compareIds(a: Scalar | null, b: Scalar | null, ascending: boolean): number {
  // Long decimal ids (FileStore-style, 18 digits) compare exactly as integers.
  if (typeof a === "string" && typeof b === "string" && /^-?[0-9]+$/.test(a) && /^-?[0-9]+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    const r = x < y ? -1 : x > y ? 1 : 0;
    return ascending ? r : -r;
  }
  return compareSqlNullable(a, b, ascending);
}

/**
 * Orders two experiments by a parsed order-by (default `creation_time DESC, experiment_id ASC`;
 * otherwise `experiment_id DESC` breaks ties), for `Array.prototype.sort`.
 *
 * @example
 * ```ts
 * experiments.sort((a, b) => compareExperiments(a, b, parseOrderBy(["name"], "experiments")));
 * ```
 */
export function compareExperiments(a: Experiment, b: Experiment, orderBy: ParsedOrderBy<"experiments">): number {
  for (const clause of orderBy.effective) {
    const va = experimentAttribute(a, clause.key);
    const vb = experimentAttribute(b, clause.key);
    const r = clause.key === "experiment_id" ? compareIds(va, vb, clause.ascending) : compareSqlNullable(va, vb, clause.ascending);
    if (r !== 0) return r;
  }
  return 0;
}

/**
 * Orders two registered models by a parsed order-by (then `name ASC`).
 *
 * @example
 * ```ts
 * models.sort((a, b) => compareRegisteredModels(a, b, parseOrderBy(["timestamp DESC"], "registeredModels")));
 * ```
 */
export function compareRegisteredModels(
  a: RegisteredModelSearchEntity,
  b: RegisteredModelSearchEntity,
  orderBy: ParsedOrderBy<"registeredModels">,
): number {
  for (const clause of orderBy.effective) {
    const pick = (m: RegisteredModelSearchEntity): Scalar | null => (clause.key === "name" ? m.name : m.lastUpdatedTimestamp);
    const r = compareSqlNullable(pick(a), pick(b), clause.ascending);
    if (r !== 0) return r;
  }
  return 0;
}

/**
 * Orders two model versions by a parsed order-by (default `last_updated_timestamp DESC, name ASC,
 * version_number DESC`).
 *
 * @example
 * ```ts
 * versions.sort((a, b) => compareModelVersions(a, b, parseOrderBy(undefined, "modelVersions")));
 * ```
 */
export function compareModelVersions(
  a: ModelVersionSearchEntity,
  b: ModelVersionSearchEntity,
  orderBy: ParsedOrderBy<"modelVersions">,
): number {
  for (const clause of orderBy.effective) {
    const pick = (v: ModelVersionSearchEntity): Scalar | null => {
      switch (clause.key) {
        case "name":
          return v.name;
        case "version_number":
          return v.version;
        case "creation_timestamp":
          return v.creationTimestamp;
        default:
          return v.lastUpdatedTimestamp;
      }
    };
    const r = compareSqlNullable(pick(a), pick(b), clause.ascending);
    if (r !== 0) return r;
  }
  return 0;
}
