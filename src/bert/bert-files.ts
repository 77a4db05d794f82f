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
  /** Releases what the reader holds open (stores it owns). */
  dispose(): Promise<void>;
}

/**
 * Reads model files from a byte store whose keys are paths in the model folder.
 *
 * @example
 * ```ts
 * const files = bertFilesFromByteStore(createFsByteStore({ root: "./bert-tiny-sst2" }), { source: "./bert-tiny-sst2", owns: true });
 * ```
 */
export function bertFilesFromByteStore(store: ByteStore, options: { source: string; owns?: boolean }): BertFiles {
  return {
    source: options.source,
    read: (path) => store.get(path),
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
