/**
 * MLflow's `order_by` clauses (`metrics.acc DESC`, `attributes.start_time`, `name ASC`, …) per
 * search kind, with the duplicate checks, default orders and tie-breakers of MLflow's SQL stores
 * (`sqlalchemy_store.py` `_get_orderby_clauses`, `_get_search_experiments_order_by_clauses`, and the
 * registry store's `_parse_search_registered_models_order_by` / `_parse_search_model_versions_order_by`).
 *
 * | kind             | keys                                                                 | default / tie-breakers |
 * |------------------|----------------------------------------------------------------------|------------------------|
 * | runs             | `metrics.*`, `params.*`, `tags.*`, run_id, run_name, user_id, status, start_time (created), end_time, artifact_uri | then `start_time DESC` (unless ordered by it), then `run_id ASC` |
 * | experiments      | name, experiment_id, creation_time, last_update_time                 | default `creation_time DESC, experiment_id ASC`; else `experiment_id DESC` appended unless present; duplicates allowed (as in MLflow) |
 * | registeredModels | name, timestamp = last_updated_timestamp (no prefix allowed)          | then `name ASC` unless present |
 * | modelVersions    | name, version_number, creation_timestamp, last_updated_timestamp      | default `last_updated_timestamp DESC, name ASC, version_number DESC`; else `name ASC`, `version_number DESC` appended unless present |
 *
 * @module
 */
import { SentiMlopsError } from "../../errors.js";
import { resolveIdentifier } from "./parse-filter.js";
import { type AttributeSpec, type FilterEntity, type SearchKind, findAttribute, searchKindSpec } from "./search-kinds.js";
import { isKeyword, syntaxError, tokenize } from "./tokenize.js";

/**
 * One ordering key.
 *
 * @example
 * ```ts
 * const [clause]: readonly OrderByClause[] = parseOrderBy(["metrics.accuracy DESC"], "runs").clauses;
 * // { entity: "metric", key: "accuracy", ascending: false }
 * ```
 */
export interface OrderByClause {
  /** `metric`, `param` or `tag` (runs only), else `attribute`. */
  readonly entity: Exclude<FilterEntity, "dataset">;
  /**
   * A metric/param/tag key, or a canonical attribute key: `start_time` for `created`,
   * `last_updated_timestamp` for the registered-model key `timestamp`.
   */
  readonly key: string;
  readonly ascending: boolean;
}

/**
 * Parsed order-by clauses of one search kind.
 *
 * @example
 * ```ts
 * const { effective }: ParsedOrderBy<"runs"> = parseOrderBy(["metrics.accuracy DESC"], "runs");
 * // effective: accuracy DESC, then the tie-breakers start_time DESC, run_id ASC
 * ```
 */
export interface ParsedOrderBy<K extends SearchKind = SearchKind> {
  readonly kind: K;
  /** The clauses as given, parsed. */
  readonly clauses: readonly OrderByClause[];
  /** What results are sorted by: the clauses (or the kind's default) plus the tie-breakers. */
  readonly effective: readonly OrderByClause[];
}

const ORDER_ATTRIBUTES: Readonly<Record<SearchKind, readonly string[]>> = {
  runs: ["run_id", "run_name", "user_id", "status", "start_time", "end_time", "artifact_uri"],
  experiments: ["name", "experiment_id", "creation_time", "last_update_time"],
  registeredModels: ["name", "timestamp", "last_updated_timestamp"],
  modelVersions: ["name", "version_number", "creation_timestamp", "last_updated_timestamp"],
};

/**
 * Parses `order_by` clauses for one kind of search.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for an unknown key or entity, a bad
 *   direction, extra words, or (except for experiments, as in MLflow) the same key twice.
 *
 * @example
 * ```ts
 * const o = parseOrderBy(["metrics.acc DESC", "created"], "runs");
 * o.clauses;   // [{ entity: "metric", key: "acc", ascending: false }, { entity: "attribute", key: "start_time", ascending: true }]
 * o.effective; // ...the clauses, then { entity: "attribute", key: "run_id", ascending: true }
 * ```
 */
export function parseOrderBy<K extends SearchKind>(orderBy: readonly string[] | undefined | null, kind: K): ParsedOrderBy<K> {
  const clauses: OrderByClause[] = [];
  const list = orderBy ?? [];
  if (!Array.isArray(list)) throw SentiMlopsError.invalidParameterValue(`order_by must be a list of strings, got ${typeof list}`, { component: "mlflow" });
  const seen = new Set<string>();
  for (const item of list) {
    if (typeof item !== "string") throw SentiMlopsError.invalidParameterValue(`order_by clauses must be strings, got ${typeof item}`, { component: "mlflow" });
    const clause = parseOrderByClause(item, kind);
    const id = `${clause.entity}\u0000${clause.key}`;
    if (kind !== "experiments" && seen.has(id)) {
      throw SentiMlopsError.invalidParameterValue(`order_by contains the same key twice: '${item}' repeats ${describe(clause)} in [${list.map((s) => `'${s}'`).join(", ")}]`, { component: "mlflow" });
    }
    seen.add(id);
    clauses.push(clause);
  }
  return Object.freeze({ kind, clauses: Object.freeze(clauses), effective: Object.freeze(effectiveOrder(kind, clauses)) });
}

