/**
 * Opening the SQL tracking store on a SQLite file with better-sqlite3 (Node only: this module
 * reaches `node:*` through the SQLite adapter; {@link createSqlStore} itself does not).
 *
 * @module
 */
import { resolve } from "node:path";
import { openSqliteDatabase, parseSqliteUri } from "../../adapters/sqlite.js";
import { createSqlRegistryStore } from "../../registry/stores/sql-store.js";
import type { RegistryStore } from "../../mlflow/registry-store.js";
import type { TrackingStore } from "../../mlflow/tracking-store.js";
import { createSqlStore, type SqlStoreOptions } from "./sql-store.js";


/**
 * Options of {@link openSqlStores}.
 *
 * @example
 * ```ts
 * const { store, registry } = await openSqlStores("sqlite:///mlflow.db", { artifactRoot: "./mlruns", busyTimeoutMs: 5000 });
 * ```
 */
export interface OpenSqlStoreOptions extends Omit<SqlStoreOptions, "uri" | "closeDatabase"> {
  /**
   * Default artifact root of new experiments; a relative path is made absolute against the
   * working directory.
   * @default "./mlruns" made absolute, as MLflow's Python client does for a `sqlite:///` tracking URI
   */
  artifactRoot?: string;
  /**
   * How long a statement waits for another connection's lock (e.g. a running `mlflow server`)
   * before the call fails with `TEMPORARILY_UNAVAILABLE`.
   * @default 20000 (MLflow's)
   */
  busyTimeoutMs?: number;
}

const SQLITE_URI = /^sqlite(?:\+[A-Za-z0-9_]+)?:/i;
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * MLflow's `resolve_uri_if_local` for POSIX paths: a relative path without a URI scheme becomes an
 * absolute path against the working directory; URIs and absolute paths are kept.
 */
function resolveLocalLocation(location: string): string {
  if (HAS_SCHEME.test(location) || location.startsWith("/")) return location;
  return resolve(location);
}

/**
 * Opens an MLflow SQLite database (a `sqlite:` URI or a path; created with MLflow's schema when
 * new, its `alembic_version` checked when not) and returns both stores on its one
 * connection: tracking and model registry (MLflow's default registry URI is the tracking URI).
 * Closing the tracking store closes the connection.
 *
 * @example
 * ```ts
 * const { store, registry } = await openSqlStores("sqlite:///mlflow.db");
 * await registry.createRegisteredModel("sentiment-tfidf");
 * await store.close();
 * ```
 */
export async function openSqlStores(uriOrPath: string, options: OpenSqlStoreOptions = {}): Promise<{ store: TrackingStore; registry: RegistryStore }> {
  const { busyTimeoutMs, ...rest } = options;
  const isUri = typeof uriOrPath === "string" && SQLITE_URI.test(uriOrPath);
  const path = isUri ? parseSqliteUri(uriOrPath).path : uriOrPath;
  const db = await openSqliteDatabase(path, busyTimeoutMs === undefined ? {} : { busyTimeoutMs });
  const uri = isUri ? uriOrPath : path === ":memory:" ? "sqlite:///:memory:" : `sqlite:///${path}`;
  try {
    const store = await createSqlStore(db, {
      ...rest,
      artifactRoot: rest.artifactRoot ?? "./mlruns",
      resolveArtifactLocation: rest.resolveArtifactLocation ?? resolveLocalLocation,
      uri,
      closeDatabase: true,
    });
    const registry = await createSqlRegistryStore(db, { uri, closeDatabase: false, ...(rest.now ? { now: rest.now } : {}) });
    return { store, registry };
  } catch (e) {
    db.close();
    throw e;
  }
}
