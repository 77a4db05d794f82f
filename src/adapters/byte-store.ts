/**
 * The byte-store contract every storage adapter implements (memory, fs, and later IndexedDB, S3,
 * SQLite), plus the key rules and the guard wrapper written once for all of them.
 *
 * Adapters implement a raw {@link ByteStore} and return it through {@link withGuards}, which
 * validates keys, serializes writes per key (the last call wins), refuses use after `dispose`, makes
 * `dispose` idempotent, sorts `list` results and wraps unexpected failures in a
 * {@link SentiMlopsError} with the original as `cause`.
 *
 * @module
 */
import { isSentiMlopsError, SentiMlopsError } from "../errors.js";

/**
 * Keyed binary storage. Keys are `/`-separated relative paths (see {@link normalizeKey}).
 *
 * @example
 * ```ts
 * const store: ByteStore = createMemoryByteStore();
 * await store.put("1/abc/artifacts/model.json", new TextEncoder().encode("{}"));
 * await store.get("1/abc/artifacts/model.json"); // Uint8Array [123, 125]
 * await store.get("missing"); // null
 * await store.list("1/abc/"); // ["1/abc/artifacts/model.json"]
 * await store.dispose();
 * ```
 */
export interface ByteStore {
  /** The bytes stored under `key`, or `null` when there are none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Stores `bytes` under `key`, replacing any previous value whole. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** True when `key` holds a value. */
  has(key: string): Promise<boolean>;
  /** Removes `key`; removing a missing key is a no-op. */
  delete(key: string): Promise<void>;
  /**
   * Every key under `prefix`, sorted by UTF-16 code unit. The prefix is a folder: `"a"` and `"a/"`
   * both list `"a/x"` but not `"ab"`. Without a prefix, every key.
   *
   * Raw adapters wrapped by {@link withGuards} receive the prefix already normalized to `""` or a
   * folder ending in `/`, and need not sort.
   */
  list(prefix?: string): Promise<string[]>;
  /**
   * Optional: every key under `prefix` with its size in bytes, for adapters that learn sizes while
   * listing (fs, S3, the MLflow artifact proxy), so that `listArtifacts` needs no reads. Same
   * prefix rules and order as {@link ByteStore.list}.
   */
  listSizes?(prefix?: string): Promise<ByteStoreEntry[]>;
  /** Releases resources. Idempotent once guarded; any other call afterwards fails with `INVALID_STATE`. */
  dispose(): Promise<void>;
}

/**
 * A key and the size of its value, as {@link ByteStore.listSizes} returns them.
 *
 * @example
 * ```ts
 * const entry: ByteStoreEntry = { key: "1/abc/artifacts/model/MLmodel", size: 412 };
 * ```
 */
export interface ByteStoreEntry {
  readonly key: string;
  readonly size: number;
}

const DRIVE_LETTER = /^[A-Za-z]:/;

/**
 * Validates a byte-store key and returns it: a non-empty `/`-separated relative path with no empty,
 * `.` or `..` segment, no backslash, no NUL, no leading `/` and no drive letter. Anything else
 * throws `INVALID_PARAMETER_VALUE` naming the key.
 *
 * @example
 * ```ts
 * normalizeKey("1/abc/artifacts/model.json"); // "1/abc/artifacts/model.json"
 * normalizeKey("../etc/passwd"); // throws INVALID_PARAMETER_VALUE
 * normalizeKey("/x"); // throws INVALID_PARAMETER_VALUE
 * ```
 */
export function normalizeKey(key: string): string {
  const refuse = (why: string): never => {
    throw SentiMlopsError.invalidParameterValue(`Invalid byte-store key ${JSON.stringify(key)}: ${why}`, { component: "adapters" });
  };
  if (typeof key !== "string") refuse(`must be a string, got ${key === null ? "null" : typeof key}`);
  if (key.length === 0) refuse("must not be empty");
  if (key.startsWith("/") || DRIVE_LETTER.test(key)) refuse("must be a relative path");
  if (key.includes("\\")) refuse("must use '/' as separator, not '\\'");
  if (key.includes("\0")) refuse("must not contain NUL");
  for (const segment of key.split("/")) {
    if (segment === "") refuse("must not contain an empty segment");
    if (segment === "." || segment === "..") refuse(`must not contain a '${segment}' segment`);
  }
  return key;
}

/**
 * Normalizes a `list` prefix to a folder: `undefined` or `""` gives `""`, anything else is validated
 * as a key (one trailing `/` allowed) and returned ending in `/`.
 *
 * @example
 * ```ts
 * normalizePrefix(undefined); // ""
 * normalizePrefix("a"); // "a/"
 * normalizePrefix("a/b/"); // "a/b/"
 * ```
 */
export function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === "") return "";
  const folder = typeof prefix === "string" && prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  if (folder === "") throw SentiMlopsError.invalidParameterValue(`Invalid byte-store prefix "/": must be a relative path`, { component: "adapters" });
  return `${normalizeKey(folder)}/`;
}

