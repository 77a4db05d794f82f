/**
 * The artifact backends every build has: the MLflow server's artifact proxy (`mlflow-artifacts:`)
 * and IndexedDB (`indexeddb://<database>/<path>`, browsers). Node adds `file` and `s3` in
 * `artifact-backends.node.ts`.
 *
 * @module
 */
import type { RestClientOptions } from "../mlflow/rest-client.js";
import type { ArtifactBackend } from "./artifact-resolver.js";
import { scopeByteStore, type ByteStore } from "./byte-store.js";
import type { IndexedDbByteStoreOptions } from "./indexeddb.js";
import { createMlflowArtifactsByteStore, parseMlflowArtifactsUri, type MlflowArtifactsByteStoreOptions } from "./mlflow-artifacts.js";
import { SentiMlopsError } from "../errors.js";

/**
 * A backend for `mlflow-artifacts:/…` URIs, reached through the artifact proxy of the MLflow
 * server at `trackingUri` (or of the host named in the URI, as MLflow allows). `options.maxBytes`
 * limits each download (default 2 GiB, see {@link MlflowArtifactsByteStoreOptions.maxBytes}).
 *
 * @example
 * ```ts
 * const backend = createMlflowArtifactsBackend("http://127.0.0.1:5000", { token });
 * const store = await backend.open("mlflow-artifacts:/1/0123…/artifacts");
 * ```
 */
export function createMlflowArtifactsBackend(trackingUri: string, options: RestClientOptions & Pick<MlflowArtifactsByteStoreOptions, "maxBytes"> = {}): ArtifactBackend {
  return {
    open(uri) {
      const { baseUrl, basePath } = parseMlflowArtifactsUri(uri, trackingUri);
      return createMlflowArtifactsByteStore({ ...options, trackingUri: baseUrl, basePath });
    },
  };
}

/**
 * A backend for `indexeddb://<database>/<path>` URIs: one IndexedDB byte store per database,
 * shared by every URI in it and closed when the backend is disposed.
 *
 * @example
 * ```ts
 * const backend = createIndexedDbArtifactBackend();
 * const store = await backend.open("indexeddb://senti/1/0123…/artifacts");
 * ```
 */
export function createIndexedDbArtifactBackend(options: Omit<IndexedDbByteStoreOptions, "dbName"> = {}): ArtifactBackend {
  const databases = new Map<string, Promise<ByteStore>>();
  return {
    async open(uri) {
      const match = /^indexeddb:\/\/([^/]+)\/*(.*)$/i.exec(uri);
      if (!match) {
        throw SentiMlopsError.invalidParameterValue(`Not an IndexedDB artifact URI: ${JSON.stringify(uri)}; expected indexeddb://<database>/<path>`, { component: "adapters" });
      }
      const dbName = decodeURIComponent(match[1]!);
      let store = databases.get(dbName);
      if (!store) {
        // The IndexedDB adapter (and idb-keyval) is imported when an indexeddb:// URI is first opened.
        store = import("./indexeddb.js").then(({ createIndexedDbByteStore }) => createIndexedDbByteStore({ ...options, dbName }));
        databases.set(dbName, store);
      }
      return scopeByteStore(await store, match[2]!.replace(/\/+$/, ""));
    },
    async dispose() {
      const stores = await Promise.all(databases.values());
      databases.clear();
      await Promise.all(stores.map((s) => s.dispose()));
    },
  };
}
