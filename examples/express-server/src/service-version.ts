/**
 * The service's version, read once from its package.json (the same file from `src/` under tsx and
 * from `dist/` when built).
 *
 * @module
 */
import { readFileSync } from "node:fs";

let cached: string | undefined;

/**
 * The version in `examples/express-server/package.json`.
 *
 * @example
 * ```ts
 * serviceVersion(); // "0.1.0"
 * ```
 */
export function serviceVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
  return cached;
}
