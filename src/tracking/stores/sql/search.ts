/**
 * Searches of the SQL tracking store: `searchExperiments` and `searchRuns`, with the filter and
 * order compiled to SQL by the shared search module and the statements kept in the LRU cache.
 *
 * @module
 */
import { decodePageToken } from "../../../mlflow/page-token.js";
import { compileSearchSql, parseFilter, parseOrderBy } from "../../../mlflow/search/index.js";
import { offsetPage } from "../../../mlflow/sql/store-session.js";
import type { LifecycleStage, ViewType } from "../../../mlflow/tracking-entities.js";
import type { SearchExperimentsOptions, SearchRunsOptions } from "../../../mlflow/tracking-store.js";
import { LIMITS, parseExperimentId, validateMaxResults } from "../../../mlflow/validation.js";
import { invalid } from "../tracking-semantics.js";
import type { ExperimentRow, RunRow, SqlTrackingContext } from "./context.js";
import { loadExperiments, loadRuns } from "./rows.js";
import type { SearchOps } from "../ops.js";


const STAGES: Readonly<Record<ViewType, readonly LifecycleStage[]>> = {
  ACTIVE_ONLY: ["active"],
  DELETED_ONLY: ["deleted"],
  ALL: ["active", "deleted"],
};

/** The lifecycle stages `view` shows, as a JSON array for `json_each`. */
function stagesOf(view: ViewType | undefined): string {
  const stages = STAGES[view ?? "ACTIVE_ONLY"];
  if (!stages) throw invalid(`Invalid view type '${String(view)}'; expected ACTIVE_ONLY, DELETED_ONLY or ALL`);
  return JSON.stringify(stages);
}

/**
 * The search methods on the shared SQL context.
 *
 * @example
 * ```ts
 * const { searchRuns } = createSearchOps(ctx);
 * const page = await searchRuns({ experimentIds: ["0"], filter: "metrics.acc > 0.9", orderBy: ["metrics.acc DESC"] });
 * ```
 */
export function createSearchOps(ctx: SqlTrackingContext): SearchOps {
  const { read, check, searchStatement } = ctx;
  return {
    async searchExperiments(opts: SearchExperimentsOptions = {}) {
      check();
      const maxResults = validateMaxResults(opts.maxResults, LIMITS.searchDefaultResults, LIMITS.searchMaxResults);
      const stages = stagesOf(opts.viewType);
      const sql = compileSearchSql(parseFilter(opts.filter, "experiments"), parseOrderBy(opts.orderBy, "experiments"));
      const offset = decodePageToken(opts.pageToken);
      const stmt = searchStatement(
        `SELECT experiments.* FROM experiments WHERE experiments.lifecycle_stage IN (SELECT value FROM json_each(?)) ` +
          `AND (${sql.where}) ORDER BY ${sql.orderBy} LIMIT ? OFFSET ?`,
      );
      return read(() => {
        const rows = stmt.all(stages, ...sql.params, ...sql.orderByParams, maxResults + 1, offset) as ExperimentRow[];
        return offsetPage(loadExperiments(ctx, rows.slice(0, maxResults)), rows.length > maxResults, offset + maxResults);
      });
    },

    async searchRuns(opts: SearchRunsOptions) {
      check();
      const maxResults = validateMaxResults(opts.maxResults, LIMITS.searchDefaultResults, LIMITS.searchMaxResults);
      const ids = JSON.stringify(opts.experimentIds.map((id) => parseExperimentId(id)));
      const stages = stagesOf(opts.viewType);
      const sql = compileSearchSql(parseFilter(opts.filter, "runs"), parseOrderBy(opts.orderBy, "runs"));
      const offset = decodePageToken(opts.pageToken);
      const stmt = searchStatement(
        `SELECT runs.* FROM runs WHERE runs.experiment_id IN (SELECT value FROM json_each(?)) ` +
          `AND runs.lifecycle_stage IN (SELECT value FROM json_each(?)) AND (${sql.where}) ORDER BY ${sql.orderBy} LIMIT ? OFFSET ?`,
      );
      return read(() => {
        const rows = stmt.all(ids, stages, ...sql.params, ...sql.orderByParams, maxResults + 1, offset) as RunRow[];
        return offsetPage(loadRuns(ctx, rows.slice(0, maxResults)), rows.length > maxResults, offset + maxResults);
      });
    },
  };
}
