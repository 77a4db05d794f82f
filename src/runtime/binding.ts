/**
 * What differs between runtimes, supplied once per runtime: `runtime/node.ts` in Node and
 * `runtime/web.ts` in browsers (and every other JavaScript runtime). The public functions in
 * `src/api` import the binding of the runtime they run on as `#runtime`, a conditional import of
 * the package (`package.json` "imports": the `node` condition picks Node's binding, anything else
 * the web's), so each public function is defined once and never names a runtime.
 *
 * Each binding exports these names; `conformance.ts` checks both at compile time. They are separate
 * exports, not one object, so that a bundler keeps only the ones a page uses.
 *
 * @module
 */
import type { ArtifactStore } from "../adapters/artifact-store.js";
import type { BertEnvironment } from "../bert/load-bert.js";
import type { TfidfModel } from "../tfidf/model.js";
import type { TfidfParallelism } from "../tfidf/parallel.js";
import type { TrackingOptions } from "../tracking/client.js";

/**
 * Reading and writing model files by path, where the runtime has a file system.
 *
 * @example
 * ```ts
 * const files: ModelFiles = { readFile, openLocalFolder, writeModel };
 * ```
 */
export interface ModelFiles {
  /** Reads a model file; a missing file is `RESOURCE_DOES_NOT_EXIST`. */
  readFile(path: string): Promise<Uint8Array>;
  /** Opens a local folder as an artifact store, or `null` when `path` is not a folder. */
  openLocalFolder(path: string): Promise<ArtifactStore | null>;
  /** Writes a model file atomically. */
  writeModel(model: TfidfModel, path: string): Promise<void>;
}

/**
 * The exports of a runtime binding.
 *
 * @example
 * ```ts
 * type Check = Conforms<typeof import("./node.js")>;
 * ```
 */
export interface RuntimeBinding {
  /** `"node"` or `"web"`. */
  readonly RUNTIME: "node" | "web";
  /** Threads for `trainTfidf`, or `undefined` where there are none. */
  tfidfParallelism(threads: number | undefined): TfidfParallelism | undefined;
  /** Model files by path, or `undefined` where there is no file system. */
  readonly modelFiles: ModelFiles | undefined;
  /** The ONNX Runtime, local folders and download cache of `loadBert`. */
  readonly bertEnvironment: BertEnvironment;
  /** What `createTracking` adds here: stores for more URI schemes, artifact backends, the user. */
  trackingDefaults(options: TrackingOptions): TrackingOptions;
}

/**
 * Compiles only when `T` (a binding module's type) has every export of {@link RuntimeBinding}.
 *
 * @example
 * ```ts
 * type Check = Conforms<typeof import("./web.js")>;
 * ```
 */
export type Conforms<T extends RuntimeBinding> = T;
