/**
 * SQLite through better-sqlite3, bound to the structural {@link SqlDatabase} type.
 *
 * better-sqlite3 is an optional peer dependency, imported only when a database is opened. Each
 * connection gets the settings MLflow's SQLAlchemy store applies per session
 * (`mlflow/store/db/utils.py`): `foreign_keys = ON`, `busy_timeout = 20000`,
 * `case_sensitive_like = ON`, and a `regexp()` function for `RLIKE` filters; writable file
 * databases also use WAL journaling with `synchronous = NORMAL`, so readers (an `mlflow ui` on the
 * same file) don't block the writer.
 *
 * @module
 */
import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { SentiMlopsError } from "../errors.js";
import { importOptionalPeer } from "../optional-peer.js";
import type { SqlDatabase } from "../mlflow/sql/sql-database.js";
import { sqliteRegexp } from "./sqlite-functions.js";

export { parseSqliteUri, type SqliteUri } from "./sqlite-uri.js";

/**
 * Options of {@link openSqliteDatabase}.
 *
 * @example
 * ```ts
 * const db = await openSqliteDatabase("mlflow.db", { readonly: true, busyTimeoutMs: 5000 });
 * ```
 */
export interface OpenSqliteOptions {
  /**
   * Open without write access; the file must exist. No PRAGMA that writes (journal mode) is sent.
   * @default false
   */
  readonly?: boolean;
  /**
   * How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`
   * (MLflow uses 20 s).
   * @default 20000
   */
  busyTimeoutMs?: number;
}

/** The part of better-sqlite3's default export this adapter uses. */
interface BetterSqlite3Module {
  new (
    filename: string,
    options?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number },
  ): SqlDatabase & {
    pragma(source: string, options?: { simple?: boolean }): unknown;
    function(name: string, options: { deterministic?: boolean; varargs?: boolean }, fn: (...args: unknown[]) => unknown): unknown;
  };
}

let driver: Promise<BetterSqlite3Module> | undefined;

function loadDriver(): Promise<BetterSqlite3Module> {
  driver ??= importOptionalPeer({ name: "better-sqlite3", feature: "sqlite:/// tracking and registry stores", component: "adapters" }, () =>
    import("better-sqlite3"),
  ).then(
    (m) => ((m as { default?: unknown }).default ?? m) as BetterSqlite3Module,
    (e: unknown) => {
      driver = undefined; // let a later call retry, e.g. after installing the package
      throw e;
    },
  );
  return driver;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Opens (creating it and its parent directories if needed) a SQLite database file with MLflow's
 * per-connection settings. `":memory:"` opens a private in-memory database.
 *
 * Throws `NOT_IMPLEMENTED` when better-sqlite3 is not installed, `RESOURCE_DOES_NOT_EXIST` when a
 * read-only database is missing, and `INTERNAL_ERROR` for other open failures.
 *
 * @example
 * ```ts
 * const db = await openSqliteDatabase(parseSqliteUri("sqlite:///mlflow.db").path);
 * const rows = db.prepare("SELECT name FROM experiments").all();
 * db.close();
 * ```
 */
export async function openSqliteDatabase(path: string, options: OpenSqliteOptions = {}): Promise<SqlDatabase> {
  if (typeof path !== "string" || path === "") {
    throw SentiMlopsError.invalidParameterValue("SQLite database path must be a non-empty string", { component: "adapters" });
  }
  const readonly = options.readonly ?? false;
  const busyTimeoutMs = options.busyTimeoutMs ?? 20_000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0 || busyTimeoutMs > 0x7fffffff) {
    throw SentiMlopsError.invalidParameterValue(`busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}`, { component: "adapters" });
  }
  const Database = await loadDriver();
  const inMemory = path === ":memory:";
  const file = inMemory ? path : resolve(path);
  if (!inMemory && !readonly) await mkdir(dirname(file), { recursive: true });

  if (readonly && !inMemory) {
    try {
      await stat(file);
    } catch (cause) {
      throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `SQLite database ${file} does not exist`, { cause, component: "adapters" });
    }
  }

  let db: InstanceType<BetterSqlite3Module>;
  try {
    db = new Database(file, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });
  } catch (cause) {
    const message = errorMessage(cause);
    const code = (cause as { code?: string } | null)?.code;
    if (code === "ERR_DLOPEN_FAILED" || /bindings file|NODE_MODULE_VERSION/.test(message)) {
      // The package is there but its native module is not usable (e.g. its install script was skipped).
      throw new SentiMlopsError(
        "NOT_IMPLEMENTED",
        `better-sqlite3 is installed but its native module could not be loaded (${message}); run \`npm rebuild better-sqlite3\``,
        { cause, component: "adapters" },
      );
    }
    throw new SentiMlopsError("INTERNAL_ERROR", `Could not open SQLite database ${file}: ${message}`, { cause, component: "adapters" });
  }
  try {
    db.pragma("foreign_keys = ON");
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma("case_sensitive_like = ON");
    if (!readonly && !inMemory) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
    }
    db.function("regexp", { deterministic: true }, sqliteRegexp);
  } catch (cause) {
    db.close();
    throw new SentiMlopsError("INTERNAL_ERROR", `Could not configure SQLite database ${file}: ${errorMessage(cause)}`, {
      cause,
      component: "adapters",
    });
  }
  return db;
}
