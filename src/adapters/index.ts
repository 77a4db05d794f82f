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
export { normalizeKey, normalizePrefix, scopeByteStore, withGuards } from "./byte-store.js";
export type { ByteStore, ByteStoreEntry } from "./byte-store.js";
export { createMemoryByteStore } from "./memory.js";
export { createIndexedDbByteStore, type IndexedDbByteStoreOptions } from "./indexeddb.js";
export {
  createMlflowArtifactsByteStore,
  parseMlflowArtifactsUri,
  type MlflowArtifactsByteStoreOptions,
  type MlflowArtifactsLocation,
} from "./mlflow-artifacts.js";
export { createArtifactStore, type ArtifactStore, type ArtifactStoreOptions, type ArtifactInfo, type ArtifactFile } from "./artifact-store.js";
export {
  artifactUriScheme,
  createArtifactResolver,
  createMemoryArtifactBackend,
  joinArtifactUri,
  type ArtifactBackend,
  type ArtifactResolver,
  type ArtifactResolverOptions,
} from "./artifact-resolver.js";
export { createIndexedDbArtifactBackend, createMlflowArtifactsBackend } from "./artifact-backends.js";
