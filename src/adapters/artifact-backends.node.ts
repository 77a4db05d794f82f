/**
 * Artifact backends that need Node.js: local folders (`file://` URIs and absolute paths) and S3
 * (`s3://bucket/prefix`, AWS SDK v3 loaded lazily).
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ArtifactBackend } from "./artifact-resolver.js";
import { scopeByteStore, type ByteStore } from "./byte-store.js";
import { createFsByteStore, type FsByteStoreOptions } from "./fs.js";
import { createS3ByteStore, parseS3Uri, type S3ByteStoreOptions } from "./s3.js";

/**
 * A backend for local artifact locations: `file:///srv/mlruns/…`, `/srv/mlruns/…`, and relative
 * paths (resolved against the working directory, as MLflow's `resolve_uri_if_local` does).
 * `options.maxBytes` limits each read (default 2 GiB, see {@link FsByteStoreOptions.maxBytes}).
 *
 * @example
 * ```ts
 * const store = await createFileArtifactBackend().open("file:///srv/mlruns/1/0123…/artifacts");
 * ```
 */
export function createFileArtifactBackend(options: Pick<FsByteStoreOptions, "maxBytes"> = {}): ArtifactBackend {
  return {
    open(uri) {
      const path = /^file:/i.test(uri) ? fileURLToPath(uri) : isAbsolute(uri) ? uri : resolve(uri);
      return createFsByteStore({ root: path, maxBytes: options.maxBytes });
    },
  };
}

/**
 * Options of {@link createS3ArtifactBackend}: the S3 store's client options, for every bucket.
 *
 * @example
 * ```ts
 * const options: S3ArtifactBackendOptions = { region: "eu-west-1", forcePathStyle: true };
 * const backend = createS3ArtifactBackend(options);
 * ```
 */
export type S3ArtifactBackendOptions = Omit<S3ByteStoreOptions, "bucket" | "prefix">;

/**
 * A backend for `s3://bucket/prefix` URIs: one S3 byte store (and client) per bucket, shared by
 * every URI in it. Without a `client`, one is built from `region`, `endpoint`, `forcePathStyle`,
 * `credentials` or the AWS SDK's default chain (`AWS_ACCESS_KEY_ID`, profiles, …); MLflow's
 * `MLFLOW_S3_ENDPOINT_URL` is honoured when no endpoint is given.
 *
 * @example
 * ```ts
 * const backend = createS3ArtifactBackend({ endpoint: "http://127.0.0.1:9000", forcePathStyle: true });
 * const store = await backend.open("s3://mlflow/1/0123…/artifacts");
 * ```
 */
export function createS3ArtifactBackend(options: S3ArtifactBackendOptions = {}): ArtifactBackend {
  const buckets = new Map<string, ByteStore>();
  const endpoint = options.endpoint ?? process.env.MLFLOW_S3_ENDPOINT_URL;
  return {
    open(uri) {
      const { bucket, prefix } = parseS3Uri(uri);
      let store = buckets.get(bucket);
      if (!store) {
        store = createS3ByteStore({ ...options, ...(endpoint ? { endpoint, forcePathStyle: options.forcePathStyle ?? true } : {}), bucket });
        buckets.set(bucket, store);
      }
      return scopeByteStore(store, prefix);
    },
    async dispose() {
      await Promise.all([...buckets.values()].map((s) => s.dispose()));
      buckets.clear();
    },
  };
}
