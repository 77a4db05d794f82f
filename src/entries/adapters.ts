/**
 * Storage adapters: byte stores (get/put/has/delete/list by key) and MLflow's artifact semantics on
 * top of any of them. This entry holds the universal ones — memory, IndexedDB, the MLflow server's
 * artifact proxy; in Node it adds the filesystem and S3.
 *
 * @example
 * ```ts
 * import { createArtifactStore, createIndexedDbByteStore } from "senti-mlops/adapters";
 * const artifacts = createArtifactStore(createIndexedDbByteStore({ dbName: "senti" }), { uri: "indexeddb://senti" });
 * await artifacts.writeArtifact("models/tfidf/model.senti", bytes);
 * ```
 *
 * @module
 */
export { normalizeKey, normalizePrefix, scopeByteStore, withGuards } from "../adapters/byte-store.js";
export type { ByteStore, ByteStoreEntry } from "../adapters/byte-store.js";
export { createMemoryByteStore } from "../adapters/memory.js";
export { createIndexedDbByteStore, type IndexedDbByteStoreOptions } from "../adapters/indexeddb.js";
export { DEFAULT_MAX_DOWNLOAD_BYTES } from "../mlflow/read-limited.js";
export {
  MLFLOW_ARTIFACTS_MAX_LIST_DEPTH,
  createMlflowArtifactsByteStore,
  parseMlflowArtifactsUri,
  type MlflowArtifactsByteStoreOptions,
  type MlflowArtifactsLocation,
} from "../adapters/mlflow-artifacts.js";
export { createArtifactStore, type ArtifactStore, type ArtifactStoreOptions, type ArtifactInfo, type ArtifactFile } from "../adapters/artifact-store.js";
export {
  artifactUriScheme,
  createArtifactResolver,
  createMemoryArtifactBackend,
  joinArtifactUri,
  type ArtifactBackend,
  type ArtifactResolver,
  type ArtifactResolverOptions,
} from "../adapters/artifact-resolver.js";
export { createIndexedDbArtifactBackend, createMlflowArtifactsBackend } from "../adapters/artifact-backends.js";
