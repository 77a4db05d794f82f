/**
 * `senti-mlops/tracking` in Node: the universal module, plus `sqlite:///` stores (MLflow's schema
 * via better-sqlite3), artifacts under local paths, and the OS user and main script recorded in
 * runs' system tags.
 *
 * @example
 * ```ts
 * import { createTracking } from "senti-mlops/tracking";
 * const tracking = await createTracking("sqlite:///mlflow.db"); // opens in `mlflow ui` too
 * ```
 *
 * @module
 */
import { readdir, readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { basename, join } from "node:path";
import { SentiMlopsError } from "../errors.js";
import type { ArtifactFile } from "../adapters/artifact-store.js";
import { createFileArtifactBackend, createS3ArtifactBackend } from "../adapters/artifact-backends.node.js";
import { bertCodec } from "../bert/index.node.js";
import { tfidfCodec } from "../models/model-codec.js";
import { openSqlStores } from "./stores/sql-store.node.js";
import type { TrackingStore } from "../mlflow/tracking-store.js";
import { createTracking as createUniversal, type Tracking, type TrackingOptions } from "./tracking.js";

export * from "./index.js";
export { openSqlStore, openSqlStores, createSqlStore } from "./stores/sql-store.node.js";
export type { OpenSqlStoreOptions, SqlStoreOptions } from "./stores/sql-store.node.js";

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** Reads a local file (one entry, its base name) or a folder (its files, recursively) for logging. */
async function readLocal(localPath: string, kind: "file" | "folder"): Promise<ArtifactFile[]> {
  try {
    if (kind === "file") return [{ path: basename(localPath), bytes: new Uint8Array(await readFile(localPath)) }];
    const files: ArtifactFile[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) await walk(join(dir, entry.name), `${prefix}${entry.name}/`);
        else if (entry.isFile()) files.push({ path: `${prefix}${entry.name}`, bytes: new Uint8Array(await readFile(join(dir, entry.name))) });
      }
    };
    await walk(localPath, "");
    return files;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `[senti-mlops] [tracking] no such ${kind}: ${localPath}`, { cause: e });
    if (code === "EISDIR" || code === "ENOTDIR") {
      throw SentiMlopsError.invalidParameterValue(
        `[senti-mlops] [tracking] ${localPath} is not a ${kind}: use ${kind === "file" ? "logArtifacts for folders" : "logArtifact for files"}`,
        { cause: e },
      );
    }
    throw e;
  }
}

/**
 * Creates a tracking client (see the universal `createTracking`); in Node, `sqlite:///path` opens
 * an embedded store in MLflow's schema (the default when nothing is configured), artifacts of
 * local experiments are written to disk, and runs record the OS user and the main script.
 *
 * @example
 * ```ts
 * const tracking = await createTracking(); // MLFLOW_TRACKING_URI, else sqlite:///mlflow.db
 * ```
 */
export function createTracking(uriOrStore?: string | TrackingStore, options: TrackingOptions = {}): Promise<Tracking> {
  return createUniversal(uriOrStore, {
    user: osUser(),
    sourceName: process.argv[1] ?? "",
    readLocal,
    codecs: [tfidfCodec, bertCodec],
    ...options,
    artifactBackends: { file: createFileArtifactBackend(), s3: createS3ArtifactBackend(), ...options.artifactBackends },
    openStores: (uri, o) =>
      options.openStores?.(uri, o) ??
      (uri.startsWith("sqlite:") ? openSqlStores(uri, { artifactRoot: o.artifactRoot }) : undefined),
  });
}
