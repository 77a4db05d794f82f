/**
 * The registry store on MLflow's own SQL tables (`registered_models`, `model_versions`,
 * `registered_model_tags`, `model_version_tags`, `registered_model_aliases`), through the
 * structural {@link SqlDatabase} type, writing the rows MLflow's SQLAlchemy registry store writes
 * (`mlflow/store/model_registry/sqlalchemy_store.py`, MLflow 3.17.2): epoch-ms times, workspace
 * `default`, `current_stage` `None`/`Staging`/`Production`/`Archived`, `status` `READY`,
 * `storage_location`, version = max of the name's versions (soft-deleted ones included) + 1, and
 * soft deletes as `Deleted_Internal` with MLflow's redactions. A file written here reads back
 * identically through Python's `MlflowClient`, and the other way round.
 *
 * Like MLflow's server (and unlike its bare SQLAlchemy store), it checks and resolves model-version
 * sources (`version-source.ts`), looking runs up in the same database's `runs` table; unset text
 * fields of new rows are `""`, as the server writes them.
 *
 * This module composes the entity modules of `./sql/` (registered models, versions, aliases,
 * search) over their shared context. It imports no `node:*` module and no driver; open a database
 * with `openSqliteDatabase` (Node) or pass any {@link SqlDatabase}.
 *
 * @module
 */
import type { RegistryStore } from "../../mlflow/registry-store.js";
import type { SqlDatabase } from "../../mlflow/sql/sql-database.js";
import { createAliasOps } from "./sql/aliases.js";
import { createSqlRegistryContext, type SqlRegistryStoreOptions } from "./sql/context.js";
import { createRegisteredModelOps } from "./sql/registered-models.js";
import { createSearchOps } from "./sql/search.js";
import { createVersionOps } from "./sql/versions.js";
import { withSqlStoreErrors } from "../../mlflow/sql/store-errors.js";
import { withWellFormedStrings } from "../../mlflow/well-formed-strings.js";

export type { SqlRegistryStoreOptions } from "./sql/context.js";

/**
 * Creates a registry store on `db`. An empty database gets the pinned MLflow version's schema
 * (`ensureMlflowSchema`); a database stamped with another alembic revision is refused with
 * `INVALID_STATE`. The connection gets MLflow's per-session settings (`foreign_keys`, case-sensitive
 * `LIKE`). Every write is one transaction (`BEGIN IMMEDIATE` where the driver offers it).
 *
 * @example
 * ```ts
 * const db = await openSqliteDatabase("./mlflow.db");
 * const tracking = await createSqlStore(db);                  // owns db
 * const registry = await createSqlRegistryStore(db, { uri: "sqlite:///mlflow.db" });
 * await registry.createRegisteredModel("sentiment-tfidf");
 * await registry.createModelVersion({ name: "sentiment-tfidf", source: `runs:/${runId}/model`, runId });
 * ```
 */
export async function createSqlRegistryStore(db: SqlDatabase, options: SqlRegistryStoreOptions = {}): Promise<RegistryStore> {
  const ctx = createSqlRegistryContext(db, options);
  const store: RegistryStore = {
    uri: ctx.uri,
    ...createRegisteredModelOps(ctx),
    ...createVersionOps(ctx),
    ...createAliasOps(ctx),
    ...createSearchOps(ctx),
    async close() {
      if (ctx.markClosed() && ctx.closeDatabase) db.close();
    },
  };
  ctx.bindStore(store);
  return withWellFormedStrings(withSqlStoreErrors(store, { component: "registry", storeName: "SQL registry store" }), "registry");
}
