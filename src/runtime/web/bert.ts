/**
 * What `senti-mlops/bert` supplies outside Node: onnxruntime-web (imported on first load) and an
 * IndexedDB cache for hub downloads, when IndexedDB exists.
 *
 * @module
 */
import { importOptionalPeer, type OptionalPeer } from "../../optional-peer.js";
import { createIndexedDbByteStore } from "../../adapters/indexeddb.js";
import type { BertEnvironment } from "../../bert/load-bert.js";
import type { OrtLike } from "../../bert/ort-like.js";

const PEER: OptionalPeer = { name: "onnxruntime-web", feature: "BERT models in browsers", component: "bert", alternative: "or pass options.runtime" };

/**
 * Imports onnxruntime-web, with an error naming the package when it is not installed.
 *
 * @example
 * ```ts
 * const ort = await importOnnxruntimeWeb();
 * ```
 */
export async function importOnnxruntimeWeb(): Promise<OrtLike> {
  const mod = (await importOptionalPeer(PEER, () => import("onnxruntime-web"))) as unknown as OrtLike & { default?: OrtLike };
  return typeof mod.InferenceSession?.create === "function" ? mod : mod.default!;
}

/**
 * The browser environment of the loader: onnxruntime-web, and the IndexedDB database `senti-mlops`
 * (object store `models`) as the cache of hub downloads. Local folders cannot be read.
 *
 * @example
 * ```ts
 * const model = await loadBertWith(bertEnvironment, "https://huggingface.co/org/model");
 * ```
 */
export const bertEnvironment: BertEnvironment = /* @__PURE__ */ Object.freeze({
  runtime: importOnnxruntimeWeb,
  defaultCache: () =>
    (globalThis as { indexedDB?: unknown }).indexedDB ? createIndexedDbByteStore({ dbName: "senti-mlops", storeName: "models" }) : undefined,
});
