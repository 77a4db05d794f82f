/**
 * A SQLite database file kept in IndexedDB, page by page, with a version number and a lock shared by
 * every tab of the origin. The embedded IndexedDB tracking store runs SQLite in WebAssembly memory
 * and saves its image here after each call that changed it.
 *
 * Layout, in object store `sqlite-file` of IndexedDB database `<name>`: key `0…n-1` holds the
 * image's pages (SQLite's page size, so a call that touched three pages rewrites three records) and
 * key `"meta"` holds `{ version, length, pageSize, pages }`. One write is one IndexedDB transaction
 * (changed pages, dropped pages and the new meta together), so a crash or a full disk leaves the
 * previous version whole.
 *
 * Written here because no kept library persists a serialized SQLite image in IndexedDB with page
 * diffs: the SQLite project's own persistent browser storage (OPFS) works only in workers, and its
 * IndexedDB-backed VFSs need an asynchronous build the synchronous SQL stores cannot use.
 *
 * @module
 */
import { promisifyRequest } from "idb-keyval";
import { SentiMlopsError } from "../errors.js";
import { openIndexedDbObjectStore } from "./indexeddb.js";

const OBJECT_STORE = "sqlite-file";
const META = "meta";

/** What the `"meta"` record holds. */
interface FileMeta {
  version: number;
  length: number;
  pageSize: number;
  pages: number;
}

/**
 * A database image and the stored version it was read as (or written as).
 *
 * @example
 * ```ts
 * const snapshot: SqliteFileSnapshot | undefined = await file.read();
 * ```
 */
export interface SqliteFileSnapshot {
  readonly image: Uint8Array;
  readonly version: number;
}

/**
 * The part of the Web Locks API used (`navigator.locks`).
 *
 * @example
 * ```ts
 * const locks: LockRequester = navigator.locks;
 * ```
 */
export interface LockRequester {
  request<T>(name: string, options: { mode: "exclusive" }, callback: () => Promise<T>): Promise<T>;
}

/**
 * Options of {@link createIndexedDbSqliteFile}.
 *
 * @example
 * ```ts
 * const file = createIndexedDbSqliteFile({ dbName: "sentiment" });
 * ```
 */
export interface IndexedDbSqliteFileOptions {
  /** The IndexedDB database holding the file. */
  dbName: string;
  /** The IndexedDB factory (fake-indexeddb's in Node tests). @default globalThis.indexedDB */
  indexedDB?: IDBFactory;
  /**
   * The lock manager that orders calls across tabs; without one (Node), calls are ordered within
   * this realm only. @default globalThis.navigator.locks
   */
  locks?: LockRequester | null;
}

/**
 * A SQLite file in IndexedDB.
 *
 * @example
 * ```ts
 * const file = createIndexedDbSqliteFile({ dbName: "sentiment" });
 * await file.exclusive(async () => {
 *   const snapshot = await file.read();
 *   await file.write(newImage, snapshot);
 * });
 * ```
 */
export interface IndexedDbSqliteFile {
  /** The IndexedDB database name. */
  readonly dbName: string;
  /** The stored image and its version, or `undefined` when nothing was ever written. */
  read(): Promise<SqliteFileSnapshot | undefined>;
  /** The stored version (0 when nothing was written): cheaper than {@link read}. */
  version(): Promise<number>;
  /**
   * Stores `image` as the next version after `base` (`undefined`: the first), writing only the
   * pages that differ from `base.image`; returns the new snapshot (`base` itself when nothing
   * differs), whose image is `base.image` updated in place or a copy: `image` itself may be a
   * volatile view (it is read before the first await). Fails with `ABORTED` when the stored version is no longer `base`'s, and with
   * `RESOURCE_EXHAUSTED` when the origin's quota is full; either way the stored file is unchanged.
   */
  write(image: Uint8Array, base: SqliteFileSnapshot | undefined): Promise<SqliteFileSnapshot>;
  /** Whether another writer stored a version other than `version` (read from IndexedDB). */
  newerThan(version: number): Promise<boolean>;
  /** Runs `fn` holding this file's lock: no other call of this origin's tabs runs meanwhile. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Closes the IndexedDB connection (the data stays). */
  close(): Promise<void>;
}

/**
 * Without the Web Locks API (Node), calls on the same file are ordered within this JavaScript realm
 * by one promise chain per lock name, so two stores opened on one name still take turns.
 */
const realmQueues = new Map<string, Promise<void>>();

/** SQLite's page size from a file header (bytes 16–17, big-endian; 1 means 65536). */
function pageSizeOf(image: Uint8Array): number {
  const raw = (image[16]! << 8) | image[17]!;
  return raw === 1 ? 65536 : raw >= 512 ? raw : 4096;
}

/**
 * The pages (of `pageSize` bytes) where `image` differs from `previous`, or every page when there
 * is no comparable previous image. Compared by 32-bit words over views made once: this scan is
 * most of the cost of saving a call on a large database.
 */
