/**
 * The limit of downloads and its option, apart from the reader that enforces it
 * (./read-limited.ts): what validates an adapter's options does not bring the reader along, so the
 * REST client of a page loads the reader only when it downloads something.
 *
 * @module
 */
import { SentiMlopsError, type Component } from "../errors.js";

/**
 * The default limit of every download: 2 GiB. The largest model senti-mlops handles, BERT base in
 * fp32, is about 440 MB; override it with the `maxBytes` option of the call or adapter.
 *
 * @example
 * ```ts
 * DEFAULT_MAX_DOWNLOAD_BYTES; // 2147483648
 * ```
 */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * What {@link readLimited} needs to know besides the bytes.
 *
 * @example
 * ```ts
 * const limit: DownloadLimit = { maxBytes: 1 << 20, what: "https://example.com/model.json", option: "loadModel's maxBytes" };
 * ```
 */
export interface DownloadLimit {
  /** The most bytes accepted. */
  readonly maxBytes: number;
  /** What is being read, for the error: a URL, a key, a path. */
  readonly what: string;
  /** Where the limit is raised, for the error: e.g. `"the maxBytes option of loadModel"`. */
  readonly option: string;
  /** The component the error names. @default "adapters" */
  readonly component?: Component;
}

/**
 * Checks a `maxBytes` option: `undefined` gives {@link DEFAULT_MAX_DOWNLOAD_BYTES}; anything but a
 * positive safe integer throws `INVALID_PARAMETER_VALUE` naming `option`.
 *
 * @example
 * ```ts
 * resolveMaxBytes(undefined, "maxBytes"); // 2147483648
 * resolveMaxBytes(0, "maxBytes"); // throws INVALID_PARAMETER_VALUE
 * ```
 */
export function resolveMaxBytes(maxBytes: unknown, option: string, component: Component = "adapters"): number {
  if (maxBytes === undefined) return DEFAULT_MAX_DOWNLOAD_BYTES;
  if (typeof maxBytes !== "number" || !Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw SentiMlopsError.invalidParameterValue(`option '${option}' must be a positive integer number of bytes, got ${String(maxBytes)}`, { component });
  }
  return maxBytes;
}