function wrapError(error: unknown, operation: string, key: string | undefined): SentiMlopsError {
  if (isSentiMlopsError(error)) return error as SentiMlopsError;
  const where = key === undefined ? `${operation}()` : `${operation}(${JSON.stringify(key)})`;
  const message = error instanceof Error ? error.message : String(error);
  if ((error as { code?: unknown } | null)?.code === "ENAMETOOLONG") {
    // A name or path longer than this filesystem holds (its NAME_MAX/PATH_MAX): the key is at fault.
    return SentiMlopsError.invalidParameterValue(`Byte store ${where}: the key is longer than the filesystem holds (ENAMETOOLONG): ${message}`, {
      cause: error,
      component: "adapters",
      ...(key === undefined ? {} : { details: { key } }),
    });
  }
  return new SentiMlopsError("INTERNAL_ERROR", `Byte store ${where} failed: ${message}`, { cause: error, component: "adapters" });
}

/**
 * Wraps a raw adapter with the rules every {@link ByteStore} shares: keys pass through
 * {@link normalizeKey} (prefixes through {@link normalizePrefix}); `put` requires a `Uint8Array`;
 * writes (`put`, `delete`) to one key run in call order, so the last call wins; after `dispose`
 * every call fails with `INVALID_STATE`; `dispose` waits for pending writes, runs the adapter's
 * `dispose` once and is idempotent; `list` is sorted; a filesystem's `ENAMETOOLONG` becomes
 * `INVALID_PARAMETER_VALUE` naming the key; other unexpected errors become `INTERNAL_ERROR` with the
 * original as `cause`.
 *
 * @example
 * ```ts
 * export function createMyByteStore(): ByteStore {
 *   const raw: ByteStore = { get, put, has, delete: del, list, dispose };
 *   return withGuards(raw);
 * }
 * ```
 */
export function withGuards(store: ByteStore): ByteStore {
  let disposed: Promise<void> | undefined;
  const tails = new Map<string, Promise<void>>();

  const ensureOpen = (operation: string): void => {
    if (disposed) throw new SentiMlopsError("INVALID_STATE", `Byte store ${operation}() called after dispose()`, { component: "adapters" });
  };

  /** Runs `task` after every earlier write to `key` settled, and records it as the key's latest write. */
  const serialize = (key: string, task: () => Promise<void>): Promise<void> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    tails.set(key, next);
    const cleanup = (): void => {
      if (tails.get(key) === next) tails.delete(key);
    };
    next.then(cleanup, cleanup);
    return next;
  };

  async function call<T>(operation: string, key: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      ensureOpen(operation);
      return await run();
    } catch (e) {
      throw wrapError(e, operation, key);
    }
  }

  return {
    get: (key) => call("get", key, () => store.get(normalizeKey(key))),
    has: (key) => call("has", key, () => store.has(normalizeKey(key))),
    put: (key, bytes) =>
      call("put", key, () => {
        const k = normalizeKey(key);
        if (!(bytes instanceof Uint8Array)) {
          throw SentiMlopsError.invalidParameterValue(`Byte store put(${JSON.stringify(key)}): bytes must be a Uint8Array`, { component: "adapters" });
        }
        return serialize(k, () => store.put(k, bytes));
      }),
    delete: (key) =>
      call("delete", key, () => {
        const k = normalizeKey(key);
        return serialize(k, () => store.delete(k));
      }),
    list: (prefix) =>
      call("list", prefix, async () => {
        const keys = await store.list(normalizePrefix(prefix));
        return keys.sort();
      }),
    ...(store.listSizes
      ? {
          listSizes: (prefix?: string) =>
            call("listSizes", prefix, async () => {
              const entries = await store.listSizes!(normalizePrefix(prefix));
              return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
            }),
        }
      : {}),
    dispose: () => {
      disposed ??= (async () => {
        await Promise.allSettled([...tails.values()]);
        try {
          await store.dispose();
        } catch (e) {
          throw wrapError(e, "dispose", undefined);
        }
      })();
      return disposed;
    },
  };
}

/**
 * A view of `store` under `prefix`: key `k` of the view is key `<prefix>/k` of `store`, `list`
 * returns keys relative to the prefix, and nothing outside it is reachable (keys are normalized
 * first, so `..` cannot climb out). Disposing the view leaves `store` open: views are cheap, the
 * store they share is disposed by its owner.
 *
 * @example
 * ```ts
 * const root = createMemoryByteStore();
 * const run = scopeByteStore(root, "1/abc/artifacts");
 * await run.put("model/MLmodel", bytes);
 * await root.list(); // ["1/abc/artifacts/model/MLmodel"]
 * await run.list(); // ["model/MLmodel"]
 * ```
 */
export function scopeByteStore(store: ByteStore, prefix: string): ByteStore {
  const base = normalizePrefix(prefix);
  const strip = (key: string): string => key.slice(base.length);
  return withGuards({
    get: (key) => store.get(base + key),
    put: (key, bytes) => store.put(base + key, bytes),
    has: (key) => store.has(base + key),
    delete: (key) => store.delete(base + key),
    list: async (p = "") => (await store.list(base + p)).map(strip),
    ...(store.listSizes
      ? { listSizes: async (p = "") => (await store.listSizes!(base + p)).map((e) => ({ key: strip(e.key), size: e.size })) }
      : {}),
    dispose: async () => {},
  });
}
