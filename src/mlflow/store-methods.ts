/**
 * The one way senti-mlops layers behaviour over a store: a store is a plain object of async
 * methods (plus data such as `uri`), so a layer is a new object whose methods call the old ones.
 * {@link withWellFormedStrings} and {@link withSqlStoreErrors} are both built on it.
 *
 * @module
 */

/** A store method, already bound to its store. */
export type StoreMethod = (...args: unknown[]) => unknown;

/**
 * Returns a copy of `store` in which every method is replaced by what `wrap` makes of it, given the
 * method's name and the method bound to the original store; other properties (`uri`) are copied
 * as they are. The original store is left untouched, so layers stack:
 * `withWellFormedStrings(withSqlStoreErrors(store, …), …)`.
 *
 * @example
 * ```ts
 * const counted = wrapStoreMethods(store, (name, method) => (...args) => {
 *   calls.set(name, (calls.get(name) ?? 0) + 1);
 *   return method(...args);
 * });
 * ```
 */
export function wrapStoreMethods<S extends object>(store: S, wrap: (name: string, method: StoreMethod) => StoreMethod): S {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    wrapped[name] = typeof member === "function" ? wrap(name, (...args: unknown[]): unknown => (member as StoreMethod).apply(store, args)) : member;
  }
  return wrapped as S;
}
