/**
 * `saveModel`: a TF-IDF model to a file (Node).
 *
 * @module
 */
import { modelFiles } from "#runtime/model-files";
import { SentiMlopsError } from "../errors.js";
import type { TfidfModel } from "../tfidf/model.js";

/**
 * Writes a TF-IDF model to `path` atomically (a temporary file, then a rename), in the
 * checksummed format `loadModel` reads. Needs a file system (Node); in browsers, store the bytes of
 * `encodeTfidfModel(model)` from `senti-mlops/tfidf` instead.
 *
 * @throws {SentiMlopsError} `NOT_IMPLEMENTED` without a file system; `INTERNAL_ERROR` naming the
 * path when it cannot be written.
 *
 * @example
 * ```ts
 * await saveModel(model, "./model.bin");
 * const same = await loadModel("./model.bin");
 * ```
 */
export async function saveModel(model: TfidfModel, path: string): Promise<void> {
  if (!modelFiles) {
    throw new SentiMlopsError("NOT_IMPLEMENTED", `saveModel needs a file system (Node.js); here, store the bytes of encodeTfidfModel(model) instead`, {
      component: "models",
    });
  }
  return modelFiles.writeModel(model, path);
}
