/**
 * The SQLite semantics that MLflow's SQL store gives to filter and order-by comparisons, written
 * once so that in-memory evaluation agrees with the compiled SQL:
 * - `LIKE` is case-sensitive (MLflow opens SQLite with `PRAGMA case_sensitive_like = true`); `%`
 *   matches any run of characters, `_` exactly one character, and there is no escape character;
 * - `ILIKE` is SQLAlchemy's `lower(x) LIKE lower(y)`; SQLite's `lower()` folds ASCII letters only;
 * - text compares with SQLite's BINARY collation (UTF-8 bytes, i.e. code point order);
 * - ±Infinity metric values are stored as ±1.7976931348623157e308 (`Number.MAX_VALUE`).
 *
 * @module
 */

/**
 * Whether `value` matches the SQL `LIKE` pattern `pattern` (case-sensitive; `ilike` folds ASCII
 * case as SQLite's `lower()` does).
 *
 * @example
 * ```ts
 * sqlLike("tfidf-bigrams", "tfidf%");     // true
 * sqlLike("TFIDF", "tfidf%");             // false
 * sqlLike("TFIDF", "tfidf%", true);       // true
 * ```
 */
export function sqlLike(value: string, pattern: string, ilike = false): boolean {
  const v = Array.from(ilike ? asciiLower(value) : value);
  const p = Array.from(ilike ? asciiLower(pattern) : pattern);
  // Iterative wildcard matching with backtracking to the last '%'.
  let vi = 0;
  let pi = 0;
  let starP = -1;
  let starV = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === "_" || (p[pi] !== "%" && p[pi] === v[vi]))) {
      vi++;
      pi++;
    } else if (pi < p.length && p[pi] === "%") {
      starP = pi++;
      starV = vi;
    } else if (starP >= 0) {
      pi = starP + 1;
      vi = ++starV;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "%") pi++;
  return pi === p.length;
}

/**
 * Lower-cases ASCII letters only, as SQLite's built-in `lower()` does.
 *
 * @example
 * ```ts
 * asciiLower("ÉCOLE Run"); // "École run" (É is not ASCII)
 * ```
 */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/**
 * Compares two strings by code points (SQLite's BINARY collation on UTF-8 text).
 *
 * @example
 * ```ts
 * ["b", "B", "a"].sort(compareText); // ["B", "a", "b"]
 * ```
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // Surrogates (U+D800–DFFF) encode code points above U+FFFF, which sort after every BMP character.
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb) return sa ? 1 : -1;
    return ca < cb ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

/**
 * A metric value as MLflow's SQL store keeps it: ±Infinity clamped to ±`Number.MAX_VALUE`
 * (NaN is kept; the store flags it with `is_nan`).
 *
 * @example
 * ```ts
 * storedMetricValue(Infinity); // 1.7976931348623157e308
 * ```
 */
export function storedMetricValue(value: number): number {
  if (value === Infinity) return Number.MAX_VALUE;
  if (value === -Infinity) return -Number.MAX_VALUE;
  return value;
}
