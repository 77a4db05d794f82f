/**
 * Compiles parsed filters and order-by clauses into parameterized SQL for MLflow's SQLite schema
 * (tables `experiments`, `experiment_tags`, `runs`, `tags`, `params`, `latest_metrics`, `datasets`,
 * `inputs`, `input_tags`, `registered_models`, `registered_model_tags`, `model_versions`,
 * `model_version_tags`).
 *
 * The fragments reference the searched table by its own name (`runs`, `experiments`,
 * `registered_models`, `model_versions`, no alias) and need no joins: every non-attribute comparison
 * is an `EXISTS` subquery and every non-attribute ordering a correlated scalar subquery. A store
 * splices them in as
 * ```sql
 * SELECT runs.* FROM runs
 * WHERE runs.experiment_id IN (…) AND runs.lifecycle_stage IN (…) AND (<where>)
 * ORDER BY <orderBy> LIMIT ? OFFSET ?
 * -- bound: [...store params, ...params, ...orderByParams, limit, offset]
 * ```
 * Every user value and every key is a bound parameter (`?`); nothing from a filter is spliced
 * into the SQL text.
 *
 * **Connection requirement:** `LIKE` compiles to SQLite's `LIKE`, which is case-insensitive for
 * ASCII unless the connection runs `PRAGMA case_sensitive_like = ON` — which MLflow runs on every
 * connection it opens, and so must every senti-mlops SQL store ({@link SQLITE_SEARCH_PRAGMA}).
 * `ILIKE` compiles to `LOWER(x) LIKE LOWER(?)`, as SQLAlchemy does.
 *
 * The semantics match {@link matchesRun} and the other evaluators, which follow MLflow's SQL store:
 * NaN metrics (stored `value = 0, is_nan = 1`) satisfy only `!=`; missing keys sort last.
 *
 * @module
 */
import type { Comparison, ParsedFilter } from "./parse-filter.js";
import type { OrderByClause, ParsedOrderBy } from "./parse-order-by.js";
import { IS_PROMPT_TAG_KEY, STAGE_DELETED_INTERNAL } from "./registry-entities.js";
import { DATASET_CONTEXT_TAG, RUN_NAME_TAG, queriesPrompts } from "./evaluate.js";
import type { SearchKind } from "./search-kinds.js";

/**
 * The pragma a SQLite connection needs for compiled `LIKE` filters to be case-sensitive, as in
 * MLflow (`mlflow/store/db/utils.py` runs it on every connection).
 *
 * @example
 * ```ts
 * db.exec(SQLITE_SEARCH_PRAGMA);
 * ```
 */
export const SQLITE_SEARCH_PRAGMA = "PRAGMA case_sensitive_like = ON";

/**
 * A WHERE fragment and its bound parameters.
 *
 * @example
 * ```ts
 * const { where, params }: SqlWhere = compileFilterSql(parseFilter("params.C = '4'", "runs"));
 * // where: "EXISTS (SELECT 1 FROM params p WHERE … AND p.key = ? AND p.value = ?)", params: ["C", "4"]
 * ```
 */
export interface SqlWhere {
  /** A boolean SQL expression; `1` when the filter is empty. */
  readonly where: string;
  readonly params: readonly unknown[];
}

/**
 * An ORDER BY fragment (without the keywords) and its bound parameters.
 *
 * @example
 * ```ts
 * const { orderBy, params }: SqlOrderBy = compileOrderBySql(parseOrderBy(["metrics.accuracy DESC"], "runs"));
 * // params: ["accuracy", "accuracy"]
 * ```
 */
export interface SqlOrderBy {
  readonly orderBy: string;
  readonly params: readonly unknown[];
}

/**
 * Everything a store splices into its SELECT.
 *
 * @example
 * ```ts
 * const sql: CompiledSearchSql = compileSearchSql(parseFilter(filter, "runs"), parseOrderBy(orderBy, "runs"));
 * db.prepare(`SELECT * FROM runs WHERE ${sql.where} ORDER BY ${sql.orderBy}`).all(...sql.params, ...sql.orderByParams);
 * ```
 */
