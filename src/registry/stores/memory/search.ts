/**
 * Searches of the memory registry store: `searchRegisteredModels` and `searchModelVersions`,
 * filtered and ordered by the shared search module (as the SQL store's compiled filters), then paged.
 *
 * @module
 */
import { paginate } from "../../../mlflow/page-token.js";
import type { ModelVersion, RegisteredModel } from "../../../mlflow/registry-entities.js";
import { validateModelVersionsMaxResults, validateRegisteredModelsMaxResults } from "../../../mlflow/registry-validation.js";
import {
  compareModelVersions,
  compareRegisteredModels,
  matchesModelVersion,
  matchesRegisteredModel,
  type ModelVersionSearchEntity,
  parseFilter,
  type RegisteredModelSearchEntity,
} from "../../../mlflow/search/index.js";
import type { Page } from "../../../mlflow/tracking-entities.js";
import { parseRegistryOrderBy } from "../registry-semantics.js";
import { type MemoryRegistryContext, type ModelRecord, modelEntity, tagRecord, versionEntity, type VersionRecord } from "./context.js";
import type { SearchOps } from "../ops.js";


const searchableModel = (m: ModelRecord): RegisteredModelSearchEntity => ({
  name: m.name,
  creationTimestamp: m.creationTime,
  lastUpdatedTimestamp: m.lastUpdatedTime,
  tags: tagRecord(m.tags),
});

const searchableVersion = (v: VersionRecord): ModelVersionSearchEntity => ({
  name: v.name,
  version: v.version,
  runId: v.runId,
  source: v.source,
  creationTimestamp: v.creationTime,
  lastUpdatedTimestamp: v.lastUpdatedTime,
  currentStage: v.currentStage,
  tags: tagRecord(v.tags),
});

/**
 * The search methods on the shared memory context.
 *
 * @example
 * ```ts
 * const { searchRegisteredModels } = createSearchOps(ctx);
 * const page = await searchRegisteredModels({ filter: "name LIKE 'senti%'" });
 * ```
 */
export function createSearchOps(ctx: MemoryRegistryContext): SearchOps {
  const { models, check } = ctx;
  return {
    async searchRegisteredModels(opts = {}) {
      check();
      const maxResults = validateRegisteredModelsMaxResults(opts.maxResults);
      const filter = parseFilter(opts.filter, "registeredModels");
      const orderBy = parseRegistryOrderBy(opts.orderBy, "registeredModels");
      const hits = [...models.values()]
        .map((m) => ({ m, s: searchableModel(m) }))
        .filter(({ s }) => matchesRegisteredModel(s, filter))
        .sort((a, b) => compareRegisteredModels(a.s, b.s, orderBy))
        .map(({ m }) => m);
      // maxResults 0 gives an empty page, with a token when models are left, as in MLflow.
      const { items, nextPageToken } = paginate(hits, maxResults, opts.pageToken);
      const page: Page<RegisteredModel> = { items: items.map((m) => modelEntity(m, "search")) };
      return nextPageToken === undefined ? page : { ...page, nextPageToken };
    },

    async searchModelVersions(opts = {}) {
      check();
      const maxResults = validateModelVersionsMaxResults(opts.maxResults);
      const filter = parseFilter(opts.filter, "modelVersions");
      const orderBy = parseRegistryOrderBy(opts.orderBy, "modelVersions");
      const rows: { m: ModelRecord; v: VersionRecord; s: ModelVersionSearchEntity }[] = [];
      for (const m of models.values()) {
        for (const v of m.versions.values()) {
          const s = searchableVersion(v);
          if (matchesModelVersion(s, filter)) rows.push({ m, v, s });
        }
      }
      rows.sort((a, b) => compareModelVersions(a.s, b.s, orderBy));
      // MLflow's search returns versions without their aliases (sqlalchemy_store.py:1376, to_mlflow_entity).
      const { items, nextPageToken } = paginate(rows, maxResults, opts.pageToken);
      const page: Page<ModelVersion> = { items: items.map(({ m, v }) => versionEntity(m, v, false)) };
      return nextPageToken === undefined ? page : { ...page, nextPageToken };
    },
  };
}
