/**
 * `loadModel`: any saved or logged model, ready for `predict`.
 *
 * @module
 */
import { modelFiles } from "#runtime/model-files";
import type { LoadModelOptions, ModelSource } from "../models/load-model.js";
import type { SentimentModel } from "../types.js";

/**
 * Loads a saved model: from bytes (`Uint8Array`, `ArrayBuffer`, or a `Blob`/`File`, e.g. from
 * `<input type="file">` or drag and drop), an http(s) URL, a file path or a model folder (Node), or — with
 * `options.tracking` — a `runs:/<id>/<path>`, `models:/<name>/<version>`, `models:/<name>@<alias>`,
 * `models:/<name>/<stage>` URI or an artifact URI, resolved as MLflow resolves them. Model folders
 * are verified against the checksums in their `MLmodel` file.
 *
 * In a page or worker (a runtime with `document.baseURI` or `location`, and no local files), a
 * string that is not an absolute URL nor a `runs:/`, `models:/` or artifact URI is a URL relative to
 * the document, as `fetch` reads it: `loadModel("models/model.bin")` fetches
 * `<page folder>/models/model.bin`. In Node such a string stays a file path.
 *
 * @throws {SentiMlopsError} `RESOURCE_DOES_NOT_EXIST` for a missing file or URL (the message names
 * the URL and its HTTP status); `DATA_LOSS` for a
 * truncated or corrupt file or a checksum that does not match; `INVALID_PARAMETER_VALUE` for a file
 * that is not a model.
 *
 * @example
 * ```ts
 * const model = await loadModel("./model.bin");            // Node
 * const same = await loadModel("https://example.org/model.bin");
 * const picked = await loadModel(input.files[0]);            // a File from <input type="file">
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
