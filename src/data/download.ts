/**
 * Downloading a file with a SHA-256 check, and hashing local files.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { SentiMlopsError } from "../errors.js";
import { tempPathFor } from "./cache.js";
import { webStreamChunks } from "./source.js";

/**
 * The `fetch` signature the downloader needs; the global `fetch` fits.
 *
 * @example
 * ```ts
 * const viaProxy: FetchLike = (url, init) => fetch(url, { ...init, headers: { "x-token": token } });
 * await datasets.imdb({ fetch: viaProxy });
 * ```
 */
export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/**
 * Options of {@link downloadVerified}.
 *
 * @example
 * ```ts
 * const options: DownloadOptions = { sha256: "c40f…58fe", onProgress: (bytes, total) => {} };
 * ```
 */
export interface DownloadOptions {
  /** The expected SHA-256, lower-case hex. A mismatch is a `DATA_LOSS` error. */
  sha256: string;
  /**
   * The `fetch` to use.
   * @default globalThis.fetch
   */
  fetch?: FetchLike;
  /** Cancels the download. */
  signal?: AbortSignal;
  /** Called after each chunk with the bytes received so far and the `Content-Length`, if any. */
  onProgress?: (bytes: number, totalBytes: number | undefined) => void;
}

/**
 * Streams `url` into a temporary file beside `destination` while hashing it; when the SHA-256
 * matches, renames the file to `destination` (atomic). On a mismatch, or any failure, the temporary
 * file is deleted and nothing is left at `destination`.
 *
 * @throws {SentiMlopsError} `DATA_LOSS` naming the expected and actual hashes on a mismatch;
 *   `RESOURCE_DOES_NOT_EXIST` for HTTP 404/410; `TEMPORARILY_UNAVAILABLE` for other HTTP or network
 *   failures; `CANCELLED` when `signal` aborts.
 *
 * @example
 * ```ts
 * await downloadVerified("https://example.org/data.tar.gz", "/cache/data.tar.gz", { sha256 });
 * ```
 */
export async function downloadVerified(url: string, destination: string, options: DownloadOptions): Promise<void> {
  const { signal } = options;
  const fetchImpl: FetchLike = options.fetch ?? ((u, init) => globalThis.fetch(u, init));
  let response: Response;
  try {
    signal?.throwIfAborted();
    response = await fetchImpl(url, { signal });
  } catch (e) {
    throw cancelledOr(e, signal, () => new SentiMlopsError("TEMPORARILY_UNAVAILABLE", `download of ${url} failed: ${errorMessage(e)}`, { cause: e, component: "data" }));
  }
  if (!response.ok || !response.body) {
    const code = response.status === 404 || response.status === 410 ? "RESOURCE_DOES_NOT_EXIST" : "TEMPORARILY_UNAVAILABLE";
    throw new SentiMlopsError(code, `download of ${url} failed: HTTP ${response.status} ${response.statusText}`.trim(), { component: "data" });
  }

  const length = Number(response.headers.get("content-length"));
  const totalBytes = Number.isFinite(length) && length > 0 ? length : undefined;
  const hash = createHash("sha256");
  let bytes = 0;
  const temp = tempPathFor(destination);
  try {
    await pipeline(
      webStreamChunks(response.body),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          bytes += chunk.length;
          options.onProgress?.(bytes, totalBytes);
          yield chunk;
        }
      },
      createWriteStream(temp),
      { signal },
    );
    const actual = hash.digest("hex");
    if (actual !== options.sha256) {
      throw new SentiMlopsError("DATA_LOSS", `sha256 mismatch for ${url}: expected ${options.sha256}, actual ${actual}`, { component: "data" });
    }
    await rename(temp, destination);
  } catch (e) {
    await rm(temp, { force: true });
    throw cancelledOr(e, signal, () => e);
  }
}

/**
 * The SHA-256 of a file, lower-case hex, or `null` when the file does not exist.
 *
 * @example
 * ```ts
 * if ((await sha256File(archive)) !== expected) await downloadVerified(url, archive, { sha256: expected });
 * ```
 */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string | null> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw cancelledOr(e, signal, () => e);
  }
  return hash.digest("hex");
}

/**
 * `CANCELLED` when `signal` has aborted (the abort reason as `cause`), else `fallback()`.
 *
 * @example
 * ```ts
 * catch (e) { throw cancelledOr(e, signal, () => e); }
 * ```
 */
export function cancelledOr(e: unknown, signal: AbortSignal | undefined, fallback: () => unknown): unknown {
  if (signal?.aborted) return new SentiMlopsError("CANCELLED", "the operation was aborted", { cause: signal.reason ?? e, component: "data" });
  return fallback();
}

function errorMessage(e: unknown): string {
  const cause = (e as { cause?: unknown } | null)?.cause;
  const base = e instanceof Error ? e.message : String(e);
  return cause instanceof Error ? `${base} (${cause.message})` : base;
}
