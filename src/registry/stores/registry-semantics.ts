/**
 * What the memory and SQL registry stores share beyond input validation: MLflow's error messages,
 * the order of `latestVersions`, the order-by checks of MLflow's registry store, and the shapes of
 * the entities a store returns. Written once so that both stores (and the REST store, through the
 * server) answer alike.
 *
 * @module
 */
import { SentiMlopsError } from "../../errors.js";
import { compareText, parseOrderBy, type ParsedOrderBy } from "../../mlflow/search/index.js";
import type { ModelVersion, ModelVersionStage, ModelVersionStatus, RegisteredModel, RegisteredModelAlias } from "../../mlflow/registry-entities.js";

/**
 * `RESOURCE_DOES_NOT_EXIST` for a registered model, in MLflow's words (`sqlalchemy_store.py:440`).
 *
 * @example
 * ```ts
 * throw modelNotFound("sentiment"); // Registered Model with name=sentiment not found
 * ```
 */
export function modelNotFound(name: string): SentiMlopsError {
  return new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `Registered Model with name=${name} not found`, { component: "registry" });
}

/**
 * `RESOURCE_DOES_NOT_EXIST` for a model version (deleted versions included), in MLflow's words
 * (`sqlalchemy_store.py:1108`). `version` is the parsed number, as MLflow prints it.
 *
 * @example
 * ```ts
 * throw versionNotFound("sentiment", 3); // Model Version (name=sentiment, version=3) not found
 * ```
 */
export function versionNotFound(name: string, version: number): SentiMlopsError {
  return new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `Model Version (name=${name}, version=${version}) not found`, { component: "registry" });
}

/**
 * `RESOURCE_ALREADY_EXISTS` for a taken model name (`prompt/registry_utils.py:309`).
 *
 * @example
 * ```ts
 * throw modelExists("sentiment"); // Registered Model (name=sentiment) already exists.
 * ```
 */
export function modelExists(name: string): SentiMlopsError {
  return new SentiMlopsError("RESOURCE_ALREADY_EXISTS", `Registered Model (name=${name}) already exists.`, { component: "registry" });
}

/**
 * The error for an alias that a model does not have. MLflow answers `INVALID_PARAMETER_VALUE`
 * here, not `RESOURCE_DOES_NOT_EXIST` (`sqlalchemy_store.py:1593-1596`).
 *
 * @example
 * ```ts
 * throw aliasNotFound("champion"); // Registered model alias champion not found.
 * ```
 */
export function aliasNotFound(alias: string): SentiMlopsError {
  return SentiMlopsError.invalidParameterValue(`Registered model alias ${alias} not found.`, { component: "registry" });
}

/**
 * Parses registry order-by clauses as MLflow's registry store does: clause by clause, an unknown
 * key is `INVALID_PARAMETER_VALUE`, a field named twice (`timestamp` and `last_updated_timestamp`
 * are one field) is `INTERNAL_ERROR` — MLflow raises it without a code
 * (`sqlalchemy_store.py:886` and `:1398`, `exceptions.py` default).
 *
 * @example
 * ```ts
 * parseRegistryOrderBy(["timestamp DESC"], "registeredModels").effective;
 * // [{ key: "last_updated_timestamp", ascending: false }, { key: "name", ascending: true }] (entity "attribute")
 * ```
 */
export function parseRegistryOrderBy<K extends "registeredModels" | "modelVersions">(
  orderBy: readonly string[] | undefined,
  kind: K,
): ParsedOrderBy<K> {
  const list = orderBy ?? [];
  const seen = new Set<string>();
  for (const clause of list) {
    const [parsed] = parseOrderBy([clause], kind).clauses;
    if (parsed !== undefined && seen.has(parsed.key)) {
      throw new SentiMlopsError("INTERNAL_ERROR", `\`order_by\` contains duplicate fields: [${list.map((s) => `'${s}'`).join(", ")}]`, { component: "registry" });
    }
    if (parsed !== undefined) seen.add(parsed.key);
  }
  return parseOrderBy(list, kind);
}

/**
 * What {@link latestVersionsOf} needs of a version.
 *
 * @example
 * ```ts
 * const v: StagedVersion = { version: 3, currentStage: "Production" };
 * ```
 */
export interface StagedVersion {
  readonly version: number;
  readonly currentStage: string;
}

