/**
 * MLflow's artifact-repository semantics, written once on top of any {@link ByteStore}: files are
 * keys, folders are key prefixes, and `listArtifacts` answers one level at a time with
 * `{ path, isDir, fileSize }` as MLflow's `list_artifacts` does.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import { normalizeKey, type ByteStore } from "./byte-store.js";

/**
 * One entry of {@link ArtifactStore.listArtifacts}: MLflow's `FileInfo`.
 *
 * @example
 * ```ts
 * const entry: ArtifactInfo = { path: "model/MLmodel", isDir: false, fileSize: 412 };
 * const folder: ArtifactInfo = { path: "model", isDir: true, fileSize: null };
 * ```
 */
export interface ArtifactInfo {
  /** Relative to the store's root, `/`-separated (the listed folder included). */
  readonly path: string;
  readonly isDir: boolean;
  /** Bytes for a file; `null` for a folder, as MLflow leaves it unset. */
  readonly fileSize: number | null;
}

/**
 * A file of {@link ArtifactStore.downloadArtifacts} or {@link ArtifactStore.logArtifacts}.
 *
 * @example
 * ```ts
 * const file: ArtifactFile = { path: "model/model.senti", bytes };
 * ```
 */
export interface ArtifactFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/**
 * The artifacts under one artifact URI (a run's `artifact_uri`, a model's folder, …).
 *
 * Paths are relative and `/`-separated; `undefined` or `""` means the root. A path with `..`, a
 * leading `/` or a backslash is refused with `INVALID_PARAMETER_VALUE`.
 *
 * @example
 * ```ts
 * const artifacts = createArtifactStore(createMemoryByteStore(), { uri: "memory://runs/1" });
 * await artifacts.writeArtifact("model/MLmodel", bytes);
 * await artifacts.listArtifacts(); // [{ path: "model", isDir: true, fileSize: null }]
 * await artifacts.listArtifacts("model"); // [{ path: "model/MLmodel", isDir: false, fileSize: 412 }]
 * ```
 */
export interface ArtifactStore {
  /** The artifact URI this store is rooted at, e.g. `mlflow-artifacts:/1/<run>/artifacts`. */
  readonly uri: string;
  /** Writes one file at `path`, replacing it whole. */
  writeArtifact(path: string, bytes: Uint8Array): Promise<void>;
  /** The bytes of the file at `path`, or `null` when there is none. */
  readArtifact(path: string): Promise<Uint8Array | null>;
  /** Writes `files` under `artifactPath` (default: the root), as MLflow's `log_artifacts` does for a folder. */
  logArtifacts(files: Iterable<ArtifactFile>, artifactPath?: string): Promise<void>;
  /**
   * The files and folders directly inside `path`, sorted by path. A path that is a file, or that
   * does not exist, lists nothing (MLflow's behaviour).
   */
  listArtifacts(path?: string): Promise<ArtifactInfo[]>;
  /**
   * Every file at or under `path`: the file itself when `path` is one, else the folder's files
   * recursively, with paths relative to the root. `RESOURCE_DOES_NOT_EXIST` when there is none.
   */
  downloadArtifacts(path?: string): Promise<ArtifactFile[]>;
  /** Deletes the file or folder at `path` (everything when omitted); a missing path is a no-op. */
  deleteArtifacts(path?: string): Promise<void>;
  /** Disposes the byte store when this artifact store owns it. */
  dispose(): Promise<void>;
}

/**
 * Options of {@link createArtifactStore}.
 *
 * @example
 * ```ts
 * const store = createArtifactStore(createFsByteStore({ root: "./mlruns/1/abc/artifacts" }), { uri: "file:///srv/mlruns/1/abc/artifacts" });
 * ```
 */
export interface ArtifactStoreOptions {
  /** The artifact URI the byte store is rooted at, for {@link ArtifactStore.uri} and messages. */
  uri: string;
  /** Whether {@link ArtifactStore.dispose} disposes the byte store. @default true */
  ownsByteStore?: boolean;
}

/** An artifact path (file or folder) as a byte-store key, or "" for the root. */
function artifactKey(path: string | undefined, what: string): string {
  if (path === undefined) return "";
  if (typeof path !== "string") throw SentiMlopsError.invalidParameterValue(`${what} must be a string, got ${describeType(path)}`, { component: "adapters" });
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") {
    if (path !== "") throw SentiMlopsError.invalidParameterValue(`${what} must be a relative path, got ${JSON.stringify(path)}`, { component: "adapters" });
    return "";
  }
  try {
    return normalizeKey(trimmed);
  } catch (e) {
    throw SentiMlopsError.invalidParameterValue(
      `${what} must be a relative path without '..', got ${JSON.stringify(path)}`,
      { cause: e, component: "adapters" },
    );
  }
}

