/**
 * A {@link ByteStore} in the browser's IndexedDB: one object store, keys as given, values as
 * `Uint8Array`. Universal (no `node:*`): in Node, pass a factory such as fake-indexeddb's.
 *
 * @module
 */
import { del, get, promisifyRequest, set, type UseStore } from "idb-keyval";
import { SentiMlopsError } from "../errors.js";
import { withGuards, type ByteStore } from "./byte-store.js";

/**
 * Options of {@link createIndexedDbByteStore}.
 *
 * @example
 * ```ts
 * const bytes = createIndexedDbByteStore({ dbName: "my-app", storeName: "models" });
 * ```
 */
export interface IndexedDbByteStoreOptions {
  /** The IndexedDB database. @default "senti-mlops" */
  dbName?: string;
  /**
   * The object store inside it. Created when missing, also in a database that already holds other
   * object stores (the database version is bumped for that). @default "artifacts"
   */
  storeName?: string;
  /**
   * The IndexedDB factory, e.g. fake-indexeddb's `indexedDB` in Node tests, or a worker's own.
   * @default globalThis.indexedDB
   */
  indexedDB?: IDBFactory;
  /** `IDBKeyRange` of the same implementation as {@link indexedDB}. @default globalThis.IDBKeyRange */
  IDBKeyRange?: typeof globalThis.IDBKeyRange;
}

/** How often `open` retries when another connection bumped the version in between. */
const OPEN_ATTEMPTS = 5;

/** Bytes as stored: a `Uint8Array` that owns its whole (non-shared) buffer, so cloning copies only it. */
function ownedCopy(bytes: Uint8Array): Uint8Array {
  const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  // IndexedDB's structured clone copies `bytes` synchronously inside put(), so a caller's later
  // change cannot reach the stored value; a view into a larger (or shared) buffer is sliced first,
  // so the clone does not carry the whole underlying buffer (or fail on a SharedArrayBuffer).
  return whole ? bytes : bytes.slice();
}

/** A stored value back as a `Uint8Array`; every read is a fresh structured-clone copy. */
function asBytes(value: unknown, key: string): Uint8Array | null {
  if (value === undefined) return null;
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new SentiMlopsError("DATA_LOSS", `IndexedDB value under ${JSON.stringify(key)} is not binary (got ${typeof value})`, { component: "adapters" });
}

/** QuotaExceededError (a full origin) as `RESOURCE_EXHAUSTED`; anything else unchanged. */
function mapQuota(error: unknown, key: string): unknown {
  if (typeof error === "object" && error !== null && (error as { name?: string }).name === "QuotaExceededError") {
    return new SentiMlopsError(
      "RESOURCE_EXHAUSTED",
      `IndexedDB put(${JSON.stringify(key)}) failed: the origin's storage quota is exhausted`,
      { cause: error, component: "adapters" },
    );
  }
  return error;
}

/**
 * Creates a byte store in IndexedDB database `dbName`, object store `storeName`, through
 * idb-keyval's `get`/`set`/`del`. Values are `Uint8Array`s, copied on `put` and on `get`. `list`
 * reads only the keys under the prefix (an `IDBKeyRange`), in IndexedDB's key order, which is the
 * UTF-16 order the contract asks for. The connection opens on first use; `dispose` closes it and
 * keeps the data, so a store created later on the same database sees it.
 * The connection is {@link openIndexedDbObjectStore}'s.
 *
 * @example
 * ```ts
 * const store = createIndexedDbByteStore({ dbName: "senti-mlops", storeName: "models" });
 * await store.put("distilbert-sst2/model.onnx", onnxBytes);
 * await store.list("distilbert-sst2"); // ["distilbert-sst2/model.onnx"]
 *
 * // Node tests: import { indexedDB, IDBKeyRange } from "fake-indexeddb";
 * createIndexedDbByteStore({ dbName: "test-1", indexedDB, IDBKeyRange });
 * ```
 */
