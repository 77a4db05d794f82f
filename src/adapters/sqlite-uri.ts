/**
 * `sqlite:` database URIs, read the way SQLAlchemy (and so MLflow) reads them. Pure: no I/O, safe
 * in any runtime.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";

/**
 * What a `sqlite:` URI points at.
 *
 * @example
 * ```ts
 * const { path, inMemory } = parseSqliteUri("sqlite:///mlflow.db"); // "mlflow.db", false
 * ```
 */
export interface SqliteUri {
  /**
   * The database file as written in the URI (percent-decoded): relative paths stay relative (to
   * the working directory, as SQLAlchemy resolves them), absolute ones keep their leading `/`.
   * `":memory:"` for an in-memory database.
   */
  path: string;
  /** True for `sqlite://`, `sqlite:///` and `sqlite:///:memory:`. */
  inMemory: boolean;
  /** The query string's parameters (SQLAlchemy passes them to the driver), e.g. `{ mode: "ro", uri: "true" }`. */
  query: Readonly<Record<string, string>>;
}

const VALID_FORMS =
  "valid forms are sqlite:///:memory: (or sqlite://), sqlite:///relative/path/to/file.db and sqlite:////absolute/path/to/file.db";

/**
 * Parses a `sqlite:` (or `sqlite+<driver>:`) URI following SQLAlchemy's rules: three slashes then
 * a relative path, four slashes for an absolute one, `:memory:` or nothing for an in-memory
 * database. A host part (`sqlite://host/x.db`) is refused, as SQLAlchemy refuses it.
 *
 * @example
 * ```ts
 * parseSqliteUri("sqlite:///mlflow.db");         // { path: "mlflow.db", inMemory: false, query: {} }
 * parseSqliteUri("sqlite:////var/lib/mlflow.db"); // { path: "/var/lib/mlflow.db", inMemory: false, query: {} }
 * parseSqliteUri("sqlite:///:memory:");           // { path: ":memory:", inMemory: true, query: {} }
 * ```
 */
export function parseSqliteUri(uri: string): SqliteUri {
  if (typeof uri !== "string") {
    throw SentiMlopsError.invalidParameterValue(`SQLite URI must be a string, got ${uri === null ? "null" : typeof uri}`, { component: "adapters" });
  }
  const scheme = /^sqlite(?:\+[A-Za-z0-9_]+)?:/i.exec(uri);
  if (!scheme) {
    throw SentiMlopsError.invalidParameterValue(`Not a SQLite URI: '${uri}' (${VALID_FORMS})`, { component: "adapters" });
  }
  let rest = uri.slice(scheme[0].length);
  if (!rest.startsWith("//")) {
    throw SentiMlopsError.invalidParameterValue(`Invalid SQLite URI '${uri}': ${VALID_FORMS}`, { component: "adapters" });
  }
  rest = rest.slice(2);
  let queryString = "";
  const q = rest.indexOf("?");
  if (q >= 0) {
    queryString = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const slash = rest.indexOf("/");
  const host = slash < 0 ? rest : rest.slice(0, slash);
  if (host !== "") {
    throw SentiMlopsError.invalidParameterValue(`Invalid SQLite URI '${uri}': it names a host ('${host}'); ${VALID_FORMS}`, { component: "adapters" });
  }
  let path: string;
  try {
    path = slash < 0 ? "" : decodeURIComponent(rest.slice(slash + 1));
  } catch (cause) {
    throw SentiMlopsError.invalidParameterValue(`Invalid SQLite URI '${uri}': bad percent-encoding in the path`, { cause, component: "adapters" });
  }
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(queryString)) query[key] = value;
  const inMemory = path === "" || path === ":memory:";
  return Object.freeze({ path: inMemory ? ":memory:" : path, inMemory, query: Object.freeze(query) });
}
