/**
 * The on-disk cache: where it lives. Writes into it go through {@link writeFileAtomic}.
 *
 * @module
 */

import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The cache folder for `segments`, read from the environment at call time:
 * `$SENTI_MLOPS_CACHE/<segments>`, else `$XDG_CACHE_HOME/senti-mlops/<segments>`, else
 * `~/.cache/senti-mlops/<segments>`.
 *
 * @example
 * ```ts
 * defaultCacheDir("datasets", "imdb"); // "/home/me/.cache/senti-mlops/datasets/imdb"
 * ```
 */
export function defaultCacheDir(...segments: string[]): string {
  const root = process.env.SENTI_MLOPS_CACHE;
  if (root) return join(root, ...segments);
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg || join(homedir(), ".cache"), "senti-mlops", ...segments);
}

export { tempPathFor, writeFileAtomic } from "../adapters/atomic-write.js";
