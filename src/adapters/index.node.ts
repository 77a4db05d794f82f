/**
 * `senti-mlops/adapters` in Node: the universal adapters plus the filesystem (atomic writes) and S3
 * (AWS SDK v3, an optional peer dependency loaded on first use).
 *
 * @example
 * ```ts
 * import { createArtifactStore, createS3ByteStore } from "senti-mlops/adapters";
 * const store = createS3ByteStore({ bucket: "mlflow", prefix: "artifacts", endpoint: "http://127.0.0.1:9000", forcePathStyle: true });
 * const artifacts = createArtifactStore(store, { uri: "s3://mlflow/artifacts" });
 * ```
 *
 * @module
 */
export * from "./index.js";
export { createFsByteStore, type FsByteStoreOptions } from "./fs.js";
export { createS3ByteStore, parseS3Uri, type S3ByteStoreOptions, type S3Location } from "./s3.js";
export { createFileArtifactBackend, createS3ArtifactBackend, type S3ArtifactBackendOptions } from "./artifact-backends.node.js";
