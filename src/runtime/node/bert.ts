/**
 * What `senti-mlops/bert` supplies in Node: onnxruntime-node (imported on first load), local
 * folders through the fs byte store, and an on-disk cache for hub downloads.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { importOptionalPeer, type OptionalPeer } from "../../optional-peer.js";
import { createFsByteStore } from "../../adapters/fs.js";
import { defaultCacheDir } from "../../data/cache.js";
import type { BertEnvironment, LocalBertFolder } from "../../bert/load-bert.js";
import type { OrtLike } from "../../bert/ort-like.js";

const PEER: OptionalPeer = { name: "onnxruntime-node", feature: "BERT models in Node", component: "bert", alternative: "or pass options.runtime" };

/**
 * Imports onnxruntime-node, with an error naming the package when it is not installed.
 *
 * @example
 * ```ts
 * const ort = await importOnnxruntimeNode();
 * ```
 */
export async function importOnnxruntimeNode(): Promise<OrtLike> {
  const mod = (await importOptionalPeer(PEER, () => import("onnxruntime-node"))) as unknown as OrtLike & { default?: OrtLike };
  return typeof mod.InferenceSession?.create === "function" ? mod : mod.default!;
}

/**
 * Opens a local folder (a path or `file:` URL) as a byte store plus its absolute path (so
 * onnxruntime-node opens the ONNX model by path), or `null` when it is not a folder.
 *
 * @example
 * ```ts
 * const folder = await openLocalBertFolder("./bert-tiny-sst2"); // { store, root: "/home/me/bert-tiny-sst2" }
 * ```
 */
export async function openLocalBertFolder(path: string): Promise<LocalBertFolder | null> {
  const root = resolve(path.startsWith("file:") ? fileURLToPath(path) : path);
  const isFolder = await stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isFolder ? { store: createFsByteStore({ root }), root } : null;
}

/**
 * The Node environment of the loader: onnxruntime-node, local folders, and the cache folder
 * `$SENTI_MLOPS_CACHE/models` (else `$XDG_CACHE_HOME/senti-mlops/models`, else
 * `~/.cache/senti-mlops/models`), read from the environment at each load.
 *
 * @example
 * ```ts
 * const model = await loadBertWith(bertEnvironment, "./bert-tiny-sst2");
 * ```
 */
export const bertEnvironment: BertEnvironment = /* @__PURE__ */ Object.freeze({
  runtime: importOnnxruntimeNode,
  openLocalFolder: openLocalBertFolder,
  defaultCache: () => createFsByteStore({ root: defaultCacheDir("models") }),
});
