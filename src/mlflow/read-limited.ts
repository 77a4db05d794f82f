/**
 * Size limits on downloads, written once for every path that reads a model or an artifact whole
 * into memory: HTTP fetches of model files and hub files, the MLflow artifact proxy, S3 and the
 * filesystem. The limit is enforced while the bytes stream in: as soon as the running total passes
 * it the source is cancelled and the read fails, so an endless or huge body never fills memory.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import type { DownloadLimit } from "./download-limit.js";

export { DEFAULT_MAX_DOWNLOAD_BYTES, resolveMaxBytes, type DownloadLimit } from "./download-limit.js";

/**
 * The error of a download over its limit: `RESOURCE_EXHAUSTED`, naming what was read, the limit
 * and the option that raises it.
 *
 * @example
 * ```ts
 * throw downloadTooLarge({ maxBytes: 1024, what: "s3://bucket/model.onnx", option: "the S3 store's maxBytes option" });
 * ```
 */
export function downloadTooLarge(limit: DownloadLimit, seen?: number): SentiMlopsError {
  const size = seen === undefined ? "more" : `${seen} bytes or more`;
  return new SentiMlopsError(
    "RESOURCE_EXHAUSTED",
    `${limit.what} is larger than the download limit of ${limit.maxBytes} bytes (read ${size}); ` +
      `raise it with ${limit.option} if the file is expected to be this large`,
    { component: limit.component ?? "adapters", details: { max_bytes: limit.maxBytes } },
  );
}

/** A web stream, a Node stream or any async iterable of byte chunks. */
type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Reads `source` whole, failing with {@link downloadTooLarge} as soon as more than
 * `limit.maxBytes` have arrived (the source is cancelled then; nothing more is read). A
 * `declaredLength` (an HTTP `Content-Length`, a file's size) over the limit fails before the
 * first read.
 *
 * @example
 * ```ts
 * const bytes = await readLimited(response.body, { maxBytes, what: url, option: "loadModel's maxBytes option" }, Number(response.headers.get("content-length")));
 * ```
 */
export async function readLimited(source: ByteSource | null | undefined, limit: DownloadLimit, declaredLength?: number): Promise<Uint8Array> {
  if (declaredLength !== undefined && Number.isFinite(declaredLength) && declaredLength > limit.maxBytes) {
    await cancel(source);
    throw downloadTooLarge(limit, declaredLength);
  }
  if (!source) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const iterator = iterate(source);
  try {
    for (;;) {
      const { done, value } = await iterator.next();
      if (done) break;
      total += value.byteLength;
      if (total > limit.maxBytes) throw downloadTooLarge(limit, total);
      chunks.push(value);
    }
  } catch (e) {
    await iterator.return?.(undefined).catch(() => undefined);
    throw e;
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** An async iterator over `source`'s chunks whose `return` cancels the source. */
function iterate(source: ByteSource): AsyncIterator<Uint8Array> {
  if (typeof (source as ReadableStream<Uint8Array>).getReader === "function") {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    return {
      next: async () => {
        const { done, value } = await reader.read();
        return done ? { done: true, value: undefined } : { done: false, value: toBytes(value) };
      },
      return: async () => {
        await reader.cancel().catch(() => undefined);
        return { done: true, value: undefined };
      },
    };
  }
  const inner = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  return {
    next: async () => {
      const step = await inner.next();
      return step.done ? { done: true, value: undefined } : { done: false, value: toBytes(step.value) };
    },
    return: async () => {
      await inner.return?.();
      return { done: true, value: undefined };
    },
  };
}

/** A plain `Uint8Array` (a view of a Node `Buffer`'s bytes, not the `Buffer`) for any chunk. */
const toBytes = (chunk: unknown): Uint8Array => {
  if (chunk instanceof Uint8Array) return chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk as ArrayBuffer);
};

async function cancel(source: ByteSource | null | undefined): Promise<void> {
  if (!source) return;
  if (typeof (source as ReadableStream<Uint8Array>).cancel === "function") await (source as ReadableStream<Uint8Array>).cancel().catch(() => undefined);
  else await (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]().return?.();
}
