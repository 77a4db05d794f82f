/**
 * `loadBert`: a BERT-family classifier in the Hugging Face ONNX layout, on this runtime's ONNX
 * Runtime.
 *
 * @module
 */
import { bertEnvironment } from "#runtime/bert";
import { SentiMlopsError } from "../errors.js";
import { artifactUriScheme } from "../adapters/artifact-resolver.js";
import { isBertModel, type BertModel } from "../bert/bert-model.js";
import type { BertModelOptions, BertSource } from "../bert/load-bert.js";
import type { ModelStoreContext } from "../tracking/model-logging.js";

/**
 * Options of {@link loadBert}.
 *
 * @example
 * ```ts
 * const options: LoadBertOptions = { threads: 2, dtype: "q8", maxLength: 256, maxBatchSize: 64 };
 * ```
 */
export interface LoadBertOptions extends BertModelOptions {
  /** Resolves `runs:/`, `models:/` and artifact URIs (`s3://…`, `mlflow-artifacts:/…`): a client from `createTracking`. */
  tracking?: ModelStoreContext;
}

/**
 * Loads a BERT-family sequence classifier exported to ONNX in the Hugging Face folder layout
 * (`config.json`, `tokenizer.json`, `tokenizer_config.json`, `onnx/model.onnx` or, with
 * `dtype: "q8"`, `onnx/model_quantized.onnx`), on onnxruntime-node in Node and onnxruntime-web
 * (its WebAssembly build) elsewhere unless `options.runtime` is given. Sources: a local folder
 * (Node), an http(s) URL of a Hugging Face hub model (`{url}/resolve/{revision}/{file}`) or of a
 * plain folder (`{url}/{file}`; see `options.layout`), with files cached on disk in Node and in
 * IndexedDB in browsers; in a page or worker, a URL relative to the document
 * (`"models/bert-sst2"`); the folder's files in memory (`input.files` of
 * `<input type="file" webkitdirectory>`, `File`s, or a record of paths to `Blob`s); an artifact
 * store holding the folder, or with `tracking` a logged or registered model (`runs:/…`,
 * `models:/…`, an artifact URI), whose files are checked against its `MLmodel` checksums as
 * `loadModel` checks them.
 *
 * In browsers, onnxruntime-web's `.wasm` file is found without configuration when the page is
 * bundled with Vite or webpack 5; with esbuild, Rollup without a plugin or no bundler, serve its
 * files and pass their folder as `options.wasmPaths`. `options.threads` > 1 needs a cross-origin
 * isolated page and applies to every model of the page (onnxruntime-web sets it once).
 *
 * @throws {SentiMlopsError} `NOT_IMPLEMENTED` naming the ONNX Runtime package when it is not
 * installed; `RESOURCE_DOES_NOT_EXIST` naming the file and the source when one is missing (for an
 * http(s) source, also the URL fetched and its HTTP status), or in a browser naming the runtime's
 * `.wasm` URL that could not be fetched and the `wasmPaths` option;
 * `DEADLINE_EXCEEDED` when onnxruntime-web's worker threads do not start;
 * `DATA_LOSS` for a logged file whose checksum differs; `INVALID_PARAMETER_VALUE` for bad options,
 * a config without `id2label`, or an ONNX model whose inputs and outputs do not fit a sequence
 * classifier (the message lists what was found).
 *
 * @example
 * ```ts
 * const model = await loadBert("./models/bert-tiny-sst2", { threads: 2 });
 * const hub = await loadBert("https://huggingface.co/org/bert-sst2", { dtype: "q8", revision: "v1" });
 * const cdn = await loadBert("https://cdn.example.org/models/bert-sst2"); // {url}/config.json, …
 * const page = await loadBert("models/bert-sst2", { wasmPaths: "/ort/" }); // in a page bundled by esbuild
 * const picked = await loadBert(input.files!); // <input type="file" webkitdirectory>
 * const champion = await loadBert("models:/sentiment-bert@champion", { tracking });
 * await predict(model, ["Great movie!"]); // [{ label: "POSITIVE", score: 0.99 }]
 * await model.dispose();
 * ```
 */
export async function loadBert(source: BertSource, options: LoadBertOptions = {}): Promise<BertModel> {
  const text = source instanceof URL ? source.href : source;
  if (typeof text !== "string" || /^https?:\/\//i.test(text) || artifactUriScheme(text) === "file") {
    // The loader is imported on the first call, so importing the package costs a page nothing.
    const { loadBertWith } = await import("../bert/load-bert.js");
    return loadBertWith(bertEnvironment, source, options);
  }
  // A logged or registered model: read as loadModel reads one, every file checked.
  const { tracking, revision: _revision, layout: _layout, cache: _cache, fetch: _fetch, maxBytes, ...runOptions } = options;
  if (!tracking) {
    throw SentiMlopsError.invalidParameterValue(`loading ${text} needs a tracking client: loadBert(${JSON.stringify(text)}, { tracking: await createTracking(uri) })`, {
      component: "bert",
    });
  }
  // Model folders (YAML, checksums, codecs) are imported only for these sources.
  const [{ loadModelWith }, { createBertCodec }] = await Promise.all([import("../models/load-model.js"), import("../models/bert-codec.js")]);
  const model = await loadModelWith({}, text, { tracking, maxBytes, codecs: [createBertCodec(bertEnvironment, runOptions)] });
  if (!isBertModel(model)) {
    throw SentiMlopsError.invalidParameterValue(`${text} is a ${model.kind} model, not a BERT model: load it with loadModel`, { component: "bert" });
  }
  return model as BertModel;
}
