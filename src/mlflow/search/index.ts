/**
 * MLflow's search grammar, written once for every tracking and registry store: parse filters and
 * order-by clauses ({@link parseFilter}, {@link parseOrderBy}), evaluate them in memory
 * ({@link matchesRun}, {@link compareRuns}, …) or compile them to SQL for MLflow's schema
 * ({@link compileSearchSql}).
 *
 * @example
 * ```ts
 * const filter = parseFilter("metrics.acc > 0.8 AND params.model = 'tfidf'", "runs");
 * const order = parseOrderBy(["metrics.acc DESC"], "runs");
 * const hits = runs.filter((r) => matchesRun(r, filter)).sort((a, b) => compareRuns(a, b, order));
 * ```
 *
 * @module
 */
export {
  type Comparison,
  type FilterValue,
  type ParsedFilter,
  type ResolvedIdentifier,
  MAX_FILTER_COMPARISONS,
  parseFilter,
  parsePythonInt,
} from "./parse-filter.js";
export { type OrderByClause, type ParsedOrderBy, parseOrderBy } from "./parse-order-by.js";
export {
  type AttributeSpec,
  type Comparator,
  type FilterEntity,
  type SearchKind,
  type SearchKindSpec,
  type ValueType,
  findAttribute,
  searchKindSpec,
} from "./search-kinds.js";
export {
  DATASET_CONTEXT_TAG,
  RUN_NAME_TAG,
  compareExperiments,
  compareModelVersions,
  compareRegisteredModels,
  compareRuns,
  matchesExperiment,
  matchesModelVersion,
  matchesRegisteredModel,
  matchesRun,
  queriesPrompts,
} from "./evaluate.js";
export {
  type CompiledSearchSql,
  type SqlOrderBy,
  type SqlWhere,
  SQLITE_SEARCH_PRAGMA,
  compileFilterSql,
  compileOrderBySql,
  compileSearchSql,
} from "./compile-sql.js";
export {
  IS_PROMPT_TAG_KEY,
  type ModelVersionSearchEntity,
  type RegisteredModelSearchEntity,
  STAGE_DELETED_INTERNAL,
} from "./registry-entities.js";
export { asciiLower, compareText, sqlLike, storedMetricValue } from "./sql-semantics.js";
