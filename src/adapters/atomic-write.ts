/**
 * Atomic file writes for Node: a temporary file beside the target, then a rename, so readers see
 * either the old file or the whole new one.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";

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
