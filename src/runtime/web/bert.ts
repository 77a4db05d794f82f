/**
 * What `senti-mlops/bert` supplies outside Node: onnxruntime-web's WebAssembly build (imported on
 * first load, then started once per page with the load's `threads` and `wasmPaths`), and an
 * IndexedDB cache for downloads, when IndexedDB exists.
 *
 * @module
 */
import { importOptionalPeer, type OptionalPeer } from "../../optional-peer.js";
import { createIndexedDbByteStore } from "../../adapters/indexeddb.js";
import type { BertEnvironment, BertRuntimeRequest } from "../../bert/load-bert.js";
import type { OrtLike } from "../../bert/ort-like.js";
import type { OrtWebLike } from "../../bert/ort-web.js";

const PEER: OptionalPeer = { name: "onnxruntime-web", feature: "BERT models in browsers", component: "bert", alternative: "or pass options.runtime" };

/**
 * Imports onnxruntime-web's WebAssembly build (`onnxruntime-web/wasm`: the CPU runtime, without
 * WebGPU), with an error naming the package when it is not installed. It is imported lazily, so
 * that bundlers put it in a chunk of its own: its worker threads run that chunk.
 *
 * @example
 * ```ts
 * const ort = await importOnnxruntimeWeb();
 * ```
 */
export async function importOnnxruntimeWeb(): Promise<OrtWebLike> {
  const mod = (await importOptionalPeer(PEER, () => import("onnxruntime-web/wasm"))) as unknown as OrtWebLike & { default?: OrtWebLike };
  return typeof mod.InferenceSession?.create === "function" ? mod : mod.default!;
}

/**
 * onnxruntime-web, started for `request`: the first load of the page sets its thread count and
 * file folder and starts it (see `startOnnxruntimeWeb`); later loads check theirs against it.
 *
 * @example
 * ```ts
 * const ort = await onnxruntimeWebFor({ threads: 2, wasmPaths: "/ort/" });
 * ```
 */
export async function onnxruntimeWebFor(request: BertRuntimeRequest): Promise<OrtLike> {
  const ort = await importOnnxruntimeWeb();
  const { startOnnxruntimeWeb } = await import("../../bert/ort-web.js");
  await startOnnxruntimeWeb(ort, request);
  return ort;
}

/**
 * The browser environment of the loader: onnxruntime-web's WebAssembly build, batches cut by
 * length more finely than in Node (a WebAssembly call costs about 4 tokens of work on one thread,
 * 16 on more), and the IndexedDB database `senti-mlops` (object store `models`) as the cache of
 * downloads. Local folders cannot be read.
 *
 * @example
 * ```ts
 * const model = await loadBertWith(bertEnvironment, "https://huggingface.co/org/model");
 * ```
 */
export const bertEnvironment: BertEnvironment = /* @__PURE__ */ Object.freeze({
  runtime: onnxruntimeWebFor,
  callCostTokens: (runtime: OrtLike) => ((runtime as Partial<OrtWebLike>).env?.wasm?.numThreads ?? 1) > 1 ? 16 : 4,
  defaultCache: () =>
    (globalThis as { indexedDB?: unknown }).indexedDB ? createIndexedDbByteStore({ dbName: "senti-mlops", storeName: "models" }) : undefined,
});
