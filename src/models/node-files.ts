/**
 * Node-only file helpers for models: reading with clear errors, and atomic saving.
 *
 * @module
 */
import { readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { SentiMlopsError } from "../errors.js";
import { createArtifactStore, type ArtifactStore } from "../adapters/artifact-store.js";
import { createFsByteStore } from "../adapters/fs.js";
import { writeFileAtomic } from "../adapters/atomic-write.js";
import { encodeTfidfModel } from "../tfidf/model-format.js";
import type { TfidfModel } from "../tfidf/model.js";

/**
 * Reads a file, mapping a missing file to `RESOURCE_DOES_NOT_EXIST`.
 *
 * @example
 * ```ts
 * const bytes = await readModelFile("./model.senti"); // throws RESOURCE_DOES_NOT_EXIST when missing
 * ```
 */
export async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `no model file at ${path}`, { cause: e, component: "models" });
    if (code === "EISDIR") throw SentiMlopsError.invalidParameterValue(`${path} is a directory, not a model file`, { cause: e, component: "models" });
    throw new SentiMlopsError("INTERNAL_ERROR", `cannot read ${path}: ${(e as Error).message}`, { cause: e, component: "models" });
  }
}

/**
 * Saves a model to a file atomically (readers never see a half-written file).
 *
 * @example
 * ```ts
 * await saveModel(model, "./model.bin");
 * const again = await loadModel("./model.bin");
 * ```
 */
export async function saveModel(model: TfidfModel, path: string): Promise<void> {
  try {
    await writeFileAtomic(path, encodeTfidfModel(model));
  } catch (e) {
    throw new SentiMlopsError("INTERNAL_ERROR", `cannot write ${path}: ${(e as Error).message}`, { cause: e, component: "models" });
  }
}

/**
 * Opens a local folder (a path or `file://` URI) as an artifact store, or returns `null` when the
 * path is not a folder (a model file, or nothing).
 *
 * @example
 * ```ts
 * const folder = await openLocalModelFolder("./mlruns/1/0123…/artifacts/model");
 * ```
 */
export async function openLocalModelFolder(path: string): Promise<ArtifactStore | null> {
  const local = path.startsWith("file:") ? fileURLToPath(path) : path;
  const isFolder = await stat(local).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isFolder ? createArtifactStore(createFsByteStore({ root: local }), { uri: path }) : null;
}
