/**
 * `loadModel`: read a saved model from bytes, a URL or (in Node) a file path.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import { artifactUriScheme } from "../adapters/artifact-resolver.js";
import type { ArtifactStore } from "../adapters/artifact-store.js";
import { decodeTfidfModel } from "../tfidf/model-format.js";
import type { SentimentModel } from "../types.js";
import type { ModelCodec } from "./model-codec.js";
import { readModelFolder } from "./model-folder.js";
import { resolveArtifactUri, type ModelStoreContext } from "./model-uri.js";

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** The `fetch` used for http(s) URLs. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Reads a local file; the Node entry of the package supplies one. */
  readFile?: (path: string) => Promise<Uint8Array>;
  /** Aborts a download. */
  signal?: AbortSignal;
  /**
   * Resolves `runs:/…` and `models:/…` URIs and opens artifact URIs (`mlflow-artifacts:/…`,
   * `s3://…`, `indexeddb://…`): a client from `createTracking`.
   */
  tracking?: ModelStoreContext;
  /** Opens a local folder as an artifact store when `source` is one (the Node entry supplies it). */
  openLocalFolder?: (path: string) => Promise<ArtifactStore | null>;
  /** Model kinds that can be read. @default the TF-IDF codec */
  codecs?: readonly ModelCodec[];
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
 * Loads a saved model: from bytes, an http(s) URL, a file path or a model folder (Node), or — with
 * `options.tracking` — a `runs:/<id>/<path>`, `models:/<name>/<version>`, `models:/<name>@<alias>`,
 * `models:/<name>/<stage>` URI or an artifact URI, resolved as MLflow resolves them. Model folders
 * are verified against the checksums in their `MLmodel` file.
 *
 * @throws {SentiMlopsError} `RESOURCE_DOES_NOT_EXIST` for a missing file or URL; the errors of
 * {@link decodeTfidfModel} for a bad file.
 *
 * @example
 * ```ts
 * const model = await loadModel("./model.bin");            // Node
 * const same = await loadModel("https://example.org/model.bin");
 * const champion = await loadModel("models:/sentiment-tfidf@champion", { tracking });
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
  const scheme = artifactUriScheme(text);
  if (scheme !== "file") {
    const tracking = options.tracking;
    if (!tracking) {
      throw SentiMlopsError.invalidParameterValue(
        `[senti-mlops] [models] loading ${text} needs a tracking client: loadModel(${JSON.stringify(text)}, { tracking: await createTracking(uri) })`,
      );
    }
    const uri = await resolveArtifactUri(tracking, text);
    if (artifactUriScheme(uri) === "file" && options.openLocalFolder) {
      const folder = await options.openLocalFolder(uri);
      if (folder) return readFolder(folder, options);
    }
    return readFolder(await tracking.openArtifacts(uri), options);
  }
  if (options.openLocalFolder) {
    const folder = await options.openLocalFolder(text);
    if (folder) {
      if ((await folder.readArtifact("MLmodel")) === null) {
        await folder.dispose();
        throw SentiMlopsError.invalidParameterValue(
          `[senti-mlops] [models] ${text} is a directory, but not an MLflow model folder (it has no MLmodel file)`,
        );
      }
      return readFolder(folder, options);
    }
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

async function readFolder(folder: ArtifactStore, options: LoadModelOptions): Promise<SentimentModel> {
  try {
    return await readModelFolder(folder, { codecs: options.codecs });
  } finally {
    await folder.dispose();
  }
}
