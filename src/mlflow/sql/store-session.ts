/**
 * What the SQL tracking and registry stores do alike around their statements: set up a connection
 * as MLflow sets up each session, and page offset-based results.
 *
 * @module
 */
import { encodePageToken } from "../page-token.js";
import { SQLITE_SEARCH_PRAGMA } from "../search/index.js";
import type { Page } from "../tracking-entities.js";
import { ensureMlflowSchema } from "./schema.js";
import type { SqlDatabase } from "./sql-database.js";

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
export function initMlflowConnection(db: SqlDatabase, mapError: (e: unknown) => unknown): void {
  try {
    db.exec("PRAGMA foreign_keys = ON");
    db.exec(SQLITE_SEARCH_PRAGMA);
    ensureMlflowSchema(db);
  } catch (e) {
    throw mapError(e);
  }
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
