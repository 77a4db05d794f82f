/**
 * `loadModel`: read a saved model from bytes, a URL or (in Node) a file path.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import { decodeTfidfModel } from "../tfidf/model-format.js";
import type { SentimentModel } from "../types.js";

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** The `fetch` used for http(s) URLs. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Reads a local file; the Node entry of the package supplies one. */
  readFile?: (path: string) => Promise<Uint8Array>;
  /** Aborts a download. */
  signal?: AbortSignal;
}

/** Where a model can be loaded from. */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer;

/**
 * Decodes model bytes, recognizing the format by its magic bytes.
 *
 * @example
 * ```ts
 * const model = decodeModel(bytes);
 * ```
 */
export function decodeModel(bytes: Uint8Array): SentimentModel {
  return decodeTfidfModel(bytes);
}

async function download(url: string, options: LoadModelOptions): Promise<Uint8Array> {
  const doFetch = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await doFetch(url, { signal: options.signal });
  } catch (e) {
    throw new SentiMlopsError("TEMPORARILY_UNAVAILABLE", `[senti-mlops] [models] could not fetch ${url}: ${(e as Error).message}`, { cause: e });
  }
  if (response.status === 404) throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `[senti-mlops] [models] no model at ${url} (HTTP 404)`);
  if (!response.ok) {
    throw new SentiMlopsError("TEMPORARILY_UNAVAILABLE", `[senti-mlops] [models] fetching ${url} failed with HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Loads a saved model: from bytes, an http(s) URL, or a file path (Node).
 * `runs:/` and `models:/` URIs are resolved through a tracking client (see the registry docs).
 *
 * @throws {SentiMlopsError} `RESOURCE_DOES_NOT_EXIST` for a missing file or URL; the errors of
 * {@link decodeTfidfModel} for a bad file.
 *
 * @example
 * ```ts
 * const model = await loadModel("./model.bin");            // Node
 * const same = await loadModel("https://example.org/model.bin");
 * await predict(model, ["Great movie!"]);
 * ```
 */
export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<SentimentModel> {
  if (source instanceof Uint8Array) return decodeModel(source);
  if (source instanceof ArrayBuffer) return decodeModel(new Uint8Array(source));
  const text = source instanceof URL ? source.href : source;
  if (typeof text !== "string" || text.length === 0) {
    throw SentiMlopsError.invalidParameterValue(`model source must be a path, URL or bytes, got ${describeType(source)}`);
  }
  if (/^https?:\/\//i.test(text)) return decodeModel(await download(text, options));
  if (/^(runs|models):\//.test(text)) {
    throw new SentiMlopsError("NOT_IMPLEMENTED", `[senti-mlops] [models] resolving ${text} needs the model registry, which this version does not include yet`);
  }
  const path = text.startsWith("file://") ? decodeURIComponent(new URL(text).pathname) : text;
  if (!options.readFile) {
    throw new SentiMlopsError(
      "NOT_IMPLEMENTED",
      `[senti-mlops] [models] cannot read the file ${path} here: pass the model's bytes or a URL (file paths need Node.js)`,
    );
  }
  return decodeModel(await options.readFile(path));
}
