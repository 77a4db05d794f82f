/**
 * The on-disk cache: where it lives, and atomic writes into it.
 *
 * @module
 */

import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

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

/**
 * A temporary name beside `path`, unique to this write.
 *
 * @example
 * ```ts
 * tempPathFor("/cache/train.csv"); // "/cache/train.csv.3f9a1c0b7d2e.tmp"
 * ```
 */
export function tempPathFor(path: string): string {
  return `${path}.${randomBytes(6).toString("hex")}.tmp`;
}

/**
 * Writes `data` (bytes, text, or a stream/iterable of chunks) to a temporary file beside `path`,
 * then renames it over `path`, so readers see either the old file or the whole new one. The
 * temporary file is removed when anything fails.
 *
 * @example
 * ```ts
 * await writeFileAtomic("/cache/manifest.json", JSON.stringify(manifest));
 * await writeFileAtomic("/cache/train.csv", Readable.from(rows).pipe(stringify({ header: true })));
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | AsyncIterable<string | Uint8Array> | NodeJS.ReadableStream,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const temp = tempPathFor(path);
  try {
    const source = typeof data === "string" || data instanceof Uint8Array ? [data] : data;
    await pipeline(source, createWriteStream(temp), { signal: options.signal });
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