export interface CompiledSearchSql {
  readonly where: string;
  /** Parameters of `where`, in order. */
  readonly params: readonly unknown[];
  readonly orderBy: string;
  /** Parameters of `orderBy`, in order (they follow `params` in the statement). */
  readonly orderByParams: readonly unknown[];
}

class Builder {
  readonly params: unknown[] = [];

  bind(value: unknown): string {
    this.params.push(value);
    return "?";
  }

  /** `<expr> <comparator> <value>` with the value bound. */
  compare(expr: string, c: Comparison, value: unknown = c.value): string {
    switch (c.comparator) {
      case "LIKE":
        return `${expr} LIKE ${this.bind(value)}`;
      case "ILIKE":
        return `LOWER(${expr}) LIKE LOWER(${this.bind(value)})`;
      case "IN":
      case "NOT IN": {
        const list = (value as readonly unknown[]).map((v) => this.bind(v)).join(", ");
        return `${expr} ${c.comparator} (${list})`;
      }
      case "IS NULL":
      case "IS NOT NULL":
        throw new Error(`unreachable: ${c.comparator} has no value`);
      default:
        return `${expr} ${c.comparator} ${this.bind(value)}`;
    }
  }
}

/** Binds experiment ids as integers (SQLite would coerce text too; integers keep the index usable). */
function idValue(value: unknown): unknown {
  const toId = (s: unknown): unknown => {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : s;
  };
  return Array.isArray(value) ? value.map(toId) : toId(value);
}

function keyValueExists(b: Builder, table: string, alias: string, link: string, c: Comparison, keyColumn = "key"): string {
  const head = `SELECT 1 FROM ${table} ${alias} WHERE ${link} AND ${alias}.${keyColumn} = ${b.bind(c.key)}`;
  if (c.comparator === "IS NULL") return `NOT EXISTS (${head})`;
  if (c.comparator === "IS NOT NULL") return `EXISTS (${head})`;
  return `EXISTS (${head} AND ${b.compare(`${alias}.value`, c)})`;
}

const RUN_COLUMNS: Readonly<Record<string, string>> = {
  run_id: "runs.run_uuid",
  run_name: "runs.name",
  user_id: "runs.user_id",
  status: "runs.status",
  artifact_uri: "runs.artifact_uri",
  start_time: "runs.start_time",
  end_time: "runs.end_time",
};

function runComparison(b: Builder, c: Comparison): string {
  switch (c.entity) {
    case "metric": {
      const head = `SELECT 1 FROM latest_metrics m WHERE m.run_uuid = runs.run_uuid AND m.key = ${b.bind(c.key)}`;
      // NaN is stored as value 0 with is_nan = 1: it never satisfies a comparison except "!=".
      const nan = c.comparator === "!=" ? "OR m.is_nan = 1" : "AND m.is_nan = 0";
      const cmp = b.compare("m.value", c);
      return c.comparator === "!=" ? `EXISTS (${head} AND (${cmp} ${nan}))` : `EXISTS (${head} AND ${cmp} ${nan})`;
    }
    case "param":
      return keyValueExists(b, "params", "p", "p.run_uuid = runs.run_uuid", c);
    case "tag":
      return keyValueExists(b, "tags", "t", "t.run_uuid = runs.run_uuid", c);
    case "dataset": {
      const from = "FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id";
      if (c.key === "context") {
        return `EXISTS (SELECT 1 ${from} JOIN input_tags it ON it.input_uuid = i.input_uuid WHERE i.destination_id = runs.run_uuid AND it.name = ${b.bind(DATASET_CONTEXT_TAG)} AND ${b.compare("it.value", c)})`;
      }
      return `EXISTS (SELECT 1 ${from} WHERE i.destination_id = runs.run_uuid AND ${b.compare(`d.${c.key === "name" ? "name" : "digest"}`, c)})`;
    }
    case "attribute":
      if (c.key === "run_name") {
        // As MLflow: run_name filters read the mlflow.runName tag (runs.name is empty for old runs).
        return `EXISTS (SELECT 1 FROM tags t WHERE t.run_uuid = runs.run_uuid AND t.key = ${b.bind(RUN_NAME_TAG)} AND ${b.compare("t.value", c)})`;
      }
      return b.compare(RUN_COLUMNS[c.key]!, c);
  }
}

