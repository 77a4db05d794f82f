/**
 * One mapping of SQLite and driver errors to {@link SentiMlopsError} codes, as MLflow's SQL stores
 * report them, shared by the SQL tracking and registry stores.
 *
 * @module
 */
import { type Component, isSentiMlopsError, SentiMlopsError } from "../../errors.js";
import { MAX_FILTER_COMPARISONS } from "../search/parse-filter.js";
import { wrapStoreMethods } from "../store-methods.js";

// SQLite result codes that Python's sqlite3 module raises as OperationalError, which MLflow's
// session maker turns into TEMPORARILY_UNAVAILABLE (mlflow/store/db/utils.py, make_managed_session).
const OPERATIONAL = /^SQLITE_(BUSY|LOCKED|READONLY|INTERRUPT|IOERR|FULL|CANTOPEN|PROTOCOL|SCHEMA|ERROR|PERM|ABORT|NOLFS|AUTH)(_|$)/;
// ... and as IntegrityError (other SQLAlchemy errors): BAD_REQUEST.
const INTEGRITY = /^SQLITE_(CONSTRAINT|MISMATCH)(_|$)/;
// A statement over SQLite's compile-time limits (expression depth, compound terms, variables,
// function arguments, string length): the request built it, so the request is at fault.
const TOO_LARGE = /expression tree is too large|too many terms|too many SQL variables|too many arguments|parser stack overflow|pattern too complex|string or blob too big/i;

/**
 * Who reports the errors of a mapper made by {@link createSqlErrorMapper}.
 *
 * @example
 * ```ts
 * const source: SqlErrorSource = { component: "registry", storeName: "SQL registry store" };
 * ```
 */
export interface SqlErrorSource {
  /** The component the mapped errors name. */
  component: Extract<Component, "tracking" | "registry">;
  /** How a message without a SQLite code names the store: `<storeName> error: <message>`. */
  storeName: string;
}

/**
 * Maps a database error as MLflow's SQL store reports it: a {@link SentiMlopsError} passes
 * through, a statement over SQLite's size limits (expression tree too large, too many terms or
 * variables, `SQLITE_TOOBIG`) becomes `INVALID_PARAMETER_VALUE` naming the filter limit,
 * SQLite's operational codes (busy, locked, read-only, I/O…) become `TEMPORARILY_UNAVAILABLE`,
 * integrity codes (constraint, mismatch) `BAD_REQUEST`, anything else `INTERNAL_ERROR`; the
 * original error is kept as the `cause`.
 *
 * @example
 * ```ts
 * try {
 *   insert.run(name);
 * } catch (e) {
 *   throw toSqlStoreError(e, { component: "tracking", storeName: "SQL store" }); // SQLITE_BUSY → TEMPORARILY_UNAVAILABLE
 * }
 * ```
 */
export function toSqlStoreError(e: unknown, source: SqlErrorSource): unknown {
  if (isSentiMlopsError(e)) return e;
  const { component } = source;
  const code = typeof (e as { code?: unknown } | null)?.code === "string" ? (e as { code: string }).code : "";
  const message = e instanceof Error ? e.message : String(e);
  if (code === "SQLITE_TOOBIG" || TOO_LARGE.test(message)) {
    return SentiMlopsError.invalidParameterValue(
      `The request is too large for SQLite (${code || "error"}: ${message}): a search filter has too many comparisons ` +
        `or values; filters hold at most ${MAX_FILTER_COMPARISONS} comparisons`,
      { cause: e, component },
    );
  }
  if (OPERATIONAL.test(code)) return new SentiMlopsError("TEMPORARILY_UNAVAILABLE", `SQLite error (${code}): ${message}`, { cause: e, component });
  if (INTEGRITY.test(code)) return new SentiMlopsError("BAD_REQUEST", `SQLite error (${code}): ${message}`, { cause: e, component });
  const text = code ? `SQLite error (${code}): ${message}` : `${source.storeName} error: ${message}`;
  return new SentiMlopsError("INTERNAL_ERROR", text, { cause: e, component });
}

/**
 * {@link toSqlStoreError} bound to one store, for `createSqlTransactions`.
 *
 * @example
 * ```ts
 * const mapError = createSqlErrorMapper({ component: "registry", storeName: "SQL registry store" });
 * const { read, write } = createSqlTransactions(db, check, mapError);
 * ```
 */
export function createSqlErrorMapper(source: SqlErrorSource): (e: unknown) => unknown {
  return (e) => toSqlStoreError(e, source);
}

/**
 * Wraps a SQL store (an object of async methods) so that whatever a method throws or rejects with
 * passes through {@link toSqlStoreError}: no driver error (`SqliteError`, sqlite-wasm's) reaches
 * the caller unmapped, including errors raised while a statement is prepared outside a transaction.
 * Other properties (`uri`) are copied as they are ({@link wrapStoreMethods}).
 *
 * @example
 * ```ts
 * return withSqlStoreErrors(store, { component: "tracking", storeName: "SQL store" });
 * ```
 */
export function withSqlStoreErrors<S extends object>(store: S, source: SqlErrorSource): S {
  return wrapStoreMethods(store, (_name, method) => async (...args: unknown[]): Promise<unknown> => {
    try {
      return await method(...args);
    } catch (e) {
      throw toSqlStoreError(e, source);
    }
  });
}
