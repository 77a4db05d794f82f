/**
 * Option checks and label conversion shared by the readers.
 *
 * @module
 */

import { SentiMlopsError, describeType } from "../errors.js";
import { describeLine } from "./row-origin.js";
import type { CommonReadOptions, LabelMode } from "./types.js";

/**
 * Turns one raw label into a `LabeledText` label, or throws naming `source` (when given) and `line`.
 *
 * @example
 * ```ts
 * const resolve: LabelResolver = createLabelResolver({ labels: "number" });
 * resolve("1", 2, "train.csv"); // 1
 * ```
 */
export type LabelResolver = (raw: unknown, line: number, source?: string) => string | number;

const MODES: readonly LabelMode[] = ["auto", "number", "string"];
const INTEGER = /^[+-]?\d+$/;

/**
 * Validates the label options and returns the function that converts raw labels.
 *
 * Labels are trimmed first. A missing or empty label is an error, and so is a label absent from
 * `labelMap`, or one that is not a number under `labels: "number"`.
 *
 * @example
 * ```ts
 * const resolve = createLabelResolver({ labelMap: { pos: 1, neg: 0 } });
 * resolve("pos", 2); // 1
 * resolve("meh", 3); // throws INVALID_PARAMETER_VALUE: line 3: label "meh" is not in labelMap ...
 * resolve("meh", 3, "train.csv"); // throws INVALID_PARAMETER_VALUE: train.csv line 3: label "meh" ...
 * ```
 */
export function createLabelResolver(options: CommonReadOptions): LabelResolver {
  const mode = options.labels ?? "auto";
  if (!MODES.includes(mode)) {
    throw SentiMlopsError.invalidParameterValue(`labels must be one of "auto", "number", "string", got ${JSON.stringify(mode)}`, { component: "data" });
  }
  const map = options.labelMap;
  if (map !== undefined && (map === null || typeof map !== "object" || Array.isArray(map))) {
    throw SentiMlopsError.invalidParameterValue(`labelMap must be an object, got ${describeType(map)}`, { component: "data" });
  }

  return (raw, line, source) => {
    if (raw !== undefined && raw !== null && typeof raw !== "string" && typeof raw !== "number") {
      throw SentiMlopsError.invalidParameterValue(`${describeLine(source, line)}: label must be a string or a number, got ${describeType(raw)}`, { component: "data" });
    }
    const value = raw === undefined || raw === null ? "" : String(raw).trim();
    if (value === "") throw SentiMlopsError.invalidParameterValue(`${describeLine(source, line)}: missing or empty label (value ${JSON.stringify(raw ?? null)})`, { component: "data" });
    if (map !== undefined) {
      if (Object.hasOwn(map, value)) return map[value];
      const keys = Object.keys(map).map((k) => JSON.stringify(k)).join(", ");
      throw SentiMlopsError.invalidParameterValue(`${describeLine(source, line)}: label ${JSON.stringify(value)} is not in labelMap (keys: ${keys})`, { component: "data" });
    }
    if (typeof raw === "number" && mode !== "string") return raw;
    if (mode === "string") return value;
    if (mode === "number") {
      const n = Number(value);
      if (!Number.isFinite(n)) throw SentiMlopsError.invalidParameterValue(`${describeLine(source, line)}: label ${JSON.stringify(value)} is not a number (labels: "number")`, { component: "data" });
      return n;
    }
    return INTEGER.test(value) ? Number(value) : value;
  };
}

/**
 * Validates `limit` and returns it, `Infinity` when absent.
 *
 * @example
 * ```ts
 * checkLimit(100); // 100
 * checkLimit(-1);  // throws INVALID_PARAMETER_VALUE
 * ```
 */
export function checkLimit(limit: number | undefined): number {
  if (limit === undefined || limit === Infinity) return Infinity;
  if (!Number.isInteger(limit) || limit < 0) {
    throw SentiMlopsError.invalidParameterValue(`limit must be a non-negative integer, got ${String(limit)}`, { component: "data" });
  }
  return limit;
}