/**
 * The newest version per stage, deleted versions left out, in the order MLflow returns them:
 * - `"get"` (`getRegisteredModel`, `getLatestVersions`, renames and updates): MLflow walks the
 *   versions in ascending order and keeps a dict keyed by stage, so a stage comes where its
 *   *oldest* version comes (`dbmodels/models.py:73-80`);
 * - `"search"` (`searchRegisteredModels`): MLflow's window query partitions by stage, and SQLite
 *   returns the partitions in stage-name order (`sqlalchemy_store.py:270-320`).
 *
 * @example
 * ```ts
 * latestVersionsOf([{ version: 1, currentStage: "Archived" }, { version: 2, currentStage: "None" }], "get").map((v) => v.version); // [1, 2]
 * ```
 */
export function latestVersionsOf<V extends StagedVersion>(versions: Iterable<V>, order: "get" | "search"): V[] {
  const latest = new Map<string, { oldest: number; newest: V }>();
  for (const v of versions) {
    if (v.currentStage === "Deleted_Internal") continue;
    const entry = latest.get(v.currentStage);
    if (entry === undefined) latest.set(v.currentStage, { oldest: v.version, newest: v });
    else {
      if (v.version > entry.newest.version) entry.newest = v;
      if (v.version < entry.oldest) entry.oldest = v.version;
    }
  }
  const entries = [...latest].sort(([sa, a], [sb, b]) => (order === "get" ? a.oldest - b.oldest : compareText(sa, sb)));
  return entries.map(([, e]) => e.newest);
}

/**
 * A model version's stored fields, as both stores keep them (MLflow's `model_versions` row).
 *
 * @example
 * ```ts
 * const row: VersionFields = {
 *   name: "sentiment", version: 1, creationTime: 1_700_000_000_000, lastUpdatedTime: 1_700_000_000_000,
 *   description: null, userId: null, currentStage: "None", source: "s3://bucket/model", runId: "",
 *   status: "READY", statusMessage: null, runLink: "",
 * };
 * ```
 */
export interface VersionFields {
  readonly name: string;
  readonly version: number;
  readonly creationTime: number | null;
  readonly lastUpdatedTime: number | null;
  readonly description: string | null;
  readonly userId: string | null;
  readonly currentStage: string;
  readonly source: string | null;
  readonly runId: string | null;
  readonly status: string | null;
  readonly statusMessage: string | null;
  readonly runLink: string | null;
}

/**
 * The {@link ModelVersion} a store returns for a stored version: unset text as `""`, the version as
 * a decimal string, `aliases` sorted.
 *
 * @example
 * ```ts
 * toModelVersion(row, { team: "nlp" }, ["champion"]).version; // "3"
 * ```
 */
export function toModelVersion(v: VersionFields, tags: Readonly<Record<string, string>>, aliases: readonly string[]): ModelVersion {
  return {
    name: v.name,
    version: String(v.version),
    creationTimestamp: v.creationTime ?? 0,
    lastUpdatedTimestamp: v.lastUpdatedTime ?? 0,
    userId: v.userId ?? "",
    currentStage: v.currentStage as ModelVersionStage,
    description: v.description ?? "",
    source: v.source ?? "",
    runId: v.runId ?? "",
    status: (v.status ?? "READY") as ModelVersionStatus,
    statusMessage: v.statusMessage ?? "",
    runLink: v.runLink ?? "",
    tags: { ...tags },
    aliases: [...aliases].sort(compareText),
  };
}

/**
 * A registered model's stored fields (MLflow's `registered_models` row; it has no user id).
 *
 * @example
 * ```ts
 * const row: ModelFields = { name: "sentiment", creationTime: 1_700_000_000_000, lastUpdatedTime: 1_700_000_000_000, description: "" };
 * ```
 */
export interface ModelFields {
  readonly name: string;
  readonly creationTime: number | null;
  readonly lastUpdatedTime: number | null;
  readonly description: string | null;
}

/**
 * The {@link RegisteredModel} a store returns: unset text as `""`, aliases sorted by alias.
 *
 * @example
 * ```ts
 * toRegisteredModel(row, latest, { team: "nlp" }, [{ alias: "champion", version: "1" }]).aliases;
 * ```
 */
export function toRegisteredModel(
  m: ModelFields,
  latestVersions: readonly ModelVersion[],
  tags: Readonly<Record<string, string>>,
  aliases: readonly RegisteredModelAlias[],
): RegisteredModel {
  return {
    name: m.name,
    creationTimestamp: m.creationTime ?? 0,
    lastUpdatedTimestamp: m.lastUpdatedTime ?? 0,
    userId: "",
    description: m.description ?? "",
    latestVersions: [...latestVersions],
    tags: { ...tags },
    aliases: [...aliases].sort((a, b) => compareText(a.alias, b.alias)),
  };
}
