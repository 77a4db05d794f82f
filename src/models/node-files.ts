/**
 * Node-only file helpers for models: reading with clear errors, and atomic saving.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { isSentiMlopsError, SentiMlopsError } from "../errors.js";
import { readFileLimited } from "../adapters/read-file-limited.js";
import { resolveMaxBytes } from "../mlflow/read-limited.js";
import { createArtifactStore, type ArtifactStore } from "../adapters/artifact-store.js";
import { createFsByteStore } from "../adapters/fs.js";
import { writeFileAtomic } from "../adapters/atomic-write.js";
import { encodeTfidfModel } from "../tfidf/model-format.js";
import type { TfidfModel } from "../tfidf/model.js";

/**
 * Reads a model file, mapping a missing file to `RESOURCE_DOES_NOT_EXIST`. Only a regular file is
 * read (a device or FIFO is `INVALID_PARAMETER_VALUE`), and at most `options.maxBytes` (default
 * 2 GiB) of it: a larger file fails with `RESOURCE_EXHAUSTED`.
 *
 * @example
 * ```ts
 * const bytes = await readModelFile("./model.senti"); // throws RESOURCE_DOES_NOT_EXIST when missing
 * ```
 */
export async function readModelFile(path: string, options: { maxBytes?: number } = {}): Promise<Uint8Array> {
  const maxBytes = resolveMaxBytes(options.maxBytes, "maxBytes", "models");
  try {
    return await readFileLimited(path, { maxBytes, what: `the model file ${path}`, option: "the maxBytes option of loadModel", component: "models" });
  } catch (e) {
    if (isSentiMlopsError(e)) throw e;
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
 * Opens a local folder (a path or `file://` URI) as an artifact store reading at most
 * `options.maxBytes` (default 2 GiB) per file, or returns `null` when the path is not a folder (a
 * model file, or nothing).
 *
 * @example
 * ```ts
 * const folder = await openLocalModelFolder("./mlruns/1/0123…/artifacts/model");
 * ```
 */
export async function openLocalModelFolder(path: string, options: { maxBytes?: number } = {}): Promise<ArtifactStore | null> {
  const local = path.startsWith("file:") ? fileURLToPath(path) : path;
  const isFolder = await stat(local).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isFolder ? createArtifactStore(createFsByteStore({ root: local, maxBytes: options.maxBytes }), { uri: path }) : null;
}
