/**
 * Searches of the memory tracking store: `searchExperiments` and `searchRuns`, filtered and ordered
 * by the shared search module (`search-in-memory.ts`), then paged.
 *
 * @module
 */
import { paginate } from "../../../mlflow/page-token.js";
import type { Page, Run } from "../../../mlflow/tracking-entities.js";
import type { SearchExperimentsOptions, SearchRunsOptions } from "../../../mlflow/tracking-store.js";
import { LIMITS, parseExperimentId, validateMaxResults } from "../../../mlflow/validation.js";
import { searchExperimentsIn, searchRunsIn } from "../search-in-memory.js";
import { type MemoryTrackingContext, toExperiment, toRun } from "./context.js";
import type { SearchOps } from "../ops.js";


/**
 * The search methods on the shared memory context.
 *
 * @example
 * ```ts
 * const { searchExperiments } = createSearchOps(ctx);
 * const page = await searchExperiments({ filter: "name LIKE 'senti%'" });
 * ```
 */
export function createSearchOps(ctx: MemoryTrackingContext): SearchOps {
  const { check } = ctx;
  return {
    async searchExperiments(opts: SearchExperimentsOptions = {}) {
      check();
      const maxResults = validateMaxResults(opts.maxResults, LIMITS.searchDefaultResults, LIMITS.searchMaxResults);
      const all = [...ctx.experiments.values()].map(toExperiment);
      const sorted = searchExperimentsIn(all, opts);
      return paginate(sorted, maxResults, opts.pageToken);
    },

    async searchRuns(opts: SearchRunsOptions) {
      check();
      const maxResults = validateMaxResults(opts.maxResults, LIMITS.searchDefaultResults, LIMITS.searchMaxResults);
      const ids = new Set(opts.experimentIds.map((id) => parseExperimentId(id)));
      const candidates = [...ctx.runs.values()].filter((r) => ids.has(r.experimentId)).map(toRun);
      return paginate(searchRunsIn(candidates, opts), maxResults, opts.pageToken) as Page<Run>;
    },
  };
}
