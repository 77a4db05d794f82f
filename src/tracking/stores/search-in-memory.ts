/**
 * Search for stores that hold entities in memory (memory, IndexedDB): view type, filter and
 * order, from the shared search module.
 *
 * @module
 */
import { compareExperiments, compareRuns, matchesExperiment, matchesRun, parseFilter, parseOrderBy } from "../../mlflow/search/index.js";
import type { SearchExperimentsOptions, SearchRunsOptions } from "../../mlflow/tracking-store.js";
import type { Experiment, LifecycleStage, Run, ViewType } from "../../mlflow/tracking-entities.js";

/**
 * True when an entity in `stage` is visible under `view`.
 *
 * @example
 * ```ts
 * inView("deleted", "ACTIVE_ONLY"); // false
 * inView("deleted", "ALL"); // true
 * ```
 */
export function inView(stage: LifecycleStage, view: ViewType | undefined): boolean {
  const v = view ?? "ACTIVE_ONLY";
  return v === "ALL" || (v === "ACTIVE_ONLY" ? stage === "active" : stage === "deleted");
}

/**
 * The runs that match `options` (filter, view type), in their search order.
 *
 * @example
 * ```ts
 * const best = searchRunsIn(runs, { experimentIds: ["1"], filter: "metrics.accuracy > 0.9", orderBy: ["metrics.accuracy DESC"] });
 * ```
 */
export function searchRunsIn(runs: readonly Run[], options: SearchRunsOptions): Run[] {
  const filter = parseFilter(options.filter, "runs");
  const order = parseOrderBy(options.orderBy, "runs");
  return runs
    .filter((r) => inView(r.info.lifecycleStage, options.viewType) && matchesRun(r, filter))
    .sort((a, b) => compareRuns(a, b, order));
}

/**
 * The experiments that match `options` (filter, view type), in their search order.
 *
 * @example
 * ```ts
 * const found = searchExperimentsIn(experiments, { filter: "name LIKE 'sentiment%'", viewType: "ALL" });
 * ```
 */
export function searchExperimentsIn(experiments: readonly Experiment[], options: SearchExperimentsOptions): Experiment[] {
  const filter = parseFilter(options.filter, "experiments");
  const order = parseOrderBy(options.orderBy, "experiments");
  return experiments
    .filter((e) => inView(e.lifecycleStage, options.viewType) && matchesExperiment(e, filter))
    .sort((a, b) => compareExperiments(a, b, order));
}