function experimentComparison(b: Builder, c: Comparison): string {
  if (c.entity === "tag") return keyValueExists(b, "experiment_tags", "t", "t.experiment_id = experiments.experiment_id", c);
  if (c.key === "experiment_id") return b.compare("experiments.experiment_id", c, idValue(c.value));
  return b.compare(`experiments.${c.key}`, c);
}

function registeredModelComparison(b: Builder, c: Comparison): string {
  if (c.entity === "tag") {
    return keyValueExists(b, "registered_model_tags", "t", "t.workspace = registered_models.workspace AND t.name = registered_models.name", c);
  }
  return b.compare("registered_models.name", c);
}

const MODEL_VERSION_COLUMNS: Readonly<Record<string, string>> = {
  name: "model_versions.name",
  run_id: "model_versions.run_id",
  source_path: "model_versions.source",
  version_number: "model_versions.version",
};

function modelVersionComparison(b: Builder, c: Comparison): string {
  if (c.entity === "tag") {
    return keyValueExists(
      b,
      "model_version_tags",
      "t",
      "t.workspace = model_versions.workspace AND t.name = model_versions.name AND t.version = model_versions.version",
      c,
    );
  }
  return b.compare(MODEL_VERSION_COLUMNS[c.key]!, c);
}

/** MLflow leaves prompts out of registry searches unless asked; returns the comparisons left. */
function excludePrompts(b: Builder, filter: ParsedFilter<"registeredModels" | "modelVersions">, parts: string[]): readonly Comparison[] {
  if (queriesPrompts(filter)) return filter.comparisons;
  const [table, tagTable] = filter.kind === "registeredModels" ? ["registered_models", "registered_model_tags"] : ["model_versions", "model_version_tags"];
  // Per model name, as MLflow's store does: any tagged version makes the whole model a prompt.
  parts.push(
    `NOT EXISTS (SELECT 1 FROM ${tagTable} pt WHERE pt.workspace = ${table}.workspace AND pt.name = ${table}.name AND pt.key = ${b.bind(IS_PROMPT_TAG_KEY)} AND pt.value = ${b.bind("true")})`,
  );
  return filter.comparisons.filter((c) => !(c.entity === "tag" && c.key === IS_PROMPT_TAG_KEY));
}


/**
 * `parts` joined by AND as a balanced tree of parenthesised halves: SQLite parses `a AND b AND c …`
 * into an expression as deep as the list is long and refuses depths over 1000; halves keep the
 * depth logarithmic, so a filter of `MAX_FILTER_COMPARISONS` (1000) comparisons compiles.
 */
function balancedAnd(parts: readonly string[]): string {
  if (parts.length <= 2) return parts.join(" AND ");
  const middle = parts.length >> 1;
  return `(${balancedAnd(parts.slice(0, middle))}) AND (${balancedAnd(parts.slice(middle))})`;
}

/**
 * Compiles a parsed filter to a WHERE fragment with bound parameters. Registry filters also
 * exclude prompts (unless asked for) and, for model versions, soft-deleted versions — as MLflow's
 * searches always do.
 *
 * @example
 * ```ts
 * const { where, params } = compileFilterSql(parseFilter("params.model = 'tfidf'", "runs"));
 * // where:  "EXISTS (SELECT 1 FROM params p WHERE p.run_uuid = runs.run_uuid AND p.key = ? AND p.value = ?)"
 * // params: ["model", "tfidf"]
 * ```
 */
export function compileFilterSql(filter: ParsedFilter): SqlWhere {
  const b = new Builder();
  const parts: string[] = [];
  switch (filter.kind) {
    case "runs":
      for (const c of filter.comparisons) parts.push(runComparison(b, c));
      break;
    case "experiments":
      for (const c of filter.comparisons) parts.push(experimentComparison(b, c));
      break;
    case "registeredModels":
      for (const c of excludePrompts(b, filter as ParsedFilter<"registeredModels">, parts)) parts.push(registeredModelComparison(b, c));
      break;
    case "modelVersions":
      parts.push(`model_versions.current_stage != ${b.bind(STAGE_DELETED_INTERNAL)}`);
      for (const c of excludePrompts(b, filter as ParsedFilter<"modelVersions">, parts)) parts.push(modelVersionComparison(b, c));
      break;
  }
  return Object.freeze({ where: parts.length === 0 ? "1" : balancedAnd(parts), params: Object.freeze(b.params) });
}

