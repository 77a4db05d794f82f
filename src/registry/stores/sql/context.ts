/**
 * The shared context of the SQL registry store's entity modules: the connection, its prepared
 * statements and search-statement cache, the transaction runner, the clock, the store's URI, and
 * the row lookups every entity checks against.
 *
 * @module
 */
import { STAGE_DELETED_INTERNAL } from "../../../mlflow/search/index.js";
import type { RegistryStore } from "../../../mlflow/registry-store.js";
import { parseModelVersion, validateModelName } from "../../../mlflow/registry-validation.js";
import type { SqlDatabase } from "../../../mlflow/sql/sql-database.js";
import { openSqlStoreSession, type SqlStoreSession } from "../../../mlflow/sql/store-session.js";
import { modelNotFound, versionNotFound } from "../registry-semantics.js";
import { REGISTRY_SQL, type RegistryStatementName } from "./statements.js";

/**
 * Options of `createSqlRegistryStore`.
 *
 * @example
 * ```ts
 * const options: SqlRegistryStoreOptions = { uri: "sqlite:///mlflow.db", closeDatabase: false };
 * ```
 */
export interface SqlRegistryStoreOptions {
  /** The clock, in epoch ms. @default Date.now */
  now?: () => number;
  /** What `RegistryStore.uri` says, e.g. `sqlite:///mlflow.db`. @default "sqlite:" */
  uri?: string;
  /**
   * Whether `RegistryStore.close` closes `db` too. Off by default: the registry usually
   * shares the connection of a tracking store, which owns it.
   * @default false
   */
  closeDatabase?: boolean;
}

/**
 * Single-tenant MLflow keeps every registry row in this workspace (`workspace_utils.py`).
 *
 * @example
 * ```ts
 * ctx.s.model.get(WORKSPACE, "sentiment-tfidf");
 * ```
 */
export const WORKSPACE = "default";

/**
 * A row of MLflow's `registered_models` table (the columns read here).
 *
 * @example
 * ```ts
 * const row: ModelRow = ctx.modelRow("sentiment-tfidf");
 * ```
 */
export interface ModelRow {
  name: string;
  creation_time: number | null;
  last_updated_time: number | null;
  description: string | null;
}

/**
 * A row of MLflow's `model_versions` table.
 *
 * @example
 * ```ts
 * const row: VersionRow = ctx.liveVersionRow("sentiment-tfidf", "1");
 * ```
 */
export interface VersionRow {
  name: string;
  version: number;
  creation_time: number | null;
  last_updated_time: number | null;
  description: string | null;
  user_id: string | null;
  current_stage: string | null;
  source: string | null;
  run_id: string | null;
  status: string | null;
  status_message: string | null;
  run_link: string | null;
  storage_location: string | null;
}

/**
 * What the SQL registry store's entity modules share.
 *
 * @example
 * ```ts
 * const ctx = createSqlRegistryContext(db, { uri: "sqlite:///mlflow.db" });
 * const ops = { ...createRegisteredModelOps(ctx), ...createVersionOps(ctx), ...createAliasOps(ctx), ...createSearchOps(ctx) };
 * ```
 */
export interface SqlRegistryContext extends SqlStoreSession<RegistryStatementName> {
  readonly now: () => number;
  readonly uri: string;
  readonly closeDatabase: boolean;
  /** The model row, after MLflow's name check (`_get_registered_model`). */
  readonly modelRow: (name: string) => ModelRow;
  /** A live version row, after MLflow's name and version checks (`_get_sql_model_version`). */
  readonly liveVersionRow: (name: string, version: unknown) => VersionRow;
  /** The composed store, for reads that go through its public methods (model-version sources). */
  readonly store: () => RegistryStore;
  /** Tells the context the composed store, once. */
  readonly bindStore: (store: RegistryStore) => void;
}

/**
 * Sets `db` up for the registry store (MLflow's session settings and schema) and builds the
 * shared context.
 *
 * @example
 * ```ts
 * const ctx = createSqlRegistryContext(db);
 * ctx.read(() => ctx.modelRow("sentiment-tfidf")).description;
 * ```
 */
export function createSqlRegistryContext(db: SqlDatabase, options: SqlRegistryStoreOptions = {}): SqlRegistryContext {
  // Renames rely on the foreign keys' ON UPDATE CASCADE, compiled LIKE filters on the second pragma.
  const session = openSqlStoreSession(db, REGISTRY_SQL, { component: "registry", storeName: "SQL registry store" });
  const { s } = session;
  let bound: RegistryStore | undefined;
  return {
    ...session,
    now: options.now ?? Date.now,
    uri: options.uri ?? "sqlite:",
    closeDatabase: options.closeDatabase ?? false,
    modelRow: (name) => {
      validateModelName(name);
      const row = s.model.get(WORKSPACE, name) as ModelRow | undefined;
      if (row === undefined) throw modelNotFound(name);
      return row;
    },
    liveVersionRow: (name, version) => {
      validateModelName(name);
      const number = parseModelVersion(version);
      const row = s.version.get(WORKSPACE, name, number) as VersionRow | undefined;
      if (row === undefined || row.current_stage === STAGE_DELETED_INTERNAL) throw versionNotFound(name, number);
      return row;
    },
    store: () => bound!,
    bindStore: (store) => {
      bound = store;
    },
  };
}
