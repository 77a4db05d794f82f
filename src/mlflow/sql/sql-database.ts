/**
 * The structural database type the SQL tracking store is written against, so that the core never
 * imports better-sqlite3 (or any other driver). better-sqlite3's `Database` satisfies it as is; see
 * `openSqliteDatabase` in `adapters/sqlite.ts`.
 *
 * @module
 */

/**
 * A prepared statement. Positional parameters bind to `?` placeholders in order; a single plain
 * object binds to named placeholders (`@name`, `:name`, `$name`).
 *
 * @example
 * ```ts
 * const stmt: SqlStatement = db.prepare("SELECT name FROM experiments WHERE experiment_id = ?");
 * const row = stmt.get(0) as { name: string } | undefined;
 * ```
 */
export interface SqlStatement {
  /** Every result row, as plain objects keyed by column name. */
  all(...params: unknown[]): unknown[];
  /** The first result row, or `undefined` when there is none. */
  get(...params: unknown[]): unknown;
  /** Runs a statement that returns no rows. */
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

/**
 * A synchronous SQL connection (one file, one writer at a time).
 *
 * @example
 * ```ts
 * const db: SqlDatabase = await openSqliteDatabase("./mlflow.db");
 * const insert = db.prepare("INSERT INTO experiment_tags (key, value, experiment_id) VALUES (?, ?, ?)");
 * db.transaction(() => {
 *   insert.run("team", "nlp", 1);
 *   insert.run("owner", "ana", 1);
 * })();
 * db.close();
 * ```
 */
export interface SqlDatabase {
  /** Compiles one SQL statement. */
  prepare(sql: string): SqlStatement;
  /** Runs one or more `;`-separated statements without parameters (DDL, PRAGMAs). */
  exec(sql: string): void;
  /**
   * Wraps `fn` so that calling the result runs it in one transaction: committed when `fn` returns,
   * rolled back when it throws (and the error rethrown). Nested calls become savepoints.
   */
  transaction<T>(fn: () => T): () => T;
  /** Closes the connection; further calls throw. */
  close(): void;
}
