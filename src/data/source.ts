/**
 * Turns any {@link DataSource} into a stream of byte chunks.
 *
 * @module
 */

import { open } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { SentiMlopsError, describeType } from "../errors.js";
import type { DataSource } from "./types.js";

/**
 * Yields the bytes of `source` as `Buffer` chunks. A file is opened lazily, on the first pull, and
 * closed when iteration ends or is abandoned.
 *
 * @throws {SentiMlopsError} `RESOURCE_DOES_NOT_EXIST` when a file does not exist,
 *   `INVALID_PARAMETER_VALUE` when `source` (or one of its chunks) has an unsupported type.
 *
 * @example
 * ```ts
 * for await (const chunk of sourceChunks("./train.csv")) bytes += chunk.length;
 * ```
 */
export async function* sourceChunks(source: DataSource): AsyncGenerator<Buffer> {
  for await (const chunk of rawSourceChunks(source)) yield typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

/**
 * Yields the chunks of `source` as they come: bytes as `Buffer`s, text chunks as strings (text
 * needs no decoding, whatever the encoding of the bytes around it).
 *
 * @throws {SentiMlopsError} as {@link sourceChunks}.
 *
 * @example
 * ```ts
 * for await (const chunk of rawSourceChunks(["text,label\n", Buffer.from("ok,1\n")])) parts.push(chunk);
 * ```
 */
export async function* rawSourceChunks(source: DataSource): AsyncGenerator<Buffer | string> {
  if (typeof source === "string" || source instanceof URL) {
    yield* fileChunks(toPath(source));
  } else if (isWebStream(source)) {
    yield* webStreamParts(source);
  } else if (isIterable(source)) {
    for await (const chunk of source) yield typeof chunk === "string" ? chunk : toBuffer(chunk);
  } else {
    throw SentiMlopsError.invalidParameterValue(
      `source must be a path, a file: URL, a Readable, a ReadableStream or an iterable of chunks, got ${describeType(source)}`,
      { component: "data" },
    );
  }
}

/**
 * Reads a web `ReadableStream` chunk by chunk, cancelling it when iteration is abandoned.
 *
 * @example
 * ```ts
 * const res = await fetch(url);
 * for await (const chunk of webStreamChunks(res.body!)) hash.update(chunk);
 * ```
 */
export async function* webStreamChunks(stream: ReadableStream<Uint8Array | string>): AsyncGenerator<Buffer> {
  for await (const chunk of webStreamParts(stream)) yield typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

/** Reads a web `ReadableStream` as it comes (text chunks stay strings), cancelling it when abandoned. */
async function* webStreamParts(stream: ReadableStream<Uint8Array | string>): AsyncGenerator<Buffer | string> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield typeof next.value === "string" ? next.value : toBuffer(next.value);
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * Converts a path or `file:` URL to a path.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for a URL that is not a `file:` URL.
 *
 * @example
 * ```ts
 * toPath(new URL("file:///data/train.csv")); // "/data/train.csv"
 * ```
 */
export function toPath(source: string | URL): string {
  if (typeof source === "string") return source;
  if (source.protocol !== "file:") {
    throw SentiMlopsError.invalidParameterValue(`source URL must be a file: URL, got ${source.protocol} (${source.href})`, { component: "data" });
  }
  return fileURLToPath(source);
}

/**
 * The name errors give `source`: its path for a path or `file:` URL, undefined for a stream or an
 * iterable (which have no name).
 *
 * @example
 * ```ts
 * sourceName("./train.csv"); // "./train.csv"
 * sourceName(["text,label\n"]); // undefined
 * ```
 */
export function sourceName(source: DataSource): string | undefined {
  if (typeof source === "string") return source;
  if (source instanceof URL && source.protocol === "file:") return fileURLToPath(source);
  return undefined;
}

async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    throw fileError(e, path);
  }
  const stream = handle.createReadStream();
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (e) {
    throw fileError(e, path);
  } finally {
    stream.destroy();
  }
}

function fileError(e: unknown, path: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `file not found: ${path}`, { cause: e, component: "data" });
  if (code === "EISDIR") return SentiMlopsError.invalidParameterValue(`expected a file, got a directory: ${path}`, { cause: e, component: "data" });
  return e;
}

function toBuffer(chunk: unknown): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw SentiMlopsError.invalidParameterValue(`source chunks must be strings or Uint8Arrays, got ${describeType(chunk)}`, { component: "data" });
}

function isWebStream(value: unknown): value is ReadableStream<Uint8Array | string> {
  return typeof (value as ReadableStream | null)?.getReader === "function";
}

function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  const v = value as Record<symbol, unknown> | null;
  return typeof v?.[Symbol.asyncIterator] === "function" || typeof v?.[Symbol.iterator] === "function";
}
