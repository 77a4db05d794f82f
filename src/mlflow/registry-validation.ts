/**
 * MLflow's model-registry input rules (`mlflow/utils/validation.py`, `mlflow/server/handlers.py`
 * and the registry store of the pinned MLflow, 3.17.2), written once for the registry stores that
 * validate locally (memory, SQL); the REST store leaves them to the server, which applies the same
 * rules. Every error is `INVALID_PARAMETER_VALUE` with MLflow's message, which names the field.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import { posixNormpath, validateKey } from "./validation.js";
import type { Tag } from "./tracking-entities.js";
import { MODEL_VERSION_STAGES, type ModelVersionStage } from "./registry-entities.js";

/**
 * The registry's limits in the pinned MLflow (`mlflow/utils/validation.py:78-92`,
 * `mlflow/store/model_registry/__init__.py:4-10`).
 *
 * @example
 * ```ts
 * REGISTRY_LIMITS.tagValue; // 100000
 * ```
 */
export const REGISTRY_LIMITS = /* @__PURE__ */ Object.freeze({
  tagKey: 250,
  tagValue: 100_000,
  aliasName: 255,
  searchRegisteredModelsDefault: 100,
  searchRegisteredModelsMax: 1000,
  /** What the REST API (proto default) and {@link RegistryStore.searchModelVersions} use when none is given. */
  searchModelVersionsDefault: 200_000,
  searchModelVersionsMax: 200_000,
});

const invalid = (message: string): SentiMlopsError => SentiMlopsError.invalidParameterValue(message, { component: "mlflow" });

/** Python's `json.dumps(value)` for the strings in MLflow's `invalid_value` messages. */
const quoted = (value: string): string => JSON.stringify(value);

/**
 * Checks a registered model name as MLflow does (`validation.py:692` `_validate_model_name`): not
 * blank, no `/` or `:`, and unchanged when normalised as a POSIX path (`.`, `..x`, `a//b` are refused).
 *
 * @param what the parameter's name in messages (`name`, or `new_name` for a rename)
 * @example
 * ```ts
 * validateModelName("sentiment-tfidf"); // "sentiment-tfidf"
 * validateModelName("team/model");      // throws: Invalid model name 'team/model'. Names cannot contain '/' or ':'.
 * ```
 */
export function validateModelName(name: unknown, what = "name"): string {
  if (typeof name !== "string" || name.trim() === "") throw invalid(`Missing value for required parameter '${what}'.`);
  if (name.includes("/") || name.includes(":")) throw invalid(`Invalid model name '${name}'. Names cannot contain '/' or ':'.`);
  const norm = posixNormpath(name);
  if (norm !== name || norm === "." || norm.startsWith("..") || norm.startsWith("/")) {
    // MLflow names the parameter 'name' here even for a rename (validation.py:703).
    throw invalid(
      `Invalid value ${quoted(name)} for parameter 'name' supplied: Names may be treated as files in certain cases, ` +
        `and must not resolve to other names when treated as such. This name would resolve to '${norm}'`,
    );
  }
  return name;
}

/**
 * Parses a model version as MLflow does (`validation.py:714`: Python's `int(version)`): surrounding
 * blanks, a sign, leading zeros and `_` between digits are accepted (`" 1"`, `"+1"`, `"01"` are
 * version 1); anything else (`"abc"`, `"1.0"`, `""`) is `INVALID_PARAMETER_VALUE`. Zero and negative
 * numbers parse — no version has them, so a lookup then fails with `RESOURCE_DOES_NOT_EXIST`, as in
 * MLflow.
 *
 * @example
 * ```ts
 * parseModelVersion("3");   // 3
 * parseModelVersion("abc"); // throws: Parameter 'version' must be an integer, got 'abc'.
 * ```
 */
export function parseModelVersion(version: unknown): number {
  if (typeof version === "number" && Number.isSafeInteger(version)) return version;
  const text = String(version);
  // Python's int() strips Unicode whitespace; JavaScript's trim() strips the same set in practice.
  if (typeof version === "string" && /^[+-]?\d+(?:_\d+)*$/.test(text.trim())) {
    const n = Number(text.trim().replace(/_/g, ""));
    if (Number.isSafeInteger(n)) return n;
  }
  throw invalid(`Parameter 'version' must be an integer, got '${text}'.`);
}

/**
 * Checks an alias name's form (`validation.py:723`): not empty, only letters, digits, `_` and `-`,
 * at most 255 characters. {@link validateAliasNotReserved} adds the checks for setting one.
 *
 * @example
 * ```ts
 * validateAliasName("champion"); // "champion"
 * validateAliasName("a.b");      // throws: Invalid alias name: 'a.b'. Names may only contain ...
 * ```
 */
