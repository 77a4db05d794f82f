/**
 * SQLite compiled to WebAssembly (the SQLite project's own build, `@sqlite.org/sqlite-wasm`), bound
 * to the structural {@link SqlDatabase} type so that the SQL tracking and registry stores run on it
 * unchanged in browsers. The database lives in WebAssembly memory; {@link WasmSqliteDatabase.image}
 * and {@link WasmSqliteDatabase.replaceImage} move its whole file image in and out (SQLite's
 * serialize/deserialize), which is how `indexeddb-sqlite-file.ts` persists it.
 *
 * The binding follows better-sqlite3's semantics where the stores can tell: JavaScript numbers bind
 * as doubles, a single plain object binds named parameters given without their `@`/`:`/`$` prefix,
 * errors carry SQLite's extended result code name in `code` (`SQLITE_CONSTRAINT_UNIQUE`…) and
 * SQLite's own message, and `transaction(fn)` nests as savepoints. Each connection gets MLflow's
 * per-session settings (`foreign_keys`, `case_sensitive_like`, a `regexp()` function).
 *
 * @module
 */
import { isSentiMlopsError, SentiMlopsError } from "../errors.js";
import { importOptionalPeer } from "../optional-peer.js";
import type { SqlDatabase, SqlStatement } from "../mlflow/sql/sql-database.js";
import { sqliteRegexp } from "./sqlite-functions.js";

/** The parts of a sqlite-wasm prepared statement (`oo1.Stmt`) this adapter uses. */
interface OoStmt {
  readonly pointer: number;
  readonly parameterCount: number;
  bind(index: number, value: unknown): OoStmt;
  step(): boolean;
  get(target: Record<string, unknown>): Record<string, unknown>;
  reset(clearBindings?: boolean): OoStmt;
  finalize(): void;
}

/** The parts of a sqlite-wasm connection (`oo1.DB`) this adapter uses. */
interface OoDb {
  readonly pointer: number;
  exec(sql: string): unknown;
  prepare(sql: string): OoStmt;
  changes(): number;
  createFunction(name: string, fn: (ctx: unknown, ...args: unknown[]) => unknown, options: { arity: number; deterministic: boolean }): unknown;
  close(): void;
}

/** The parts of an initialised sqlite-wasm module this adapter uses. */
interface Sqlite3Module {
  readonly version: { libVersion: string };
  readonly config: Record<"warn" | "error" | "log" | "debug", (...args: unknown[]) => void>;
  readonly oo1: { DB: new (filename: string, flags: string) => OoDb };
  readonly wasm: {
    allocFromTypedArray(bytes: Uint8Array): number;
    heap8u(): Uint8Array;
    peek(pointer: number, type: "i64"): bigint | number;
    readonly pstack: { readonly pointer: number; alloc(bytes: number): number; restore(pointer: number): void };
  };
  readonly capi: {
    sqlite3_js_db_export(db: number, schema?: string): Uint8Array;
    sqlite3_serialize(db: number, schema: string, sizeOut: number, flags: number): number;
    sqlite3_deserialize(db: number, schema: string, data: number, size: number, capacity: number, flags: number): number;
    sqlite3_js_rc_str(rc: number): string | undefined;
    sqlite3_errmsg(db: number): string;
    sqlite3_total_changes(db: number): number;
    sqlite3_last_insert_rowid(db: number): number | bigint;
    sqlite3_get_autocommit(db: number): number;
    sqlite3_bind_double(stmt: number, index: number, value: number): number;
    sqlite3_bind_parameter_name(stmt: number, index: number): string | null;
    readonly SQLITE_DESERIALIZE_FREEONCLOSE: number;
    readonly SQLITE_DESERIALIZE_RESIZEABLE: number;
    readonly SQLITE_SERIALIZE_NOCOPY: number;
  };
}

/**
 * Options of {@link openWasmSqliteDatabase}.
 *
 * @example
 * ```ts
 * const db = await openWasmSqliteDatabase({ image: savedBytes, wasmUrl: "/assets/sqlite3.wasm" });
 * ```
 */
export interface OpenWasmSqliteOptions {
  /** A database file image to start from (an MLflow SQLite file's bytes); empty when omitted. */
  image?: Uint8Array;
  /**
   * Where `sqlite3.wasm` is served, for bundlers that do not copy the file the package references
   * with `new URL("sqlite3.wasm", import.meta.url)` (Vite and webpack do).
   */
  wasmUrl?: string | URL;
}

/**
 * A SQLite database in WebAssembly memory: a {@link SqlDatabase} whose file image can be read and
 * replaced.
 *
 * @example
 * ```ts
 * const db = await openWasmSqliteDatabase();
 * db.exec("CREATE TABLE t (x)");
 * const bytes = db.image(); // a complete SQLite file, e.g. for a download
 * ```
 */
