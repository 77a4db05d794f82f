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
import { mkdir, readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SentiMlopsError } from "../errors.js";
import { writeFileAtomic } from "../node/atomic-write.js";
import { openSqlStore } from "./stores/sql-store.node.js";
import type { TrackingStore } from "./store.js";
import { createTracking as createUniversal, type Tracking, type TrackingOptions } from "./tracking.js";

export * from "./index.js";
export { openSqlStore, createSqlStore } from "./stores/sql-store.node.js";
export type { OpenSqlStoreOptions, SqlStoreOptions } from "./stores/sql-store.node.js";

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** Writes an artifact under a local artifact URI (an absolute path or `file://`). */
async function writeLocalArtifact(artifactUri: string, path: string, bytes: Uint8Array): Promise<void> {
  const root = artifactUri.startsWith("file:") ? fileURLToPath(artifactUri) : artifactUri;
  if (!isAbsolute(root)) {
    throw new SentiMlopsError("NOT_IMPLEMENTED", `[senti-mlops] [tracking] cannot write artifacts to ${artifactUri} from this process`);
  }
  const target = join(root, ...path.split("/"));
  await mkdir(dirname(target), { recursive: true });
  await writeFileAtomic(target, bytes);
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
    writeArtifact: writeLocalArtifact,
    readFile: async (path) => new Uint8Array(await readFile(path)),
    ...options,
    openStore: (uri, o) =>
      options.openStore?.(uri, o) ?? (uri.startsWith("sqlite:") ? openSqlStore(uri, { artifactRoot: o.artifactRoot }) : undefined),
  });
}
