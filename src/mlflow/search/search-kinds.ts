/**
 * What each kind of MLflow search accepts: entity prefixes, attribute keys (with their aliases),
 * comparators, value types and order-by keys. The tables follow what MLflow's SQL stores accept
 * (`mlflow/utils/search_utils.py` and the SQLAlchemy stores of the pinned MLflow, 3.17.2), which
 * is stricter than MLflow's parsers alone: a filter MLflow's parser takes but its SQL store
 * rejects is rejected here at parse time.
 *
 * @module
 */

/**
 * The four searches that take MLflow's filter grammar.
 *
 * @example
 * ```ts
 * const kind: SearchKind = "registeredModels";
 * parseFilter("name LIKE 'sentiment%'", kind);
 * ```
 */
export type SearchKind = "runs" | "experiments" | "registeredModels" | "modelVersions";

/**
 * What a comparison's left-hand side names.
 *
 * @example
 * ```ts
 * const entity: FilterEntity = parseFilter("params.C = '4'", "runs").comparisons[0]!.entity; // "param"
 * ```
 */
export type FilterEntity = "metric" | "param" | "tag" | "attribute" | "dataset";

/**
 * Every comparator of the grammar (upper case, single spaces).
 *
 * @example
 * ```ts
 * const comparator: Comparator = "NOT IN";
 * ```
 */
export type Comparator =
  | "="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "LIKE"
  | "ILIKE"
  | "IN"
  | "NOT IN"
  | "IS NULL"
  | "IS NOT NULL";

/**
 * How a comparison's value must be written:
 * - `number`: a bare number (int, float, exponent, negative);
 * - `integer`: a bare integer (the SQL store refuses floats for these keys);
 * - `integer-or-string`: a bare integer, or a quoted string holding one (`version_number = '3'`);
 * - `string`: a quoted string, or for `IN`/`NOT IN` a parenthesised list of quoted strings;
 * - `id-string`: like `string`, but each string must hold an integer (experiment ids).
 *
 * @example
 * ```ts
 * findAttribute("runs", "start_time")?.valueType; // "number"
 * ```
 */
export type ValueType = "number" | "integer" | "integer-or-string" | "string" | "id-string";

/**
 * One attribute of a search kind.
 *
 * @example
 * ```ts
 * const created: AttributeSpec | undefined = findAttribute("runs", "created");
 * // { key: "start_time", aliases: ["created", "Created"], valueType: "number", comparators: ["=", "!=", "<", "<=", ">", ">="] }
 * ```
 */
export interface AttributeSpec {
  /** The canonical key, as MLflow names it in filters (`start_time`, `run_name`, …). */
  readonly key: string;
  /** Other spellings accepted in filters (`created`, `Run name`, …). */
  readonly aliases: readonly string[];
  readonly valueType: ValueType;
  readonly comparators: readonly Comparator[];
}

/**
 * What one search kind accepts.
 *
 * @example
 * ```ts
 * const spec: SearchKindSpec = searchKindSpec("runs");
 * spec.prefixes["metrics"]; // "metric"
 * ```
 */
export interface SearchKindSpec {
  readonly kind: SearchKind;
  /** Entity prefixes by spelling (`metrics` → `metric`); a key without a prefix is an attribute. */
  readonly prefixes: Readonly<Record<string, FilterEntity>>;
  /** The attributes, by canonical key. */
  readonly attributes: readonly AttributeSpec[];
  /** Comparators per non-attribute entity (absent entities are not searchable). */
  readonly entityComparators: Partial<Readonly<Record<Exclude<FilterEntity, "attribute">, readonly Comparator[]>>>;
  /** Dataset keys (runs only). */
  readonly datasetKeys: readonly string[];
  /** Whether attribute keys may be written quoted (`"run name"`); the registry searches refuse it. */
  readonly quotedAttributeKeys: boolean;
}

const NUMERIC: readonly Comparator[] = ["=", "!=", "<", "<=", ">", ">="];
const STRING: readonly Comparator[] = ["=", "!=", "LIKE", "ILIKE"];
const STRING_OR_LIST: readonly Comparator[] = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"];
const NULLABLE_STRING: readonly Comparator[] = ["=", "!=", "LIKE", "ILIKE", "IS NULL", "IS NOT NULL"];

