/**
 * What `createTracking` adds in Node: `sqlite:` stores, `file:` and `s3:` artifacts, local files
 * for `logArtifact`, the OS user and main script.
 *
 * @module
 */
import { readdir, readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { basename, join } from "node:path";
import { SentiMlopsError } from "../../errors.js";
import type { ArtifactFile } from "../../adapters/artifact-store.js";
import { createFileArtifactBackend, createS3ArtifactBackend } from "../../adapters/artifact-backends.node.js";
import type { TrackingOptions } from "../../tracking/client.js";
import { openSqlStores } from "../../tracking/stores/sql-store.node.js";

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
    if (code === "ENOENT") throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `no such ${kind}: ${localPath}`, { cause: e, component: "tracking" });
    if (code === "EISDIR" || code === "ENOTDIR") {
      throw SentiMlopsError.invalidParameterValue(`${localPath} is not a ${kind}: use ${kind === "file" ? "logArtifacts for folders" : "logArtifact for files"}`, {
        cause: e,
        component: "tracking",
      });
    }
    throw e;
  }
}

/**
 * `sqlite:///path` stores (the default when nothing is configured), artifacts under local paths
 * and on S3, local files for `logArtifact`, and the OS user and main script in runs' system tags.
 *
 * @example
 * ```ts
 * const options = trackingDefaults({ artifactRoot: "./mlruns" });
 * ```
 */
export function trackingDefaults(options: TrackingOptions): TrackingOptions {
  return {
    user: osUser(),
    sourceName: process.argv[1] ?? "",
    readLocal,
    ...options,
    artifactBackends: { file: createFileArtifactBackend(), s3: createS3ArtifactBackend(), ...options.artifactBackends },
    openStores: (uri, o) =>
      options.openStores?.(uri, o) ?? (uri.startsWith("sqlite:") ? openSqlStores(uri, { artifactRoot: o.artifactRoot }) : undefined),
  };
}