function changedPages(image: Uint8Array, previous: Uint8Array | undefined, pageSize: number): number[] {
  const pages = Math.ceil(image.length / pageSize);
  const all = (): number[] => Array.from({ length: pages }, (_, p) => p);
  if (previous === undefined || pageSizeOf(previous) !== pageSize) return all();
  const changed: number[] = [];
  const aligned = image.byteOffset % 4 === 0 && previous.byteOffset % 4 === 0 && pageSize % 4 === 0;
  const a = aligned ? new Uint32Array(image.buffer, image.byteOffset, image.length >>> 2) : undefined;
  const b = aligned ? new Uint32Array(previous.buffer, previous.byteOffset, previous.length >>> 2) : undefined;
  for (let p = 0; p < pages; p++) {
    const start = p * pageSize;
    const end = Math.min(start + pageSize, image.length);
    let same = end <= previous.length;
    if (same && a && b && end - start === pageSize) {
      for (let w = start >>> 2, last = end >>> 2; w < last; w++) {
        if (a[w] !== b[w]) {
          same = false;
          break;
        }
      }
    } else if (same) {
      for (let i = start; i < end; i++) {
        if (image[i] !== previous[i]) {
          same = false;
          break;
        }
      }
    }
    if (!same) changed.push(p);
  }
  return changed;
}

function isQuotaError(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { name?: string }).name === "QuotaExceededError";
}

/**
 * Opens (lazily) the SQLite file stored in IndexedDB database `dbName`.
 *
 * @example
 * ```ts
 * const file = createIndexedDbSqliteFile({ dbName: "sentiment" });
 * const stored = await file.read(); // undefined the first time
 * ```
 */
export function createIndexedDbSqliteFile(options: IndexedDbSqliteFileOptions): IndexedDbSqliteFile {
  const { dbName } = options;
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) {
    throw new SentiMlopsError("NOT_IMPLEMENTED", `IndexedDB is not available here, so indexeddb://${dbName} cannot be opened (pass options.indexedDB, e.g. fake-indexeddb's, outside browsers)`, {
      component: "adapters",
    });
  }
  const locks = options.locks === undefined ? (globalThis as { navigator?: { locks?: LockRequester } }).navigator?.locks : options.locks;
  const { useStore, close } = openIndexedDbObjectStore(factory, dbName, OBJECT_STORE);
  const lockName = `senti-mlops:sqlite-file:${dbName}`;

  const readMeta = (store: IDBObjectStore): Promise<FileMeta | undefined> => promisifyRequest(store.get(META)) as Promise<FileMeta | undefined>;
  const storedVersion = async (): Promise<number> => (await useStore("readonly", readMeta))?.version ?? 0;

  return {
    dbName,
    version: storedVersion,
    async read() {
      const [meta, values] = await useStore("readonly", (store) => Promise.all([readMeta(store), promisifyRequest(store.getAll())]));
      if (!meta) return undefined;
      const image = new Uint8Array(meta.length);
      let pages = 0;
      for (const value of values) {
        if (value instanceof Uint8Array && pages < meta.pages) image.set(value, pages++ * meta.pageSize);
      }
      if (pages !== meta.pages) {
        throw new SentiMlopsError("DATA_LOSS", `IndexedDB database ${JSON.stringify(dbName)}: the SQLite file has ${pages} of its ${meta.pages} pages`, {
          component: "adapters",
        });
      }
      return { image, version: meta.version };
    },
    async write(image, base) {
      // Everything that reads `image` happens before the first await: it may be a view of
      // WebAssembly memory that the next database call moves.
      const pageSize = pageSizeOf(image);
      const pages = Math.ceil(image.length / pageSize);
      const previous = base?.image;
      const comparable = previous !== undefined && pageSizeOf(previous) === pageSize;
      const changed = new Map(changedPages(image, previous, pageSize).map((p) => [p, image.slice(p * pageSize, Math.min((p + 1) * pageSize, image.length))]));
      const previousPages = previous === undefined ? 0 : Math.ceil(previous.length / pageSize);
      if (base && changed.size === 0 && previousPages === pages && previous!.length === image.length) return base;
      // The next snapshot's image: the previous copy with the changed pages, or a new copy.
      const next = comparable && previous.length === image.length ? previous : image.slice();
      const version = (base?.version ?? 0) + 1;
      try {
        await useStore("readwrite", async (store) => {
          const stored = (await readMeta(store))?.version ?? 0;
          if (stored !== (base?.version ?? 0)) {
            store.transaction.abort();
            throw new SentiMlopsError("ABORTED", `IndexedDB database ${JSON.stringify(dbName)} was changed by another writer (version ${stored}, expected ${base?.version ?? 0})`, {
              component: "adapters",
            });
          }
          for (const [p, bytes] of changed) store.put(bytes, p);
          for (let p = pages; p < previousPages; p++) store.delete(p);
          store.put({ version, length: image.length, pageSize, pages } satisfies FileMeta, META);
          await promisifyRequest(store.transaction);
        });
      } catch (e) {
        if (isQuotaError(e)) {
          throw new SentiMlopsError("RESOURCE_EXHAUSTED", `IndexedDB database ${JSON.stringify(dbName)}: the origin's storage quota is exhausted`, { cause: e, component: "adapters" });
        }
        throw e;
      }
      if (next === previous) for (const [p, bytes] of changed) next.set(bytes, p * pageSize);
      return { image: next, version };
    },
    async newerThan(version) {
      // Read from IndexedDB on every call (not learnt from messages, which may arrive after the
      // writer told its page by other means): a page reads what a worker wrote just before.
      return (await storedVersion()) !== version;
    },
    exclusive(fn) {
      if (locks) return locks.request(lockName, { mode: "exclusive" }, fn);
      const run = (realmQueues.get(lockName) ?? Promise.resolve()).then(fn);
      const settled = run.then(
        () => undefined,
        () => undefined,
      );
      realmQueues.set(lockName, settled);
      void settled.then(() => {
        if (realmQueues.get(lockName) === settled) realmQueues.delete(lockName);
      });
      return run;
    },
    close,
  };
}

