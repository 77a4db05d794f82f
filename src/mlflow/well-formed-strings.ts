/**
 * Strings that are not well-formed UTF-16 (a lone surrogate, e.g. `"\uD800"`) cannot be stored as
 * UTF-8: SQLite and MLflow's server keep them as invalid bytes that read back as U+FFFD. senti-mlops
 * refuses them in every tracking and registry store, written once here: {@link withWellFormedStrings}
 * checks every string a store method receives, however deeply nested (param and tag values and
 * keys, run and experiment names, registered model names, descriptions, aliases, …).
 *
 * @module
 */
import { SentiMlopsError, type Component } from "../errors.js";
import { wrapStoreMethods } from "./store-methods.js";

/** Deep enough for any store request; anything deeper is not a store request. */
const MAX_DEPTH = 16;

/**
 * A lone surrogate: with the `u` flag a surrogate pair is one code point, so `\p{Cs}` matches only
 * halves that have no partner.
 */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Returns `value` when it is well-formed UTF-16; otherwise throws `INVALID_PARAMETER_VALUE` naming
 * `field` and where the lone surrogate is.
 *
 * @example
 * ```ts
 * validateWellFormed("ok 😀", "params[0].value"); // "ok 😀"
 * validateWellFormed("bad\uD800", "params[0].value"); // throws INVALID_PARAMETER_VALUE
 * ```
 */
export function validateWellFormed(value: string, field: string, component: Component = "mlflow"): string {
  const at = value.search(LONE_SURROGATE);
  if (at < 0) return value;
  const unit = value.charCodeAt(at).toString(16).toUpperCase();
  throw SentiMlopsError.invalidParameterValue(
    `Invalid value for '${field}': not a well-formed Unicode string (a lone surrogate U+${unit} at index ${at}); ` +
      "strings are stored as UTF-8, which cannot hold it",
    { component, details: { field } },
  );
}

/** The path of the first ill-formed string in `value`, or undefined. */
function findIllFormed(value: unknown, path: string, depth: number): { path: string; text: string } | undefined {
  if (typeof value === "string") return LONE_SURROGATE.test(value) ? { path, text: value } : undefined;
  if (typeof value !== "object" || value === null || depth >= MAX_DEPTH) return undefined;
  if (ArrayBuffer.isView(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findIllFormed(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const found = findIllFormed(key, path === "" ? "(a key)" : `${path} (a key)`, depth + 1) ?? findIllFormed(child, path === "" ? key : `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Wraps a store (an object of async methods) so that every method first checks every string in its
 * arguments, nested objects and arrays included, and rejects with `INVALID_PARAMETER_VALUE` naming
 * the method and the field (`logBatch: params[0].value`) when one is not well-formed UTF-16. Other
 * properties (`uri`) are copied as they are ({@link wrapStoreMethods}).
 *
 * @example
 * ```ts
 * const store = withWellFormedStrings(createRawStore(), "tracking");
 * await store.logBatch(runId, { params: [{ key: "p", value: "\uD800" }] }); // rejects INVALID_PARAMETER_VALUE
 * ```
 */
export function withWellFormedStrings<S extends object>(store: S, component: Component): S {
  return wrapStoreMethods(store, (name, method) => (...args: unknown[]): unknown => {
    for (let i = 0; i < args.length; i++) {
      const found = findIllFormed(args[i], "", 0);
      if (found) {
        const field = found.path === "" ? `argument ${i + 1}` : found.path;
        try {
          validateWellFormed(found.text, `${name}: ${field}`, component);
        } catch (e) {
          return Promise.reject(e);
        }
      }
    }
    return method(...args);
  });
}