export interface WasmSqliteDatabase extends SqlDatabase {
  /** The database's current file image: a complete SQLite file, copied (no transaction may be open). */
  image(): Uint8Array;
  /**
   * The same image without a copy: a view of WebAssembly memory, valid only until the next call on
   * this database (read it synchronously).
   */
  imageView(): Uint8Array;
  /** Replaces the whole database by `image`; prepared statements stay usable. */
  replaceImage(image: Uint8Array): void;
  /** Rows changed by every statement since the connection opened (SQLite's `total_changes()`). */
  totalChanges(): number;
  /** The SQLite version compiled into the module, e.g. "3.54.1". */
  readonly sqliteVersion: string;
}

const PEER = { name: "@sqlite.org/sqlite-wasm", feature: "indexeddb:// tracking and registry stores", component: "adapters" } as const;

/** One module instance per wasm location: instances are independent (their own memory and config). */
const modules = new Map<string, Promise<Sqlite3Module>>();

function loadModule(wasmUrl: string | URL | undefined): Promise<Sqlite3Module> {
  const key = wasmUrl === undefined ? "" : String(wasmUrl);
  let loading = modules.get(key);
  if (!loading) {
    loading = importOptionalPeer(PEER, () => import("@sqlite.org/sqlite-wasm"))
      .then(async (m) => {
        const init = ((m as { default?: unknown }).default ?? m) as (moduleArg?: object) => Promise<Sqlite3Module>;
        try {
          return await init(wasmUrl === undefined ? {} : { locateFile: (file: string) => (file.endsWith(".wasm") ? String(wasmUrl) : file) });
        } catch (cause) {
          throw new SentiMlopsError(
            "INTERNAL_ERROR",
            `SQLite's WebAssembly module could not be started (${errorMessage(cause)})${
              wasmUrl === undefined ? "; if your bundler does not serve sqlite3.wasm, pass its URL as the sqliteWasmUrl option" : ` from ${String(wasmUrl)}`
            }`,
            { cause, component: "adapters" },
          );
        }
      })
      .then((sqlite3) => {
        // This instance is ours alone: silence its console reporting (failures are thrown instead).
        for (const channel of ["warn", "error", "log", "debug"] as const) sqlite3.config[channel] = () => {};
        return sqlite3;
      })
      .catch((e: unknown) => {
        modules.delete(key); // a later call may succeed (package installed, URL fixed)
        throw e;
      });
    modules.set(key, loading);
  }
  return loading;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Opens a SQLite database in WebAssembly memory, from `options.image` when given, with MLflow's
 * per-connection settings. Throws `NOT_IMPLEMENTED` naming the package when
 * `@sqlite.org/sqlite-wasm` is not installed, `INTERNAL_ERROR` when its module cannot start, and
 * `INVALID_PARAMETER_VALUE` when `image` is not a SQLite database.
 *
 * @example
 * ```ts
 * const db = await openWasmSqliteDatabase();
 * db.exec("CREATE TABLE t (x)");
 * db.prepare("INSERT INTO t VALUES (?)").run(1);
 * db.close();
 * ```
 */
export async function openWasmSqliteDatabase(options: OpenWasmSqliteOptions = {}): Promise<WasmSqliteDatabase> {
  const sqlite3 = await loadModule(options.wasmUrl);
  const { capi } = sqlite3;
  const db = new sqlite3.oo1.DB(":memory:", "c");
  const p = db.pointer;

  /** Re-throws a sqlite-wasm error as better-sqlite3 would: SQLite's message, the code's name in `code`. */
  const toDriverError = (e: unknown): unknown => {
    const rc = (e as { resultCode?: unknown } | null)?.resultCode;
    if (typeof rc !== "number") return e;
    const error = new Error(capi.sqlite3_errmsg(p) || errorMessage(e), { cause: e }) as Error & { code: string };
    error.code = capi.sqlite3_js_rc_str(rc) ?? `SQLITE_${rc}`;
    return error;
  };
  const guarded = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw toDriverError(e);
    }
  };

  const replaceImage = (image: Uint8Array, allowEmpty = false): void => {
    if (!(image instanceof Uint8Array) || (!(allowEmpty && image.length === 0) && (image.length < 100 || new TextDecoder().decode(image.subarray(0, 15)) !== "SQLite format 3"))) {
      throw SentiMlopsError.invalidParameterValue("the database image is not a SQLite file (it must start with \"SQLite format 3\")", {
        component: "adapters",
      });
    }
    const data = image.length === 0 ? 0 : sqlite3.wasm.allocFromTypedArray(image);
    const rc = capi.sqlite3_deserialize(p, "main", data, image.length, image.length, capi.SQLITE_DESERIALIZE_FREEONCLOSE | capi.SQLITE_DESERIALIZE_RESIZEABLE);
    if (rc !== 0) {
      throw new SentiMlopsError("INTERNAL_ERROR", `SQLite could not load the database image: ${capi.sqlite3_js_rc_str(rc) ?? rc}`, { component: "adapters" });
    }
  };

  const statements = new Set<OoStmt>();
  const prepare = (sql: string): SqlStatement => {
    const stmt = guarded(() => db.prepare(sql));
    statements.add(stmt);
    // Named parameters by their bare name, as better-sqlite3 accepts them.
    const named = new Map<string, number>();
    for (let i = 1; i <= stmt.parameterCount; i++) {
      const name = capi.sqlite3_bind_parameter_name(stmt.pointer, i);
      if (name) named.set(name.slice(1), i);
    }
    const bindOne = (index: number, value: unknown): void => {
      if (typeof value === "number") {
        const rc = capi.sqlite3_bind_double(stmt.pointer, index, value);
        if (rc !== 0) throw Object.assign(new Error(capi.sqlite3_errmsg(p)), { code: capi.sqlite3_js_rc_str(rc) ?? `SQLITE_${rc}` });
      } else {
        stmt.bind(index, value === undefined ? null : value);
      }
    };
    const bind = (params: unknown[]): void => {
      const only = params[0];
      if (params.length === 1 && only !== null && typeof only === "object" && !(only instanceof Uint8Array) && !Array.isArray(only)) {
        for (const [key, value] of Object.entries(only)) {
          const index = named.get(key);
          if (index === undefined) throw new RangeError(`the statement has no parameter named ${key}`);
          bindOne(index, value);
        }
      } else {
        const flat = params.length === 1 && Array.isArray(only) ? only : params;
        if (flat.length !== stmt.parameterCount) throw new RangeError(`the statement takes ${stmt.parameterCount} parameters, got ${flat.length}`);
        flat.forEach((value, i) => bindOne(i + 1, value));
      }
    };
    const execute = <T>(params: unknown[], collect: (step: () => Record<string, unknown> | undefined) => T): T =>
      guarded(() => {
        try {
          bind(params);
          return collect(() => (stmt.step() ? stmt.get({}) : undefined));
        } finally {
          stmt.reset(true);
        }
      });
    return {
      all: (...params) =>
        execute(params, (next) => {
          const rows: unknown[] = [];
          for (let row = next(); row !== undefined; row = next()) rows.push(row);
          return rows;
        }),
      get: (...params) => execute(params, (next) => next()),
      run: (...params) =>
        execute(params, (next) => {
          while (next() !== undefined);
          const rowid = capi.sqlite3_last_insert_rowid(p);
          return { changes: db.changes(), lastInsertRowid: typeof rowid === "bigint" && rowid <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(rowid) : rowid };
        }),
    };
  };

  let savepoints = 0;
  const transaction = <T>(fn: () => T, begin: string): (() => T) => () => {
    if (capi.sqlite3_get_autocommit(p) === 0) {
      // Already inside a transaction: nest as a savepoint, as better-sqlite3 does.
      const name = `senti_sp_${++savepoints}`;
      guarded(() => db.exec(`SAVEPOINT ${name}`));
      try {
        const result = fn();
        guarded(() => db.exec(`RELEASE ${name}`));
        return result;
      } catch (e) {
        guarded(() => db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`));
        throw e;
      } finally {
        savepoints--;
      }
    }
    guarded(() => db.exec(begin));
    try {
      const result = fn();
      guarded(() => db.exec("COMMIT"));
      return result;
    } catch (e) {
      if (capi.sqlite3_get_autocommit(p) === 0) guarded(() => db.exec("ROLLBACK"));
      throw e;
    }
  };

  const connection: WasmSqliteDatabase = {
    sqliteVersion: sqlite3.version.libVersion,
    prepare,
    exec: (sql) => void guarded(() => db.exec(sql)),
    transaction: <T>(fn: () => T) => Object.assign(transaction(fn, "BEGIN"), { immediate: transaction(fn, "BEGIN IMMEDIATE") }),
    close: () => {
      for (const stmt of statements) stmt.finalize();
      statements.clear();
      db.close();
    },
    image: () => guarded(() => capi.sqlite3_js_db_export(p, "main")),
    imageView: () => {
      const stack = sqlite3.wasm.pstack.pointer;
      try {
        const sizeOut = sqlite3.wasm.pstack.alloc(8);
        const pointer = capi.sqlite3_serialize(p, "main", sizeOut, capi.SQLITE_SERIALIZE_NOCOPY);
        const size = Number(sqlite3.wasm.peek(sizeOut, "i64"));
        // The database always lives in one contiguous buffer (it is opened by deserializing).
        if (!pointer) throw new SentiMlopsError("INTERNAL_ERROR", "SQLite did not expose the database's buffer", { component: "adapters" });
        return sqlite3.wasm.heap8u().subarray(pointer, pointer + size);
      } finally {
        sqlite3.wasm.pstack.restore(stack);
      }
    },
    replaceImage: (image) => guarded(() => replaceImage(image)),
    totalChanges: () => capi.sqlite3_total_changes(p),
  };
  try {
    // Always a deserialized (contiguous, resizeable) database, even when new, so that imageView works.
    if (options.image !== undefined) connection.replaceImage(options.image);
    else replaceImage(new Uint8Array(0), true);
    db.exec("PRAGMA foreign_keys = ON; PRAGMA case_sensitive_like = ON");
    db.createFunction("regexp", (_ctx, pattern, value) => sqliteRegexp(pattern, value), { arity: 2, deterministic: true });
  } catch (e) {
    db.close();
    throw isSentiMlopsError(e) ? e : new SentiMlopsError("INTERNAL_ERROR", `Could not open the SQLite database: ${errorMessage(e)}`, { cause: e, component: "adapters" });
  }
  return connection;
}
