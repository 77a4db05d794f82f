/**
 * The SQL functions MLflow's SQLAlchemy store registers on each SQLite connection, written once for
 * every driver (better-sqlite3 in Node, SQLite compiled to WebAssembly in browsers).
 *
 * @module
 */

const regexCache = new Map<string, RegExp | null>();

/**
 * `X REGEXP Y` calls `regexp(Y, X)`: 1 when the pattern is found anywhere in the value (Python's
 * `re.search`, as MLflow's `RLIKE` filters), else 0; an invalid pattern matches nothing, as in
 * MLflow.
 *
 * @example
 * ```ts
 * db.function("regexp", { deterministic: true }, sqliteRegexp);
 * sqliteRegexp("^acc", "accuracy"); // 1
 * ```
 */
export function sqliteRegexp(pattern: unknown, value: unknown): number {
  if (typeof pattern !== "string" || value === null || value === undefined) return 0;
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern);
    } catch {
      re = null; // MLflow answers "no match" for an invalid pattern
    }
    if (regexCache.size >= 256) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re !== null && re.test(String(value)) ? 1 : 0;
}
