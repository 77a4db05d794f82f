/**
 * Transactions over a {@link SqlDatabase}, shared by the SQL tracking and registry stores.
 *
 * @module
 */
import type { SqlDatabase } from "./sql-database.js";

/**
 * Runs store calls in transactions: `write` takes the write lock up front (`BEGIN IMMEDIATE` when
 * the driver offers it), `read` gives one consistent snapshot for the several SELECTs of a call.
 * One transaction function is created once (better-sqlite3 builds a wrapper per call otherwise) and
 * runs whatever the current call put in its slot: calls never nest.
 *
 * @example
 * ```ts
 * const { read, write } = createSqlTransactions(db, () => ensureOpen(), toStoreError);
 * write(() => insertRun.run(row));
 * ```
 */
export function createSqlTransactions(
  db: SqlDatabase,
  check: () => void,
  mapError: (e: unknown) => unknown,
): { read: <T>(fn: () => T) => T; write: <T>(fn: () => T) => T } {
  let body: (() => unknown) | undefined;
  const transaction = db.transaction(() => body!()) as (() => unknown) & { immediate?: () => unknown };
  const immediate = typeof transaction.immediate === "function" ? () => transaction.immediate!() : transaction;
  const run = <T>(fn: () => T, start: () => unknown): T => {
    check();
    body = fn;
    try {
      return start() as T;
    } catch (e) {
      throw mapError(e);
    } finally {
      body = undefined;
    }
  };
  return { write: (fn) => run(fn, immediate), read: (fn) => run(fn, transaction) };
}
