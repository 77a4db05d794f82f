/**
 * Searches of the SQL registry store: `searchRegisteredModels` and `searchModelVersions`, with the
 * filter and order compiled to SQL by the shared search module and the statements kept in the LRU
 * cache.
 *
 * @module
 */
import { decodePageToken } from "../../../mlflow/page-token.js";
import { validateModelVersionsMaxResults, validateRegisteredModelsMaxResults } from "../../../mlflow/registry-validation.js";
import { compileSearchSql, parseFilter } from "../../../mlflow/search/index.js";
import { offsetPage } from "../../../mlflow/sql/store-session.js";
import { parseRegistryOrderBy } from "../registry-semantics.js";
import { type ModelRow, type SqlRegistryContext, type VersionRow, WORKSPACE } from "./context.js";
import { loadModels, loadVersions } from "./rows.js";
import type { SearchOps } from "../ops.js";


/**
 * The search methods on the shared SQL context.
 *
 * @example
 * ```ts
 * const { searchModelVersions } = createSearchOps(ctx);
 * const page = await searchModelVersions({ filter: "name = 'sentiment-tfidf'", orderBy: ["version_number DESC"] });
 * ```
 */
export function createSearchOps(ctx: SqlRegistryContext): SearchOps {
  const { read, check, searchStatement } = ctx;
  return {
    async searchRegisteredModels(opts = {}) {
      check();
      const maxResults = validateRegisteredModelsMaxResults(opts.maxResults);
      const sql = compileSearchSql(parseFilter(opts.filter, "registeredModels"), parseRegistryOrderBy(opts.orderBy, "registeredModels"));
      const offset = decodePageToken(opts.pageToken);
      const stmt = searchStatement(
        "SELECT registered_models.name, registered_models.creation_time, registered_models.last_updated_time, registered_models.description " +
          `FROM registered_models WHERE registered_models.workspace = ? AND (${sql.where}) ORDER BY ${sql.orderBy} LIMIT ? OFFSET ?`,
      );
      return read(() => {
        const rows = stmt.all(WORKSPACE, ...sql.params, ...sql.orderByParams, maxResults + 1, offset) as ModelRow[];
        // maxResults 0 gives an empty page, with a token when models are left, as in MLflow.
        return offsetPage(loadModels(ctx, rows.slice(0, maxResults), "search"), rows.length > maxResults, offset + maxResults);
      });
    },

    async searchModelVersions(opts = {}) {
      check();
      const maxResults = validateModelVersionsMaxResults(opts.maxResults);
      const sql = compileSearchSql(parseFilter(opts.filter, "modelVersions"), parseRegistryOrderBy(opts.orderBy, "modelVersions"));
      const offset = decodePageToken(opts.pageToken);
      const stmt = searchStatement(
        `SELECT model_versions.* FROM model_versions WHERE model_versions.workspace = ? AND (${sql.where}) ORDER BY ${sql.orderBy} LIMIT ? OFFSET ?`,
      );
      return read(() => {
        const rows = stmt.all(WORKSPACE, ...sql.params, ...sql.orderByParams, maxResults + 1, offset) as VersionRow[];
        // MLflow's search returns versions without their aliases (sqlalchemy_store.py:1376, to_mlflow_entity).
        return offsetPage(loadVersions(ctx, rows.slice(0, maxResults), false), rows.length > maxResults, offset + maxResults);
      });
    },
  };
}
