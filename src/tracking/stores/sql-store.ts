/**
 * The tracking store on MLflow's own SQL schema (the tables `mlflow server` creates), through the
 * structural {@link SqlDatabase} type, so that a file written here opens in `mlflow server`,
 * `mlflow ui` and Python's `MlflowClient`, and a file MLflow wrote reads back here unchanged.
 *
 * The rows are the ones MLflow's `SqlAlchemyStore` writes (`mlflow/store/tracking/sqlalchemy_store.py`):
 * integer experiment ids (SQLite rowids, Default = 0), `uuid4().hex` run, dataset and input ids,
 * `runs.source_type = 'UNKNOWN'`, epoch-ms times, soft deletes with `runs.deleted_time`, NaN
 * metrics as `value = 0, is_nan = 1`, ±Infinity clamped to ±1.7976931348623157e308, and
 * `latest_metrics` kept up to date (runs and searches read metrics from it only). The observable
 * semantics and error codes are those of the memory store.
 *
 * This module composes the entity modules of `./sql/` (experiments, runs and metrics, search) over
 * their shared context. It imports no `node:*` module (a browser build may pair it with a WASM
 * SQLite); `openSqlStores` (in `sql-store.node.ts`) opens a file with better-sqlite3.
 *
 * @module
 */
import type { SqlDatabase } from "../../mlflow/sql/sql-database.js";
import type { TrackingStore } from "../../mlflow/tracking-store.js";
import { createSqlTrackingContext, type SqlStoreOptions } from "./sql/context.js";
import { createExperimentOps } from "./sql/experiments.js";
import { createRunOps } from "./sql/runs.js";
import { createSearchOps } from "./sql/search.js";
import { withSqlStoreErrors } from "../../mlflow/sql/store-errors.js";
import { withWellFormedStrings } from "../../mlflow/well-formed-strings.js";

export type { SqlStoreOptions } from "./sql/context.js";

/**
 * Creates a tracking store on `db`, which holds (or receives) MLflow's schema: an empty database
 * gets the pinned MLflow version's tables (`ensureMlflowSchema`), a database stamped with another
 * alembic revision is refused with `INVALID_STATE`. Like MLflow's store, it adds the Default
 * experiment (id 0) when it is missing.
 *
 * Every write is one short transaction (`BEGIN IMMEDIATE` where the driver offers it); a database
 * still locked by another process after the connection's busy timeout gives
 * `TEMPORARILY_UNAVAILABLE`, as MLflow reports it.
 *
 * @example
 * ```ts
 * import Database from "better-sqlite3";
 * const store = await createSqlStore(new Database("mlflow.db"), { artifactRoot: "s3://bucket/mlflow" });
 * const id = await store.createExperiment("sentiment");
 * const run = await store.createRun({ experimentId: id, runName: "tfidf" });
 * await store.logBatch(run.info.runId, { metrics: [{ key: "acc", value: 0.91, timestamp: Date.now(), step: 0 }] });
 * await store.close();
 * ```
 */
export async function createSqlStore(db: SqlDatabase, options: SqlStoreOptions = {}): Promise<TrackingStore> {
  const ctx = createSqlTrackingContext(db, options);
  const store: TrackingStore = {
    uri: ctx.uri,
    ...createExperimentOps(ctx),
    ...createRunOps(ctx),
    ...createSearchOps(ctx),
    async close() {
      if (ctx.markClosed() && ctx.closeDatabase) db.close();
    },
  };
  return withWellFormedStrings(withSqlStoreErrors(store, { component: "tracking", storeName: "SQL store" }), "tracking");
}