function attr(key: string, valueType: ValueType, comparators: readonly Comparator[], aliases: readonly string[] = []): AttributeSpec {
  return Object.freeze({ key, aliases: Object.freeze([...aliases]), valueType, comparators });
}

const RUNS: SearchKindSpec = {
  kind: "runs",
  prefixes: {
    metric: "metric",
    metrics: "metric",
    param: "param",
    params: "param",
    parameter: "param",
    parameters: "param",
    tag: "tag",
    tags: "tag",
    attribute: "attribute",
    attributes: "attribute",
    attr: "attribute",
    run: "attribute",
    dataset: "dataset",
    datasets: "dataset",
  },
  attributes: [
    attr("run_id", "string", STRING_OR_LIST),
    attr("run_name", "string", STRING, ["run name", "Run name", "Run Name"]),
    attr("user_id", "string", STRING),
    attr("status", "string", STRING),
    attr("artifact_uri", "string", STRING),
    attr("start_time", "number", NUMERIC, ["created", "Created"]),
    attr("end_time", "number", NUMERIC),
  ],
  entityComparators: {
    metric: NUMERIC,
    param: NULLABLE_STRING,
    tag: NULLABLE_STRING,
    dataset: STRING_OR_LIST,
  },
  datasetKeys: ["name", "digest", "context"],
  quotedAttributeKeys: true,
};

const EXPERIMENTS: SearchKindSpec = {
  kind: "experiments",
  // MLflow 3.18 also accepts `attributes.`; the pinned 3.17.2 does not.
  prefixes: { attribute: "attribute", tag: "tag", tags: "tag" },
  attributes: [
    attr("name", "string", STRING),
    attr("experiment_id", "id-string", ["=", "!=", "IN", "NOT IN"]),
    attr("creation_time", "integer", NUMERIC),
    attr("last_update_time", "integer", NUMERIC),
  ],
  entityComparators: { tag: NULLABLE_STRING },
  datasetKeys: [],
  quotedAttributeKeys: true,
};

const REGISTERED_MODELS: SearchKindSpec = {
  kind: "registeredModels",
  prefixes: { attribute: "attribute", tag: "tag", tags: "tag" },
  attributes: [attr("name", "string", STRING_OR_LIST)],
  entityComparators: { tag: STRING },
  datasetKeys: [],
  quotedAttributeKeys: false,
};

const MODEL_VERSIONS: SearchKindSpec = {
  kind: "modelVersions",
  prefixes: { attribute: "attribute", tag: "tag", tags: "tag" },
  attributes: [
    attr("name", "string", STRING_OR_LIST),
    attr("run_id", "string", STRING_OR_LIST),
    attr("source_path", "string", STRING),
    attr("version_number", "integer-or-string", NUMERIC),
  ],
  entityComparators: { tag: STRING },
  datasetKeys: [],
  quotedAttributeKeys: false,
};

const SPECS: Readonly<Record<SearchKind, SearchKindSpec>> = /* @__PURE__ */ deepFreeze({
  runs: RUNS,
  experiments: EXPERIMENTS,
  registeredModels: REGISTERED_MODELS,
  modelVersions: MODEL_VERSIONS,
});

/**
 * The frozen table of what a search kind accepts.
 *
 * @example
 * ```ts
 * searchKindSpec("runs").attributes.map((a) => a.key);
 * // ["run_id", "run_name", "user_id", "status", "artifact_uri", "start_time", "end_time"]
 * ```
 */
export function searchKindSpec(kind: SearchKind): SearchKindSpec {
  const spec = SPECS[kind];
  if (spec === undefined) throw new TypeError(`unknown search kind: ${String(kind)}`);
  return spec;
}

/**
 * The attribute a key or alias names in a search kind, or undefined.
 *
 * @example
 * ```ts
 * findAttribute("runs", "Created")?.key; // "start_time"
 * ```
 */
export function findAttribute(kind: SearchKind, keyOrAlias: string): AttributeSpec | undefined {
  return searchKindSpec(kind).attributes.find((a) => a.key === keyOrAlias || a.aliases.includes(keyOrAlias));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
