/**
 * The label names of binary models (a module of its own, so that importing them does not bring
 * the training code along).
 *
 * @module
 */

/**
 * Names given to numeric labels 0 and 1 unless `labelNames` says otherwise.
 *
 * @example
 * ```ts
 * (await trainTfidf(rows)).model.labels; // DEFAULT_BINARY_LABELS: ["Negative", "Positive"]
 * ```
 */
export const DEFAULT_BINARY_LABELS: readonly string[] = /* @__PURE__ */ Object.freeze(["Negative", "Positive"]);
