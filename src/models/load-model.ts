/**
 * `loadModel`: read a saved model from bytes, a URL or (in Node) a file path.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import { readLimited, resolveMaxBytes } from "../mlflow/read-limited.js";
import { artifactUriScheme } from "../adapters/artifact-resolver.js";
import type { ArtifactStore } from "../adapters/artifact-store.js";
import { resolveAgainstDocument } from "../adapters/document-url.js";
import { decodeTfidfModel } from "../tfidf/model-format.js";
import type { SentimentModel } from "../types.js";
import type { ModelCodec } from "./model-codec.js";
import { readModelFolder } from "./model-folder.js";
import { resolveArtifactUri } from "./model-uri.js";
import type { ModelStoreContext } from "../tracking/model-logging.js";

/**
 * Options of {@link loadModel}.
 *
 * @example
 * ```ts
 * const options: LoadModelOptions = { tracking, signal: AbortSignal.timeout(30_000) };
 * ```
 */
export interface LoadModelOptions {
  /** The `fetch` used for http(s) URLs. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Aborts a download. */
  signal?: AbortSignal;
  /**
   * Resolves `runs:/…` and `models:/…` URIs and opens artifact URIs (`mlflow-artifacts:/…`,
   * `s3://…`, `indexeddb://…`): a client from `createTracking`.
   */
  tracking?: ModelStoreContext;
  /** Model kinds that can be read. @default TF-IDF and BERT */
  codecs?: readonly ModelCodec[];
  /**
   * The most bytes read for a model from an http(s) URL, a local file or a local model folder's
   * files; a larger body or file fails with `RESOURCE_EXHAUSTED`, checked while the bytes stream
   * in (the download is cancelled as soon as the total passes the limit). Only regular files are
   * read (`/dev/zero`, a FIFO: `INVALID_PARAMETER_VALUE`). Artifact URIs (`runs:/`, `models:/`,
   * `s3://`, `mlflow-artifacts:/`) are read by the tracking client's artifact stores, whose own
   * `maxBytes` option has the same default. 2 GiB fits the largest model senti-mlops handles (BERT
   * base in fp32, about 440 MB).
   * @default 2147483648 (2 GiB)
   */
  maxBytes?: number;
}

/**
 * Where a model can be loaded from: its bytes (`Uint8Array`, `ArrayBuffer`, or a `Blob`/`File` such
 * as an `<input type="file">` gives), an http(s) URL, a URL relative to the page (in browsers and
 * workers), a file path or model folder (Node), or with `tracking` a `runs:/`, `models:/` or
 * artifact URI.
 *
 * @example
 * ```ts
 * const sources: ModelSource[] = ["./model.bin", "https://example.org/model.bin", "models:/sentiment-tfidf@champion", fileInput.files![0]!];
 * ```
 */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer | Blob;

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
    throw new SentiMlopsError("TEMPORARILY_UNAVAILABLE", `could not fetch ${url}: ${(e as Error).message}`, { cause: e, component: "models" });
  }
  if (response.status === 404) throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `no model at ${url} (HTTP 404)`, { component: "models" });
  if (!response.ok) {
    throw new SentiMlopsError("TEMPORARILY_UNAVAILABLE", `fetching ${url} failed with HTTP ${response.status}`, { component: "models" });
  }
  const length = response.headers.get("content-length");
  const limit = { maxBytes: resolveMaxBytes(options.maxBytes, "maxBytes", "models"), what: url, option: "the maxBytes option of loadModel", component: "models" } as const;
  return readLimited(response.body, limit, length === null ? undefined : Number(length));
}

/**
 * How a runtime reads local model files (Node supplies both; browsers neither).
 *
 * @example
 * ```ts
 * const local: LocalModelFiles = { readFile, openLocalFolder };
 * ```
 */
export interface LocalModelFiles {
  /** Reads a local file, at most `options.maxBytes` of it. */
  readFile?: (path: string, options?: { maxBytes?: number }) => Promise<Uint8Array>;
  /**
   * Opens a local folder as an artifact store reading at most `options.maxBytes` per file, or
   * `null` when the path is not a folder.
   */
  openLocalFolder?: (path: string, options?: { maxBytes?: number }) => Promise<ArtifactStore | null>;
}

/**
 * The core of `loadModel`, given how the runtime reads local files.
 *
 * @example
 * ```ts
 * const model = await loadModelWith({}, "https://example.org/model.bin", { codecs });
 * ```
 */
export async function loadModelWith(local: LocalModelFiles, source: ModelSource, options: LoadModelOptions = {}): Promise<SentimentModel> {
  if (source instanceof Uint8Array) return decodeModel(source);
  if (source instanceof ArrayBuffer) return decodeModel(new Uint8Array(source));
  if (typeof Blob !== "undefined" && source instanceof Blob) return decodeModel(new Uint8Array(await source.arrayBuffer()));
  const text = source instanceof URL ? source.href : source;
  if (typeof text !== "string" || text.length === 0) {
    throw SentiMlopsError.invalidParameterValue(`model source must be a path, URL or bytes, got ${describeType(source)}`, { component: "models" });
  }
  if (/^https?:\/\//i.test(text)) return decodeModel(await download(text, options));
  const scheme = artifactUriScheme(text);
  if (scheme === "file" && !local.readFile && !local.openLocalFolder && !/^file:/i.test(text)) {
    // A runtime without local files (a page, a worker): a relative string is a URL relative to the
    // document, as fetch() and <img src> read it.
    const url = resolveAgainstDocument(text);
    if (url !== undefined) return decodeModel(await download(url, options));
  }
  if (scheme !== "file") {
    const tracking = options.tracking;
    if (!tracking) {
      throw SentiMlopsError.invalidParameterValue(
        `loading ${text} needs a tracking client: loadModel(${JSON.stringify(text)}, { tracking: await createTracking(uri) })`,
        { component: "models" },
      );
    }
    const uri = await resolveArtifactUri(tracking, text);
    if (artifactUriScheme(uri) === "file" && local.openLocalFolder) {
      const folder = await local.openLocalFolder(uri, { maxBytes: options.maxBytes });
      if (folder) return readFolder(folder, options);
    }
    return readFolder(await tracking.openArtifacts(uri), options);
  }
  if (local.openLocalFolder) {
    const folder = await local.openLocalFolder(text, { maxBytes: options.maxBytes });
    if (folder) {
      if ((await folder.readArtifact("MLmodel")) === null) {
        await folder.dispose();
        throw SentiMlopsError.invalidParameterValue(
          `${text} is a directory, but not an MLflow model folder (it has no MLmodel file)`,
          { component: "models" },
        );
      }
      return readFolder(folder, options);
    }
  }
  const path = text.startsWith("file://") ? decodeURIComponent(new URL(text).pathname) : text;
  if (!local.readFile) {
    throw new SentiMlopsError(
      "NOT_IMPLEMENTED",
      `cannot read the file ${path} here: pass the model's bytes or a URL (file paths need Node.js)`,
      { component: "models" },
    );
  }
  return decodeModel(await local.readFile(path, { maxBytes: options.maxBytes }));
}

async function readFolder(folder: ArtifactStore, options: LoadModelOptions): Promise<SentimentModel> {
  try {
    return await readModelFolder(folder, { codecs: options.codecs });
  } finally {
    await folder.dispose();
  }
}