export function createIndexedDbByteStore(options: IndexedDbByteStoreOptions = {}): ByteStore {
  const dbName = options.dbName ?? "senti-mlops";
  const storeName = options.storeName ?? "artifacts";
  for (const [field, value] of [["dbName", dbName], ["storeName", storeName]] as const) {
    if (typeof value !== "string" || value === "") {
      throw SentiMlopsError.invalidParameterValue(`createIndexedDbByteStore: option '${field}' must be a non-empty string`, { component: "adapters" });
    }
  }
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  const KeyRange = options.IDBKeyRange ?? (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange;
  if (!factory || !KeyRange) {
    throw SentiMlopsError.invalidParameterValue(
      "createIndexedDbByteStore: IndexedDB is not available here; pass options 'indexedDB' and 'IDBKeyRange' (e.g. from fake-indexeddb in Node)",
      { component: "adapters" },
    );
  }

  const { useStore, close } = openIndexedDbObjectStore(factory, dbName, storeName);

  return withGuards({
    async get(key) {
      return asBytes(await get<unknown>(key, useStore), key);
    },
    async put(key, bytes) {
      try {
        await set(key, ownedCopy(bytes), useStore);
      } catch (e) {
        throw mapQuota(e, key);
      }
    },
    async has(key) {
      return (await useStore("readonly", (store) => promisifyRequest(store.count(key)))) > 0;
    },
    async delete(key) {
      await del(key, useStore);
    },
    async list(prefix = "") {
      // The prefix ends in "/" ("" lists all): keys under it are exactly [prefix, prefix with its
      // "/" raised to "0"), the next code unit, in IndexedDB's code-unit order.
      const range = prefix === "" ? undefined : KeyRange.bound(prefix, `${prefix.slice(0, -1)}0`, false, true);
      const keys = await useStore("readonly", (store) => promisifyRequest(store.getAllKeys(range)));
      return keys.filter((key): key is string => typeof key === "string");
    },
    dispose: close,
  });
}

/**
 * An object store of an IndexedDB database, opened on first use: idb-keyval's `UseStore` on a
 * connection that this module controls, and `close` to let the connection go.
 *
 * @example
 * ```ts
 * const { useStore, close } = openIndexedDbObjectStore(indexedDB, "my-app", "pages");
 * await set("meta", { version: 1 }, useStore);
 * await close();
 * ```
 */
export interface IndexedDbObjectStore {
  readonly useStore: UseStore;
  /** Closes the connection (the data stays); the next use opens a new one. */
  close(): Promise<void>;
}

/**
 * Opens object store `storeName` of database `dbName` through `factory`, creating it when missing,
 * also in a database that already holds other object stores (the version is bumped for that).
 * Another connection's upgrade or deletion closes this one; it reopens on next use.
 *
 * This is written here rather than taken from idb-keyval's `createStore`, because that one always
 * uses the global `indexedDB` (no factory can be injected), never closes, and cannot add an object
 * store to a database that already exists; everything else goes through idb-keyval.
 *
 * @example
 * ```ts
 * const pages = openIndexedDbObjectStore(globalThis.indexedDB, "sentiment", "sqlite-file");
 * const meta = await get("meta", pages.useStore);
 * ```
 */
export function openIndexedDbObjectStore(factory: IDBFactory, dbName: string, storeName: string): IndexedDbObjectStore {
  let connection: Promise<IDBDatabase> | undefined;

  /** Opens `dbName` at `version` (current when undefined), creating `storeName` on upgrade. */
  const openOnce = (version?: number): Promise<IDBDatabase> =>
    new Promise((resolve, reject) => {
      const request = version === undefined ? factory.open(dbName) : factory.open(dbName, version);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(storeName)) request.result.createObjectStore(storeName);
      };
      let blocked = false;
      request.onsuccess = () => {
        // Opened after all, once the blocking connection went away: nobody is waiting for it.
        if (blocked) request.result.close();
        else resolve(request.result);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => {
        blocked = true;
        reject(
          new SentiMlopsError(
            "RESOURCE_CONFLICT",
            `IndexedDB database ${JSON.stringify(dbName)} is open elsewhere (another tab?) and blocks adding object store ${JSON.stringify(storeName)}`,
            { component: "adapters" },
          ),
        );
      };
    });

  /** Opens the database with the object store; `forget` runs when that connection goes away. */
  const open = async (forget: () => void): Promise<IDBDatabase> => {
    for (let attempt = 1; ; attempt++) {
      const db = await openOnce();
      if (db.objectStoreNames.contains(storeName)) {
        // Another connection wants to upgrade or delete the database: let it, reopen on next use.
        db.onversionchange = () => {
          db.close();
          forget();
        };
        db.onclose = forget;
        return db;
      }
      // The database exists without our object store: add it in a version upgrade.
      const next = db.version + 1;
      db.close();
      try {
        const upgraded = await openOnce(next);
        upgraded.close();
      } catch (e) {
        // Someone else upgraded first (VersionError): look again.
        if ((e as { name?: string }).name !== "VersionError" || attempt >= OPEN_ATTEMPTS) throw e;
      }
    }
  };

  const connect = (): Promise<IDBDatabase> => {
    const forget = (): void => {
      if (connection === pending) connection = undefined;
    };
    const pending: Promise<IDBDatabase> = open(forget).catch((e: unknown) => {
      forget();
      throw e;
    });
    return pending;
  };

  const useStore: UseStore = (mode, callback) => {
    const db = (connection ??= connect());
    return db.then((d) => callback(d.transaction(storeName, mode).objectStore(storeName)));
  };
  return {
    useStore,
    async close() {
      const pending = connection;
      connection = undefined;
      if (pending) (await pending.catch(() => undefined))?.close();
    },
  };
}