export function validateAliasName(alias: unknown): string {
  if (alias === null || alias === undefined || alias === "") throw invalid("Registered model alias name cannot be empty.");
  if (typeof alias !== "string" || !/^[\p{L}\p{N}_-]*$/u.test(alias)) {
    // Python's `\w` in `^[\w\-]*$` is Unicode-aware: letters, digits and `_`.
    throw invalid(`Invalid alias name: '${String(alias)}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`);
  }
  if (alias.length > REGISTRY_LIMITS.aliasName) {
    throw invalid(`'Registered model alias name' exceeds the maximum length of ${REGISTRY_LIMITS.aliasName} characters`);
  }
  return alias;
}

/**
 * Refuses the alias names MLflow reserves (`validation.py:740`): `latest` in any case, and
 * `v<digits>` / `V<digits>` (they would read as versions in `models:/name@v3`).
 *
 * @example
 * ```ts
 * validateAliasNotReserved("champion"); // "champion"
 * validateAliasNotReserved("v2");       // throws: Version alias name 'v2' is reserved.
 * ```
 */
export function validateAliasNotReserved(alias: string): string {
  if (alias.toLowerCase() === "latest") throw invalid("'latest' alias name (case insensitive) is reserved.");
  if (/^[vV]\d+$/.test(alias)) throw invalid(`Version alias name '${alias}' is reserved.`);
  return alias;
}

/**
 * Checks a registry tag key (registered model or model version): MLflow's key rules
 * (`_validate_tag_name`) and its 250-character limit.
 *
 * @example
 * ```ts
 * validateRegistryTagKey("team"); // "team"
 * validateRegistryTagKey("a//b"); // throws: Invalid value "a//b" for parameter 'key' supplied: ...
 * ```
 */
export function validateRegistryTagKey(key: unknown): string {
  return validateKey(key, "key");
}

/**
 * Checks a registered-model or model-version tag (`validation.py:461-484`): the key as
 * {@link validateRegistryTagKey}, the value a string of at most 100 000 characters (no truncation).
 * A missing value is `""`, as MLflow's server reads an absent `value` field.
 *
 * @example
 * ```ts
 * validateRegistryTag({ key: "team", value: "nlp" }); // { key: "team", value: "nlp" }
 * ```
 */
export function validateRegistryTag(tag: { key: unknown; value?: unknown }): Tag {
  const key = validateRegistryTagKey(tag?.key);
  const value = tag.value ?? "";
  if (typeof value !== "string") throw invalid(`Invalid value ${JSON.stringify(value) ?? String(value)} for parameter 'value' supplied.`);
  if (value.length > REGISTRY_LIMITS.tagValue) throw invalid(`'value' exceeds the maximum length of ${REGISTRY_LIMITS.tagValue} characters`);
  return { key, value };
}

/**
 * Validates a list of tags and collapses repeated keys (the last value wins), as MLflow's
 * `create_registered_model` / `create_model_version` do.
 *
 * @example
 * ```ts
 * validateRegistryTags([{ key: "a", value: "1" }, { key: "a", value: "2" }]); // [{ key: "a", value: "2" }]
 * ```
 */