function runOrder(b: Builder, clause: OrderByClause): string {
  const dir = clause.ascending ? "ASC" : "DESC";
  switch (clause.entity) {
    case "metric": {
      const sub = (column: string): string =>
        `(SELECT m.${column} FROM latest_metrics m WHERE m.run_uuid = runs.run_uuid AND m.key = ${b.bind(clause.key)})`;
      // Numbers first, then NaN (is_nan = 1), then runs without the metric, in both directions.
      return `COALESCE(${sub("is_nan")}, 2) ASC, ${sub("value")} ${dir}`;
    }
    case "param":
    case "tag": {
      const [table, alias] = clause.entity === "param" ? ["params", "p"] : ["tags", "t"];
      const sub = (): string => `(SELECT ${alias}.value FROM ${table} ${alias} WHERE ${alias}.run_uuid = runs.run_uuid AND ${alias}.key = ${b.bind(clause.key)})`;
      return `${sub()} IS NULL ASC, ${sub()} ${dir}`;
    }
    default: {
      const column = RUN_COLUMNS[clause.key]!;
      return `${column} IS NULL ASC, ${column} ${dir}`;
    }
  }
}

const ORDER_COLUMNS: Readonly<Record<Exclude<SearchKind, "runs">, Readonly<Record<string, string>>>> = {
  experiments: {
    name: "experiments.name",
    experiment_id: "experiments.experiment_id",
    creation_time: "experiments.creation_time",
    last_update_time: "experiments.last_update_time",
  },
  registeredModels: { name: "registered_models.name", last_updated_timestamp: "registered_models.last_updated_time" },
  modelVersions: {
    name: "model_versions.name",
    version_number: "model_versions.version",
    creation_timestamp: "model_versions.creation_time",
    last_updated_timestamp: "model_versions.last_updated_time",
  },
};

/**
 * Compiles a parsed order-by (its `effective` clauses, tie-breakers included) to an ORDER BY
 * fragment with bound parameters.
 *
 * @example
 * ```ts
 * compileOrderBySql(parseOrderBy(["name"], "experiments")).orderBy;
 * // "experiments.name ASC, experiments.experiment_id DESC"
 * ```
 */
export function compileOrderBySql(orderBy: ParsedOrderBy): SqlOrderBy {
  const b = new Builder();
  const parts =
    orderBy.kind === "runs"
      ? orderBy.effective.map((c) => runOrder(b, c))
      : orderBy.effective.map((c) => `${ORDER_COLUMNS[orderBy.kind as Exclude<SearchKind, "runs">][c.key]} ${c.ascending ? "ASC" : "DESC"}`);
  return Object.freeze({ orderBy: parts.join(", "), params: Object.freeze(b.params) });
}

/**
 * Compiles a filter and an order-by of the same search kind.
 *
 * @example
 * ```ts
 * const sql = compileSearchSql(parseFilter(filter, "runs"), parseOrderBy(orderBy, "runs"));
 * db.prepare(`SELECT runs.* FROM runs WHERE runs.experiment_id IN (${ids.map(() => "?").join(", ")}) AND (${sql.where}) ORDER BY ${sql.orderBy}`)
 *   .all(...ids, ...sql.params, ...sql.orderByParams);
 * ```
 */
export function compileSearchSql<K extends SearchKind>(filter: ParsedFilter<K>, orderBy: ParsedOrderBy<K>): CompiledSearchSql {
  if (filter.kind !== orderBy.kind) throw new TypeError(`filter is for ${filter.kind}, order_by for ${orderBy.kind}`);
  const w = compileFilterSql(filter);
  const o = compileOrderBySql(orderBy);
  return Object.freeze({ where: w.where, params: w.params, orderBy: o.orderBy, orderByParams: o.params });
}
