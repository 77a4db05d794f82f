/**
 * Prepared statements for the SQL tracking and registry stores: the fixed statements of a store,
 * prepared once, and one bounded LRU cache for the SQL text of searches (one entry per compiled
 * filter/order-by shape).
 *
 * @module
 */
import type { SqlDatabase, SqlStatement } from "./sql-database.js";

/**
 * A prepared-statement cache: returns the statement for `sql`, preparing it on first use.
 *
 * @example
 * ```ts
 * const statement: StatementCache = createStatementCache(db);
 * const rows = statement("SELECT * FROM runs WHERE run_uuid = ?").all(runId);
 * ```
 */
export type StatementCache = (sql: string) => SqlStatement;

/**
 * How many search statements a store keeps prepared by default.
 *
 * @example
 * ```ts
 * const searchStatement = createStatementCache(db, DEFAULT_STATEMENT_CACHE_CAPACITY); // 64 statements
 * ```
 */
export const DEFAULT_STATEMENT_CACHE_CAPACITY = 64;

/**
 * Creates a bounded LRU cache of prepared statements on `db`: a hit becomes the most recently
 * used entry, and a miss beyond `capacity` entries evicts the least recently used one.
 *
 * @example
 * ```ts
 * const searchStatement = createStatementCache(db, 64);
 * const stmt = searchStatement(`SELECT experiments.* FROM experiments WHERE (${where}) LIMIT ? OFFSET ?`);
 * stmt.all(...params, 100, 0);
 * ```
 */
export function createStatementCache(db: SqlDatabase, capacity = DEFAULT_STATEMENT_CACHE_CAPACITY): StatementCache {
  const cache = new Map<string, SqlStatement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (stmt) {
      cache.delete(sql); // re-inserted below: most recently used last
    } else {
      stmt = db.prepare(sql);
      if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, stmt);
    return stmt;
  };
}

/**
 * Prepares every statement of a name → SQL table at once, keeping the names.
 *
 * @example
 * ```ts
 * const s = prepareStatements(db, { runById: "SELECT * FROM runs WHERE run_uuid = ?" });
 * s.runById.get(runId);
 * ```
 */
export function prepareStatements<K extends string>(db: SqlDatabase, sql: Readonly<Record<K, string>>): Record<K, SqlStatement> {
  const out = {} as Record<K, SqlStatement>;
  for (const name of Object.keys(sql) as K[]) out[name] = db.prepare(sql[name]);
  return out;
}