function describe(c: OrderByClause): string {
  return c.entity === "attribute" ? c.key : `${c.entity === "param" ? "params" : `${c.entity}s`}.${c.key}`;
}

const attribute = (key: string, ascending: boolean): OrderByClause => Object.freeze({ entity: "attribute", key, ascending });

function effectiveOrder(kind: SearchKind, clauses: readonly OrderByClause[]): OrderByClause[] {
  const has = (key: string): boolean => clauses.some((c) => c.entity === "attribute" && c.key === key);
  const out = [...clauses];
  switch (kind) {
    case "runs":
      if (!has("start_time")) out.push(attribute("start_time", false));
      out.push(attribute("run_id", true));
      break;
    case "experiments":
      if (out.length === 0) out.push(attribute("creation_time", false), attribute("experiment_id", true));
      else if (!has("experiment_id")) out.push(attribute("experiment_id", false));
      break;
    case "registeredModels":
      if (!has("name")) out.push(attribute("name", true));
      break;
    case "modelVersions":
      if (out.length === 0) out.push(attribute("last_updated_timestamp", false));
      if (!out.some((c) => c.key === "name")) out.push(attribute("name", true));
      if (!out.some((c) => c.key === "version_number")) out.push(attribute("version_number", false));
      break;
  }
  return out;
}

function parseOrderByClause(text: string, kind: SearchKind): OrderByClause {
  const spec = searchKindSpec(kind);
  const tokens = tokenize(text, "order_by clause");
  const [head, direction, extra] = tokens;
  if (head === undefined) throw syntaxError("order_by clause", 0, text, "expected a key, e.g. 'metrics.acc DESC'");
  if (head.type !== "identifier") throw syntaxError("order_by clause", head.start, text.slice(head.start, head.end), "expected a key");
  let ascending = true;
  if (direction !== undefined) {
    if (isKeyword(direction, "ASC") || isKeyword(direction, "DESC")) ascending = isKeyword(direction, "ASC");
    else throw syntaxError("order_by clause", direction.start, text.slice(direction.start, direction.end), "expected ASC or DESC");
  }
  if (extra !== undefined) {
    throw syntaxError("order_by clause", extra.start, text.slice(extra.start), "expected nothing after ASC/DESC");
  }
  const orderable = ORDER_ATTRIBUTES[kind];
  const lookup = (key: string): AttributeSpec | undefined => {
    if (kind === "runs" && (key === "created" || key === "Created")) return findAttribute("runs", "start_time");
    if (!orderable.includes(key)) return undefined;
    return { key: key === "timestamp" ? "last_updated_timestamp" : key, aliases: [], valueType: "string", comparators: [] };
  };
  const validKeys = (): string => orderable.map((k) => `'${k}'`).join(", ");
  if (kind === "registeredModels") {
    // The registry store takes the bare key only: no prefix, no quotes.
    const raw = text.slice(head.start, head.end);
    const found = lookup(raw);
    if (found === undefined) throw SentiMlopsError.invalidParameterValue(`Invalid order_by key '${raw}'; valid keys are ${validKeys()}`, { component: "mlflow" });
    return attribute(found.key, ascending);
  }
  const orderSpec = { ...spec, attributes: orderable.map((k) => lookup(k)!), quotedAttributeKeys: true };
  let resolved;
  try {
    resolved = resolveIdentifier(head, text, orderSpec, "order_by clause", lookup);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith("Invalid attribute key")) {
      const key = /'([^']*)'/.exec(e.message)?.[1] ?? "";
      throw SentiMlopsError.invalidParameterValue(`Invalid order_by key '${key}' in '${text}'; valid attribute keys are ${validKeys()}`, { component: "mlflow" });
    }
    throw e;
  }
  const { entity, key } = resolved;
  if (entity === "dataset" || (kind !== "runs" && entity !== "attribute")) {
    throw SentiMlopsError.invalidParameterValue(`Invalid order_by '${text}': ${entity}s cannot be ordered by in this search; valid keys are ${validKeys()}`, { component: "mlflow" });
  }
  return Object.freeze({ entity, key, ascending });
}
