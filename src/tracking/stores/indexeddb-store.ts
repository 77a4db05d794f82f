/**
 * The embedded browser store, `indexeddb://<name>`: the SQL tracking and registry stores (MLflow's
 * schema and semantics, the same code as `sqlite:///` in Node) on SQLite compiled to WebAssembly,
 * with the database file kept in IndexedDB.
 *
 * Why this design rather than a store written for IndexedDB: one SQL implementation then serves
 * Node and browsers (the conformance and differential suites test the same code), an export for
 * Python MLflow is the database file itself, and a SQL engine answers MLflow's search filters. The
 * cost is SQLite's WebAssembly module (about 470 kB gzipped), loaded only when such a store opens;
 * docs/architecture.md has the measurements behind the choice.
 *
 * Every store call runs under the file's lock (shared by the origin's tabs and workers) on the
 * database as last loaded, then checks that it was current: a call that changed it writes the
 * changed pages back in one IndexedDB transaction, on condition that the stored version did not
 * move, before it resolves; any other call reads the stored version. If another writer stored a
 * newer version, the call is undone, that version loaded and the call run again. A call that
 * resolved is therefore on disk and was computed on the latest database; one that failed to save
 * is undone in memory and rejects.
 *
 * @module
 */
import { hasErrorCode, SentiMlopsError } from "../../errors.js";
import { createIndexedDbSqliteFile, type IndexedDbSqliteFile, type LockRequester, type SqliteFileSnapshot } from "../../adapters/indexeddb-sqlite-file.js";
import { openWasmSqliteDatabase, type WasmSqliteDatabase } from "../../adapters/sqlite-wasm.js";
import type { RegistryStore } from "../../mlflow/registry-store.js";
import type { TrackingStore } from "../../mlflow/tracking-store.js";
import { createSqlRegistryStore } from "../../registry/stores/sql-store.js";
import { createSqlStore } from "./sql-store.js";

/**
 * Options of {@link openIndexedDbStores}.
 *
 * @example
 * ```ts
 * const { store, registry } = await openIndexedDbStores("indexeddb://sentiment", { artifactRoot: "indexeddb://sentiment-artifacts" });
 * ```
 */
export interface IndexedDbStoreOptions {
  /** Default artifact root of new experiments. @default "indexeddb://<name>-artifacts" */
  artifactRoot?: string;
  /** Where `sqlite3.wasm` is served, when the bundler does not serve the package's copy. */
  sqliteWasmUrl?: string | URL;
  /** The IndexedDB factory (fake-indexeddb's outside browsers). @default globalThis.indexedDB */
  indexedDB?: IDBFactory;
  /** The lock manager shared by tabs. @default globalThis.navigator.locks */
  locks?: LockRequester | null;
  /** The clock, in epoch ms. @default Date.now */
  now?: () => number;
}

/**
 * The stores of an `indexeddb://` URI, and the database's file for export.
 *
 * @example
 * ```ts
 * const { store, registry, exportDatabase } = await openIndexedDbStores("indexeddb://sentiment");
 * const file = new Blob([await exportDatabase()]); // opens in Python MLflow as sqlite:///…
 * ```
 */
export interface IndexedDbStores {
  store: TrackingStore;
  registry: RegistryStore;
  /** The current database as an SQLite file in MLflow's schema. */
  exportDatabase(): Promise<Uint8Array>;
}

/** How often a call runs when other writers keep storing newer versions in between. */
const MAX_ATTEMPTS = 5;