const join = (folder: string, name: string): string => (folder === "" ? name : `${folder}/${name}`);

/**
 * Puts MLflow's artifact semantics on a byte store whose keys are paths relative to `uri`.
 *
 * @example
 * ```ts
 * const store = createArtifactStore(createFsByteStore({ root: "/srv/mlruns/1/abc/artifacts" }), {
 *   uri: "/srv/mlruns/1/abc/artifacts",
 * });
 * await store.logArtifacts([{ path: "MLmodel", bytes }, { path: "model.senti", bytes: model }], "model");
 * const files = await store.downloadArtifacts("model"); // [{ path: "model/MLmodel", … }, …]
 * ```
 */
export function createArtifactStore(bytes: ByteStore, options: ArtifactStoreOptions): ArtifactStore {
  if (typeof options?.uri !== "string") {
    throw SentiMlopsError.invalidParameterValue(`createArtifactStore: options.uri must be a string, got ${describeType(options?.uri)}`, { component: "adapters" });
  }
  const { uri } = options;
  const owns = options.ownsByteStore ?? true;

  /** Keys under `folder` with sizes, from listSizes when the adapter has it, else by reading. */
  const entriesUnder = async (folder: string): Promise<{ key: string; size: number }[]> => {
    if (bytes.listSizes) return bytes.listSizes(folder);
    const keys = await bytes.list(folder);
    const sized = await Promise.all(keys.map(async (key) => ({ key, size: (await bytes.get(key))?.byteLength ?? -1 })));
    return sized.filter((e) => e.size >= 0);
  };

  return {
    uri,
    async writeArtifact(path, data) {
      const key = artifactKey(path, "artifact path");
      if (key === "") throw SentiMlopsError.invalidParameterValue("artifact path of a file must not be empty", { component: "adapters" });
      if (!(data instanceof Uint8Array)) {
        throw SentiMlopsError.invalidParameterValue(`artifact ${JSON.stringify(path)}: bytes must be a Uint8Array, got ${describeType(data)}`, { component: "adapters" });
      }
      await bytes.put(key, data);
    },
    async readArtifact(path) {
      const key = artifactKey(path, "artifact path");
      if (key === "") throw SentiMlopsError.invalidParameterValue("artifact path of a file must not be empty", { component: "adapters" });
      return bytes.get(key);
    },
    async logArtifacts(files, artifactPath) {
      const folder = artifactKey(artifactPath, "artifactPath");
      const list = [...files];
      // Validate everything before writing anything, so bad input leaves nothing half-logged.
      const keyed = list.map((file, i) => {
        if (file === null || typeof file !== "object" || !(file.bytes instanceof Uint8Array)) {
          throw SentiMlopsError.invalidParameterValue(`files[${i}] must be { path, bytes: Uint8Array }, got ${describeType(file)}`, { component: "adapters" });
        }
        const key = artifactKey(file.path, `files[${i}].path`);
        if (key === "") throw SentiMlopsError.invalidParameterValue(`files[${i}].path must not be empty`, { component: "adapters" });
        return { key: join(folder, key), bytes: file.bytes };
      });
      for (const file of keyed) await bytes.put(file.key, file.bytes);
    },
    async listArtifacts(path) {
      const folder = artifactKey(path, "path");
      const prefix = folder === "" ? "" : `${folder}/`;
      const children = new Map<string, ArtifactInfo>();
      for (const { key, size } of await entriesUnder(folder)) {
        const rest = key.slice(prefix.length);
        const slash = rest.indexOf("/");
        const childPath = prefix + (slash < 0 ? rest : rest.slice(0, slash));
        if (!children.has(childPath)) {
          children.set(childPath, slash < 0 ? { path: childPath, isDir: false, fileSize: size } : { path: childPath, isDir: true, fileSize: null });
        }
      }
      return [...children.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async downloadArtifacts(path) {
      const key = artifactKey(path, "path");
      if (key !== "") {
        const single = await bytes.get(key);
        if (single !== null) return [{ path: key, bytes: single }];
      }
      const keys = await bytes.list(key);
      const files = await Promise.all(
        keys.map(async (k) => {
          const data = await bytes.get(k);
          return data === null ? undefined : { path: k, bytes: data };
        }),
      );
      const found = files.filter((f): f is ArtifactFile => f !== undefined);
      if (found.length === 0) {
        throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `No artifacts at ${JSON.stringify(path ?? "")} under ${uri}`, { component: "adapters" });
      }
      return found;
    },
    async deleteArtifacts(path) {
      const key = artifactKey(path, "path");
      const keys = await bytes.list(key);
      if (key !== "" && (await bytes.has(key))) keys.push(key);
      await Promise.all(keys.map((k) => bytes.delete(k)));
    },
    async dispose() {
      if (owns) await bytes.dispose();
    },
  };
}
