/**
 * A tracking store held in memory, with the semantics of MLflow's SQL store (ids, soft deletes,
 * latest-metric upkeep, NaN/±Inf encoding, validation, error codes) — for tests, notebooks and
 * short-lived processes. Search filters and ordering use the shared search module.
 *
 * This module composes the entity modules of `./memory/` (experiments, runs and metrics, search)
 * over their shared context.
 *
 * @module
 */
import type { TrackingStore } from "../../mlflow/tracking-store.js";
import { createMemoryTrackingContext, type MemoryStoreOptions } from "./memory/context.js";
import { createExperimentOps } from "./memory/experiments.js";
import { createRunOps } from "./memory/runs.js";
import { createSearchOps } from "./memory/search.js";
import { withWellFormedStrings } from "../../mlflow/well-formed-strings.js";

export type { MemoryStoreOptions } from "./memory/context.js";
export { isNewerMetric, sanitizeMetricValue } from "./tracking-semantics.js";

/**
 * Creates an in-memory tracking store. It starts with MLflow's default experiment (id "0",
 * "Default").
 *
 * @example
 * ```ts
 * const store = createMemoryStore();
 * const id = await store.createExperiment("sentiment");
 * const run = await store.createRun({ experimentId: id, runName: "tfidf" });
 * await store.logBatch(run.info.runId, { metrics: [{ key: "acc", value: 0.9, timestamp: Date.now(), step: 0 }] });
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): TrackingStore {
  const ctx = createMemoryTrackingContext(options);
  return withWellFormedStrings<TrackingStore>({
    uri: "memory:",
    ...createExperimentOps(ctx),
    ...createRunOps(ctx),
    ...createSearchOps(ctx),
    async close() {
      ctx.markClosed();
    },
  }, "tracking");
}
