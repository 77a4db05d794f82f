/**
 * Building blocks that need Node.js: byte stores on the file system and S3, their artifact
 * backends, SQLite stores in MLflow's schema, worker threads for training and batch prediction,
 * and onnxruntime-node. (`senti-mlops` and `senti-mlops/tracking` already use them in Node.)
 *
 * @example
 * ```ts
 * import { createFsByteStore, createPredictPool } from "senti-mlops/node";
 * const store = createFsByteStore({ root: "./artifacts" });
 * const pool = await createPredictPool(model, { threads: 2 });
 * ```
 *
 * @module
 */
export { createFsByteStore, type FsByteStoreOptions } from "../adapters/fs.js";
export { createS3ByteStore, parseS3Uri, type S3ByteStoreOptions, type S3Location } from "../adapters/s3.js";
export { createFileArtifactBackend, createS3ArtifactBackend, type S3ArtifactBackendOptions } from "../adapters/artifact-backends.node.js";
export { openSqliteDatabase, parseSqliteUri, type OpenSqliteOptions, type SqliteUri } from "../adapters/sqlite.js";
export { openSqlStores, type OpenSqlStoreOptions } from "../tracking/stores/sql-store.node.js";
export { createWorkerParallelism, type WorkerParallelismOptions } from "../node/parallelism.js";
export { createWorkerLoss, type WorkerLossOptions } from "../node/worker-loss.js";
export { createPredictPool, type PredictPool, type PredictPoolOptions } from "../node/predict-pool.js";
export { importOnnxruntimeNode } from "../runtime/node/bert.js";
