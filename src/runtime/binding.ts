/**
 * What differs between runtimes, supplied once per runtime: `runtime/node/` in Node and
 * `runtime/web/` in browsers (and every other JavaScript runtime), one small module per feature
 * (`threads`, `model-files`, `bert`, `tracking`) so that a page loads only the parts it uses — a
 * TF-IDF page never reaches the BERT environment and its ONNX Runtime. The public functions in
 * `src/api` import them as `#runtime/<feature>`, a conditional import of the package
 * (`package.json` "imports": the `node` condition picks Node's module, anything else the web's),
 * so each public function is defined once and never names a runtime.
 *
 * `conformance.ts` checks at compile time that both bindings export what {@link RuntimeBinding} names.
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
  /** Reads a model file, at most `options.maxBytes` of it; a missing file is `RESOURCE_DOES_NOT_EXIST`. */
  readFile(path: string, options?: { maxBytes?: number }): Promise<Uint8Array>;
  /** Opens a local folder as an artifact store (at most `options.maxBytes` per file), or `null` when `path` is not a folder. */
  openLocalFolder(path: string, options?: { maxBytes?: number }): Promise<ArtifactStore | null>;
  /** Writes a model file atomically. */
  writeModel(model: TfidfModel, path: string): Promise<void>;
}

/**
 * What each module of a binding exports, by feature: `threads`, `model-files`, `bert`, `tracking`.
 *
 * @example
 * ```ts
 * type Check = Conforms<typeof import("./node/threads.js"), "threads">;
 * ```
 */
export interface RuntimeBinding {
  threads: {
    /** Threads for `trainTfidf`, or `undefined` where there are none. */
    tfidfParallelism(threads: number | undefined): TfidfParallelism | undefined;
  };
  "model-files": {
    /** Model files by path, or `undefined` where there is no file system. */
    readonly modelFiles: ModelFiles | undefined;
  };
  bert: {
    /** The ONNX Runtime, local folders and download cache of `loadBert`. */
    readonly bertEnvironment: BertEnvironment;
  };
  tracking: {
    /** What `createTracking` adds here: stores for more URI schemes, artifact backends, the user. */
    trackingDefaults(options: TrackingOptions): TrackingOptions;
  };
}

/**
 * Compiles only when `T` (the type of a binding's module for `feature`) exports everything
 * {@link RuntimeBinding} names for that feature.
 *
 * @example
 * ```ts
 * type Check = Conforms<typeof import("./web/bert.js"), "bert">;
 * ```
 */
export type Conforms<T extends RuntimeBinding[F], F extends keyof RuntimeBinding> = T;
