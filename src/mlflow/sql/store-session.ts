/**
 * What the SQL tracking and registry stores do alike around their statements: set up a connection
 * as MLflow sets up each session, prepare the fixed statements, run transactions with errors
 * mapped, refuse calls once closed, and page offset-based results.
 *
 * @module
 */
import { encodePageToken } from "../page-token.js";
import { SQLITE_SEARCH_PRAGMA } from "../search/index.js";
import type { Page } from "../tracking-entities.js";
import { SentiMlopsError } from "../../errors.js";
import { ensureMlflowSchema } from "./schema.js";
import type { SqlDatabase, SqlStatement } from "./sql-database.js";
import { createStatementCache, prepareStatements, type StatementCache } from "./statement-cache.js";
import { createSqlErrorMapper, type SqlErrorSource } from "./store-errors.js";
import { createSqlTransactions } from "./transactions.js";

/**
 * Prepares `db` for a store: MLflow's per-session settings (`foreign_keys`, which renames rely on
 * for `ON UPDATE CASCADE`, and case-sensitive `LIKE` for compiled filters; mlflow/store/db/utils.py),
 * then the pinned MLflow schema (`ensureMlflowSchema`). A failure is thrown through `mapError`.
 *
 * @example
 * ```ts
 * initMlflowConnection(db, createSqlErrorMapper({ component: "tracking", storeName: "SQL store" }));
 * ```
 */
function initMlflowConnection(db: SqlDatabase, mapError: (e: unknown) => unknown): void {
  try {
    db.exec("PRAGMA foreign_keys = ON");
    db.exec(SQLITE_SEARCH_PRAGMA);
    ensureMlflowSchema(db);
  } catch (e) {
    throw mapError(e);
  }
}

/**
 * The part of a SQL store's context that does not depend on what it stores: the connection, its
 * fixed statements (prepared once) and search-statement cache, transactions, and the closed state.
 *
 * @example
 * ```ts
 * interface SqlTrackingContext extends SqlStoreSession<TrackingStatementName> { readonly now: () => number }
 * ```
 */
export interface SqlStoreSession<K extends string> {
  readonly db: SqlDatabase;
  /** The fixed statements, prepared once. */
  readonly s: Readonly<Record<K, SqlStatement>>;
  /** The LRU cache of search statements. */
  readonly searchStatement: StatementCache;
  /** Runs `fn` in one read transaction (a consistent snapshot), errors mapped as MLflow reports them. */
  readonly read: <T>(fn: () => T) => T;
  /** Runs `fn` in one write transaction (`BEGIN IMMEDIATE` where offered), errors mapped. */
  readonly write: <T>(fn: () => T) => T;
  /** Throws `INVALID_STATE` once the store is closed. */
  readonly check: () => void;
  /** Marks the store closed; true the first time. */
  readonly markClosed: () => boolean;
}

/**
 * Sets `db` up for a store ({@link initMlflowConnection}) and opens its session: the statements of
 * `statements` prepared, errors mapped and the closed-store error worded for `source`.
 *
 * @example
 * ```ts
 * const session = openSqlStoreSession(db, TRACKING_SQL, { component: "tracking", storeName: "SQL store" });
 * session.read(() => session.s.experimentById.get(0));
 * ```
 */
export function openSqlStoreSession<K extends string>(db: SqlDatabase, statements: Readonly<Record<K, string>>, source: SqlErrorSource): SqlStoreSession<K> {
  const mapError = createSqlErrorMapper(source);
  initMlflowConnection(db, mapError);
  let closed = false;
  const check = (): void => {
    if (closed) throw new SentiMlopsError("INVALID_STATE", `the ${source.storeName} is closed`, { component: source.component });
  };
  const { read, write } = createSqlTransactions(db, check, mapError);
  return {
    db,
    s: prepareStatements(db, statements),
    searchStatement: createStatementCache(db),
    read,
    write,
    check,
    markClosed: () => !closed && (closed = true),
  };
}

/**
 * A page of an offset-paged query: `nextPageToken` encodes `nextOffset` when more rows follow.
 *
 * @example
 * ```ts
 * const rows = stmt.all(...params, maxResults + 1, offset);
 * return offsetPage(rows.slice(0, maxResults), rows.length > maxResults, offset + maxResults);
 * ```
 */
export function offsetPage<T>(items: T[], more: boolean, nextOffset: number): Page<T> {
  return more ? { items, nextPageToken: encodePageToken(nextOffset) } : { items };
}
