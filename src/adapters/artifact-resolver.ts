/**
 * From an artifact URI to the adapter that holds it, as MLflow picks an artifact repository from a
 * run's `artifact_uri`: `mlflow-artifacts:/…` (the server's proxy), `s3://bucket/prefix`,
 * `file:///…` or an absolute path, `indexeddb://db/…`, `memory://…`. Each scheme is served by a
 * {@link ArtifactBackend}; the universal build has `memory`, and entries add the others.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import { scopeByteStore, type ByteStore } from "./byte-store.js";
import { createArtifactStore, type ArtifactStore } from "./artifact-store.js";
import { createMemoryByteStore } from "./memory.js";

/**
 * Opens byte stores for one URI scheme.
 *
 * @example
 * ```ts
 * const backend: ArtifactBackend = {
 *   open: (uri) => createFsByteStore({ root: fileURLToPath(uri) }),
 * };
 * ```
 */
export interface ArtifactBackend {
  /** A byte store whose keys are paths relative to `uri`. */
  open(uri: string): ByteStore | Promise<ByteStore>;
  /** Releases what the backend shares between stores (clients, connections). */
  dispose?(): Promise<void>;
}

/**
 * Opens the {@link ArtifactStore} under any artifact URI its backends understand.
 *
 * @example
 * ```ts
 * const resolver = createArtifactResolver({ backends: { memory: createMemoryArtifactBackend() } });
 * const artifacts = await resolver.open("memory://1/abc/artifacts");
 * await artifacts.writeArtifact("notes.txt", new TextEncoder().encode("hi"));
 * await resolver.dispose();
 * ```
 */
export interface ArtifactResolver {
  /** The artifact store rooted at `uri`; dispose it when done (shared backend state stays open). */
  open(uri: string): Promise<ArtifactStore>;
  /** The schemes this resolver serves, e.g. `["file", "memory", "mlflow-artifacts", "s3"]`. */
  readonly schemes: readonly string[];
  /** Disposes every backend. */
  dispose(): Promise<void>;
}

/**
 * Options of {@link createArtifactResolver}.
 *
 * @example
 * ```ts
 * const resolver = createArtifactResolver({ backends: { file: createFileArtifactBackend(), s3: createS3ArtifactBackend() } });
 * ```
 */
export interface ArtifactResolverOptions {
  /**
   * Backends by scheme (`"s3"`, `"mlflow-artifacts"`, `"indexeddb"`, `"memory"`). Plain absolute
   * paths and `file:` URIs go to the `"file"` backend.
   */
  backends: Readonly<Record<string, ArtifactBackend>>;
}

/**
 * The scheme of an artifact URI, lower-cased: `"s3"` for `s3://b/p`, `"file"` for `file:///p` and for
 * plain paths (`/srv/mlruns`, `C:\mlruns`, `./mlruns`).
 *
 * @example
 * ```ts
 * artifactUriScheme("mlflow-artifacts:/1/abc/artifacts"); // "mlflow-artifacts"
 * artifactUriScheme("/srv/mlruns/1/abc/artifacts"); // "file"
 * ```
 */
export function artifactUriScheme(uri: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  // One letter before ':' is a Windows drive, not a scheme.
  if (!match || match[1]!.length === 1) return "file";
  return match[1]!.toLowerCase();
}

/**
 * Appends a relative path to an artifact URI with exactly one `/` between them, as MLflow's
 * `append_to_uri_path` does; an empty path returns the URI without trailing slashes.
 *
 * @example
 * ```ts
 * joinArtifactUri("mlflow-artifacts:/1/abc/artifacts/", "model"); // "mlflow-artifacts:/1/abc/artifacts/model"
 * joinArtifactUri("s3://bucket/root", ""); // "s3://bucket/root"
 * ```
 */
export function joinArtifactUri(uri: string, path: string): string {
  const base = uri.replace(/\/+$/, "");
  const rest = path.replace(/^\/+/, "").replace(/\/+$/, "");
  return rest === "" ? base : `${base}/${rest}`;
}

/**
 * A backend for `memory://<path>` URIs: one in-memory store shared by every URI it opens, so what
 * one run writes another reader of the same resolver sees.
 *
 * @example
 * ```ts
 * const resolver = createArtifactResolver({ backends: { memory: createMemoryArtifactBackend() } });
 * ```
 */
export function createMemoryArtifactBackend(): ArtifactBackend {
  const root = createMemoryByteStore();
  return {
    open(uri) {
      const path = uri.replace(/^memory:(\/\/)?/i, "").replace(/^\/+|\/+$/g, "");
      return path === "" ? scopeByteStore(root, "") : scopeByteStore(root, path);
    },
    dispose: () => root.dispose(),
  };
}

/**
 * Creates a resolver over `backends`.
 *
 * @example
 * ```ts
 * const resolver = createArtifactResolver({
 *   backends: { memory: createMemoryArtifactBackend(), "mlflow-artifacts": createMlflowArtifactsBackend(url) },
 * });
 * const artifacts = await resolver.open(run.info.artifactUri);
 * await artifacts.listArtifacts();
 * ```
 */
export function createArtifactResolver(options: ArtifactResolverOptions): ArtifactResolver {
  const backends = { ...options.backends };
  let disposed = false;
  return {
    schemes: Object.freeze(Object.keys(backends).sort()),
    async open(uri) {
      if (disposed) throw new SentiMlopsError("INVALID_STATE", "artifact resolver used after dispose()", { component: "adapters" });
      if (typeof uri !== "string" || uri === "") {
        throw SentiMlopsError.invalidParameterValue(`artifact URI must be a non-empty string, got ${describeType(uri)}`, { component: "adapters" });
      }
      const scheme = artifactUriScheme(uri);
      const backend = backends[scheme];
      if (!backend) {
        const served = Object.keys(backends).sort().join(", ") || "none";
        throw new SentiMlopsError(
          "NOT_IMPLEMENTED",
          `no artifact backend for ${JSON.stringify(uri)} (scheme "${scheme}") here; this process serves: ${served}`,
          { component: "adapters" },
        );
      }
      return createArtifactStore(await backend.open(uri), { uri });
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all(Object.values(backends).map((b) => b.dispose?.()));
    },
  };
}
