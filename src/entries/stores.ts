/**
 * MLflow-compatible stores that run in-process — memory, and SQL in MLflow's own schema over any
 * {@link SqlDatabase} (better-sqlite3 in Node, SQLite compiled to WebAssembly in browsers, kept in
 * IndexedDB by `openIndexedDbStores`) — for tracking and for the model registry, and
 * MLflow's search grammar (`parseFilter`, `parseOrderBy`). `createTracking("memory:")` and
 * `createTracking("sqlite:///…")` build these for you; import them to compose stores yourself.
 * (They live apart from `senti-mlops/tracking` so that a page talking to an MLflow server over
 * REST does not carry them.)
 *
 * @example
 * ```ts
 * import { createMemoryStore, createMemoryRegistryStore } from "senti-mlops/stores";
 * import { createTracking } from "senti-mlops/tracking";
 * const store = createMemoryStore();
 * const tracking = await createTracking(store, { registry: createMemoryRegistryStore({ tracking: store }) });
 * ```
 *
 * @module
 */
export { createMemoryStore } from "../tracking/stores/memory-store.js";
export type { MemoryStoreOptions } from "../tracking/stores/memory-store.js";
export { createSqlStore } from "../tracking/stores/sql-store.js";
export type { SqlStoreOptions } from "../tracking/stores/sql-store.js";
export { createMemoryRegistryStore, type MemoryRegistryStoreOptions } from "../registry/stores/memory-store.js";
export { createSqlRegistryStore, type SqlRegistryStoreOptions } from "../registry/stores/sql-store.js";
export type { SqlDatabase } from "../mlflow/sql/sql-database.js";
export { MAX_FILTER_COMPARISONS, parseFilter, parseOrderBy } from "../mlflow/search/index.js";
export { openIndexedDbStores, parseIndexedDbUri } from "../tracking/stores/indexeddb-store.js";
export type { IndexedDbStoreOptions, IndexedDbStores } from "../tracking/stores/indexeddb-store.js";
export { openWasmSqliteDatabase } from "../adapters/sqlite-wasm.js";
export type { OpenWasmSqliteOptions, WasmSqliteDatabase } from "../adapters/sqlite-wasm.js";