const NAME = /^indexeddb:\/\/([^/?#]+)\/?$/i;

/**
 * The database name of an `indexeddb://<name>` tracking URI.
 *
 * @example
 * ```ts
 * parseIndexedDbUri("indexeddb://sentiment"); // "sentiment"
 * ```
 */
export function parseIndexedDbUri(uri: string): string {
  const match = NAME.exec(uri);
  if (!match) {
    throw SentiMlopsError.invalidParameterValue(`${JSON.stringify(uri)} is not an IndexedDB tracking URI: expected indexeddb://<name>`, { component: "tracking" });
  }
  return decodeURIComponent(match[1]!);
}

/** Wraps every method of `store` in `guard`; `close` is replaced by `close`. */
function guarded<T extends object>(store: T, guard: <R>(fn: () => Promise<R>) => Promise<R>, close: () => Promise<void>): T {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(store)) {
    wrapped[key] = typeof value === "function" ? (...args: unknown[]) => guard(() => (value as (...a: unknown[]) => Promise<unknown>).apply(store, args)) : value;
  }
  wrapped.close = close;
  return wrapped as T;
}

/**
 * Opens the tracking and registry stores kept in IndexedDB database `<name>` (created with MLflow's
 * schema when new), with artifacts under `indexeddb://<name>-artifacts` by default. Closing the
 * tracking store closes the database; the registry store is closed with it.
 *
 * @example
 * ```ts
 * const { store, registry } = await openIndexedDbStores("indexeddb://sentiment");
 * const experimentId = await store.createExperiment("reviews");
 * await registry.createRegisteredModel("sentiment-tfidf");
 * await store.close();
 * ```
 */
export async function openIndexedDbStores(uri: string, options: IndexedDbStoreOptions = {}): Promise<IndexedDbStores> {
  const name = parseIndexedDbUri(uri);
  const file = createIndexedDbSqliteFile({
    dbName: name,
    ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
    ...(options.locks !== undefined ? { locks: options.locks } : {}),
  });
  let db: WasmSqliteDatabase | undefined;
  let saved: SqliteFileSnapshot | undefined;
  let closed = false;
  try {
    const opened = await file.exclusive(async () => {
      const snapshot = await file.read();
      const database = await openWasmSqliteDatabase({ ...(snapshot ? { image: snapshot.image } : {}), ...(options.sqliteWasmUrl ? { wasmUrl: options.sqliteWasmUrl } : {}) });
      // 4 kB pages for a new database (the WebAssembly build's default is 8 kB): MLflow's schema
      // starts at half the size, and a call rewrites half the bytes (measured: 1.0 MB against 1.9 MB
      // after 350 calls, the same calls per second).
      if (!snapshot) database.exec("PRAGMA page_size = 4096");
      try {
        const sqlOptions = { uri, closeDatabase: false, ...(options.now ? { now: options.now } : {}) };
        const store = await createSqlStore(database, { ...sqlOptions, artifactRoot: options.artifactRoot ?? `indexeddb://${name}-artifacts` });
        const registry = await createSqlRegistryStore(database, sqlOptions);
        // A new database gets MLflow's schema on open: save it (a no-op when nothing changed).
        saved = await file.write(database.image(), snapshot);
        return { database, store, registry };
      } catch (e) {
        database.close();
        throw e;
      }
    });
    db = opened.database;
    const database = db;

    /** Loads the stored database, when another tab or worker wrote a newer one. */
    const reload = async (): Promise<void> => {
      const latest = await file.read();
      if (!latest) throw new SentiMlopsError("DATA_LOSS", `IndexedDB database ${JSON.stringify(name)} was deleted while open`, { component: "tracking" });
      database.replaceImage(latest.image);
      saved = latest;
    };
    // Optimistic: a call runs on the database as last loaded, then proves it was current — a call
    // that wrote, by storing its pages only if the stored version is still the one it started from
    // (one IndexedDB transaction); any other call, by reading that version. When another tab or
    // worker wrote in between, the call is undone, the newer database loaded, and the call run again.
    const guard = <R>(fn: () => Promise<R>): Promise<R> =>
      file.exclusive(async () => {
        if (closed) return fn(); // the stores answer INVALID_STATE themselves
        for (let attempt = 1; ; attempt++) {
          const before = database.totalChanges();
          let result: R | undefined;
          let failure: { error: unknown } | undefined;
          try {
            result = await fn();
          } catch (error) {
            failure = { error }; // a failed call rolled its transaction back
          }
          if (failure || database.totalChanges() === before) {
            if (attempt < MAX_ATTEMPTS && (await file.newerThan(saved!.version))) {
              await reload();
              continue;
            }
            if (failure) throw failure.error;
            return result as R;
          }
          try {
            saved = await file.write(database.imageView(), saved);
            return result as R;
          } catch (e) {
            database.replaceImage(saved!.image); // undo in memory what could not be saved
            if (hasErrorCode(e, "ABORTED") && attempt < MAX_ATTEMPTS) {
              await reload();
              continue;
            }
            throw e;
          }
        }
      });

    const closeAll = async (): Promise<void> => {
      await file.exclusive(async () => {
        if (closed) return;
        closed = true;
        await opened.store.close();
        await opened.registry.close();
        database.close();
      });
      await file.close();
    };
    return {
      store: guarded(opened.store, guard, closeAll),
      registry: guarded(opened.registry, guard, async () => opened.registry.close()),
      exportDatabase: () =>
        guard(async () => {
          if (closed) throw new SentiMlopsError("INVALID_STATE", `the IndexedDB store ${uri} is closed`, { component: "tracking" });
          return database.image();
        }),
    };
  } catch (e) {
    await file.close();
    throw e;
  }
}
