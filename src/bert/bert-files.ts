/**
 * Where a BERT model's files come from: a folder (a byte store), an artifact store (a logged
 * model), or a model hub (see `hub-files.ts`). Each is a {@link BertFiles}: read a file by its path
 * in the Hugging Face folder layout.
 *
 * @module
 */
import type { ArtifactStore } from "../adapters/artifact-store.js";
import type { ByteStore } from "../adapters/byte-store.js";

/**
 * A model folder in the Hugging Face layout, read file by file.
 *
 * @example
 * ```ts
 * const files: BertFiles = bertFilesFromByteStore(createMemoryByteStore(), { source: "memory" });
 * await files.read("config.json"); // Uint8Array, or null when the folder has no such file
 * await files.dispose();
 * ```
 */
export interface BertFiles {
  /** Where the files are (a path, URL or URI), for messages. */
  readonly source: string;
  /** The bytes of the file at `path` (`config.json`, `onnx/model.onnx`, …), or `null` when there is none. */
  read(path: string): Promise<Uint8Array | null>;
  /**
   * Whether there is a file at `path`, without reading it. Set for byte stores; the loader asks it
   * before handing a {@link BertFiles.localPath} to the runtime.
   */
  has?(path: string): Promise<boolean>;
  /**
   * The path on this machine of the file at `path`, for a runtime that opens files itself
   * (onnxruntime-node reads the ONNX model from its path instead of from bytes held in JavaScript);
   * `undefined` when the files are not a local folder. Set only for local folders in Node: hub
   * downloads, artifact stores and the browser give none. The file may not exist: see
   * {@link BertFiles.has}.
   */
  localPath?(path: string): string | undefined;
  /**
   * Why `read(path)` found no file, when the reader knows more than "absent": a URL reader gives the
   * request and its HTTP status (`GET https://…/config.json → 404`). The loader adds it to its message.
   */
  whyMissing?(path: string): string | undefined;
  /** Releases what the reader holds open (stores it owns). */
  dispose(): Promise<void>;
}

/**
 * Options of {@link bertFilesFromByteStore}.
 *
 * @example
 * ```ts
 * const options: BertByteStoreOptions = { source: "./bert-tiny-sst2", owns: true, localRoot: "/models/bert-tiny-sst2" };
 * ```
 */
export interface BertByteStoreOptions {
  /** Where the files are, for messages. */
  source: string;
  /** Whether disposing the files disposes the store. @default false */
  owns?: boolean;
  /**
   * The folder on this machine the store's keys are files of (an fs byte store's root), when the
   * runtime may open them by path: gives the files a {@link BertFiles.localPath}.
   */
  localRoot?: string;
}

/**
 * Reads model files from a byte store whose keys are paths in the model folder.
 *
 * @example
 * ```ts
 * const root = "/models/bert-tiny-sst2";
 * const files = bertFilesFromByteStore(createFsByteStore({ root }), { source: root, owns: true, localRoot: root });
 * files.localPath?.("onnx/model.onnx"); // "/models/bert-tiny-sst2/onnx/model.onnx"
 * ```
 */
export function bertFilesFromByteStore(store: ByteStore, options: BertByteStoreOptions): BertFiles {
  const root = options.localRoot;
  return {
    source: options.source,
    read: (path) => store.get(path),
    has: (path) => store.has(path),
    ...(root
      ? {
          // Only plain relative keys: anything else is left to the store's own key checks (bytes).
          localPath: (path: string): string | undefined =>
            path === "" || path.startsWith("/") || path.includes("\\") || path.split("/").some((s) => s === "" || s === "." || s === "..")
              ? undefined
              : root.endsWith("/") || root.endsWith("\\")
                ? `${root}${path}`
                : `${root}/${path}`,
        }
      : {}),
    dispose: async () => {
      if (options.owns) await store.dispose();
    },
  };
}

/**
 * Reads model files from an artifact store rooted at the model folder (a logged model's
 * artifacts).
 *
 * @example
 * ```ts
 * const files = bertFilesFromArtifacts(await tracking.openArtifacts(uri), { source: uri, owns: true });
 * ```
 */
export function bertFilesFromArtifacts(artifacts: ArtifactStore, options: { source: string; owns?: boolean }): BertFiles {
  return {
    source: options.source,
    read: (path) => artifacts.readArtifact(path),
    dispose: async () => {
      if (options.owns) await artifacts.dispose();
    },
  };
}