export function validateRegistryTags(tags: readonly { key: unknown; value?: unknown }[] | undefined): Tag[] {
  const byKey = new Map<string, string>();
  for (const t of tags ?? []) {
    const tag = validateRegistryTag(t);
    byKey.set(tag.key, tag.value);
  }
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/**
 * A stage in MLflow's spelling (`model_version_stages.py` `get_canonical_stage`): case-insensitive,
 * anything other than None/Staging/Production/Archived is `INVALID_PARAMETER_VALUE`.
 *
 * @example
 * ```ts
 * canonicalStage("production"); // "Production"
 * canonicalStage("live");       // throws: Invalid Model Version stage: live. Value must be one of None, Staging, Production, Archived.
 * ```
 */
export function canonicalStage(stage: unknown): ModelVersionStage {
  const found = typeof stage === "string" ? MODEL_VERSION_STAGES.find((s) => s.toLowerCase() === stage.toLowerCase()) : undefined;
  if (found === undefined) {
    throw invalid(`Invalid Model Version stage: ${String(stage)}. Value must be one of ${MODEL_VERSION_STAGES.join(", ")}.`);
  }
  return found;
}

/** The stages that `archiveExistingVersions` may be used with (`DEFAULT_STAGES_FOR_GET_LATEST_VERSIONS`). */
const ACTIVE_STAGES: readonly ModelVersionStage[] = ["Staging", "Production"];

/**
 * Checks a stage transition's arguments in MLflow's order: the stage first, then that archiving
 * other versions is only asked for Staging or Production. The second error is `INTERNAL_ERROR`
 * because MLflow raises it without a code (`sqlalchemy_store.py:1185-1191`, `exceptions.py` default).
 *
 * @example
 * ```ts
 * validateStageTransition("production", true); // "Production"
 * validateStageTransition("archived", true);   // throws INTERNAL_ERROR: ... 'archived' is not an Active stage ...
 * ```
 */
export function validateStageTransition(stage: unknown, archiveExistingVersions: boolean): ModelVersionStage {
  const canonical = canonicalStage(stage);
  if (archiveExistingVersions && !ACTIVE_STAGES.includes(canonical)) {
    throw new SentiMlopsError(
      "INTERNAL_ERROR",
      `Model version transition cannot archive existing model versions because '${String(stage)}' is not an Active stage. ` +
        `Valid stages are ['Staging', 'Production']`,
      { component: "mlflow" },
    );
  }
  return canonical;
}

/**
 * The stages `getLatestVersions` keeps: all four when none are given, else the given ones made
 * canonical (an unknown stage is `INVALID_PARAMETER_VALUE`).
 *
 * @example
 * ```ts
 * latestVersionStages(["production", "NONE"]); // Set { "Production", "None" }
 * ```
 */
export function latestVersionStages(stages: readonly string[] | undefined): Set<ModelVersionStage> {
  return new Set(stages === undefined || stages.length === 0 ? MODEL_VERSION_STAGES : stages.map(canonicalStage));
}

/**
 * `maxResults` of a registered-model search (`sqlalchemy_store.py:514`): an integer, at most
 * 1000 (default 100). MLflow refuses nothing below; 0 gives an empty page (with a next-page token
 * when models are left), as there. A negative number is refused (a deliberate deviation).
 *
 * @example
 * ```ts
 * validateRegisteredModelsMaxResults(undefined); // 100
 * validateRegisteredModelsMaxResults(5000);      // throws: ... It must be at most 1000, but got value 5000
 * ```
 */
export function validateRegisteredModelsMaxResults(maxResults: number | undefined): number {
  const n = maxResults ?? REGISTRY_LIMITS.searchRegisteredModelsDefault;
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw invalid(`Invalid value ${JSON.stringify(n) ?? String(n)} for parameter 'max_results' supplied: it must be an integer.`);
  }
  if (n < 0) {
    // MLflow answers a negative max_results with nonsense (a negative next offset, or every row but
    // the last few: SQLite reads a negative LIMIT as none); refused here.
    throw invalid(`Invalid value ${n} for parameter 'max_results' supplied: it must not be negative.`);
  }
  if (n > REGISTRY_LIMITS.searchRegisteredModelsMax) {
    throw invalid(
      `Invalid value for request parameter max_results. It must be at most ${REGISTRY_LIMITS.searchRegisteredModelsMax}, but got value ${n}`,
    );
  }
  return n;
}

/**
 * `maxResults` of a model-version search (`sqlalchemy_store.py:1339-1351`): a positive integer,
 * at most 200 000 (default 200 000, as the REST API).
 *
 * @example
 * ```ts
 * validateModelVersionsMaxResults(10); // 10
 * validateModelVersionsMaxResults(0);  // throws: Invalid value for max_results. It must be a positive integer, but got 0
 * ```
 */
export function validateModelVersionsMaxResults(maxResults: number | undefined): number {
  const n = maxResults ?? REGISTRY_LIMITS.searchModelVersionsDefault;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw invalid(`Invalid value for max_results. It must be a positive integer, but got ${String(n)}`);
  }
  if (n > REGISTRY_LIMITS.searchModelVersionsMax) {
    throw invalid(
      `Invalid value for request parameter max_results. It must be at most ${REGISTRY_LIMITS.searchModelVersionsMax}, but got value ${n}`,
    );
  }
  return n;
}

/**
 * Checks that a model version's `source` is given, as MLflow's server does for the required field
 * (`handlers.py` `_create_model_version`: `_assert_required`).
 *
 * @example
 * ```ts
 * validateSource("runs:/0123456789abcdef0123456789abcdef/model");
 * validateSource(""); // throws: Missing value for required parameter 'source'.
 * ```
 */
export function validateSource(source: unknown): string {
  if (typeof source !== "string" || source === "") throw invalid("Missing value for required parameter 'source'.");
  return source;
}
