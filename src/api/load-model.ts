/**
 * `loadModel`: any saved or logged model, ready for `predict`.
 *
 * @module
 */
import { modelFiles } from "#runtime/model-files";
import type { LoadModelOptions, ModelSource } from "../models/load-model.js";
import type { SentimentModel } from "../types.js";

/**
 * Loads a saved model: from bytes, an http(s) URL, a file path or a model folder (Node), or — with
 * `options.tracking` — a `runs:/<id>/<path>`, `models:/<name>/<version>`, `models:/<name>@<alias>`,
 * `models:/<name>/<stage>` URI or an artifact URI, resolved as MLflow resolves them. Model folders
 * are verified against the checksums in their `MLmodel` file.
 *
 * @throws {SentiMlopsError} `RESOURCE_DOES_NOT_EXIST` for a missing file or URL; `DATA_LOSS` for a
 * truncated or corrupt file or a checksum that does not match; `INVALID_PARAMETER_VALUE` for a file
 * that is not a model.
 *
 * @example
 * ```ts
 * const model = await loadModel("./model.bin");            // Node
 * const same = await loadModel("https://example.org/model.bin");
 * const champion = await loadModel("models:/sentiment-tfidf@champion", { tracking });
 * await predict(model, ["Great movie!"]);
 * ```
 */
export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<SentimentModel> {
  // The readers (model files, folders, codecs) are imported on the first call, so a page that
  // imports the package for predict() does not carry them.
  const [{ loadModelWith }, { DEFAULT_CODECS }] = await Promise.all([import("../models/load-model.js"), import("./codecs.js")]);
  return loadModelWith(modelFiles ?? {}, source, { codecs: DEFAULT_CODECS, ...options });
}
