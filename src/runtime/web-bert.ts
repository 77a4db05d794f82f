/**
 * What `senti-mlops/bert` supplies outside Node: onnxruntime-web (imported on first load) and an
 * IndexedDB cache for hub downloads, when IndexedDB exists.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import { createIndexedDbByteStore } from "../adapters/indexeddb.js";
import type { BertEnvironment } from "../bert/load-bert.js";
import type { OrtLike } from "../bert/ort-like.js";

/**
 * Imports onnxruntime-web, with an error naming the package when it is not installed.
 *
 * @example
 * ```ts
 * const ort = await importOnnxruntimeWeb();
 * ```
 */
export async function importOnnxruntimeWeb(): Promise<OrtLike> {
  try {
    const mod = (await import("onnxruntime-web")) as unknown as OrtLike & { default?: OrtLike };
    return typeof mod.InferenceSession?.create === "function" ? mod : mod.default!;
  } catch (e) {
    throw new SentiMlopsError(
      "NOT_IMPLEMENTED",
      `[senti-mlops] [bert] BERT models in the browser need the package onnxruntime-web: npm install onnxruntime-web (or pass options.runtime) (${(e as Error)?.message ?? e})`,
      { cause: e },
    );
  }
}

/**
 * The browser environment of the loader: onnxruntime-web, and the IndexedDB database `senti-mlops`
 * (object store `models`) as the cache of hub downloads. Local folders cannot be read.
 *
 * @example
 * ```ts
 * const model = await loadBertIn(WEB_BERT_ENVIRONMENT, "https://huggingface.co/org/model");
 * ```
 */
export const WEB_BERT_ENVIRONMENT: BertEnvironment = Object.freeze({
  runtime: importOnnxruntimeWeb,
  defaultCache: () =>
    (globalThis as { indexedDB?: unknown }).indexedDB ? createIndexedDbByteStore({ dbName: "senti-mlops", storeName: "models" }) : undefined,
});
