/**
 * `senti-mlops/bert` outside Node (browsers, workers, Deno/Bun without the `node` condition): the
 * universal core with onnxruntime-web bound (imported on the first load) and hub downloads cached
 * in IndexedDB. onnxruntime-web's own settings (`ort.env.wasm.numThreads`, `wasmPaths`) are the
 * application's to set.
 *
 * @example
 * ```ts
 * import { loadBert } from "senti-mlops/bert";
 * import { predict } from "senti-mlops";
 *
 * const model = await loadBert("https://huggingface.co/org/bert-sst2", { dtype: "q8" }); // second visit: from IndexedDB
 * await predict(model, ["Great movie!"]); // [{ label: "POSITIVE", score: 0.97 }]
 * ```
 *
 * @module
 */
import type { ModelCodec } from "../models/model-codec.js";
import { createBertCodecIn, type BertCodecOptions } from "../models/bert-codec.js";
import type { BertModel } from "./bert-model.js";
import { loadBertIn, type BertSource, type LoadBertOptions } from "./load-bert.js";
import { WEB_BERT_ENVIRONMENT } from "../runtime/web-bert.js";

export * from "./index.js";
export { importOnnxruntimeWeb, WEB_BERT_ENVIRONMENT } from "../runtime/web-bert.js";

/**
 * Loads a BERT-family classifier from an http(s) hub URL (cached in IndexedDB), a
 * `runs:/`/`models:/` URI (with `tracking`) or an artifact store, on onnxruntime-web unless
 * `options.runtime` is given.
 *
 * @throws {SentiMlopsError} `NOT_IMPLEMENTED` naming onnxruntime-web when it is not installed, or for
 * a local folder path; the errors of the universal `loadBert`.
 *
 * @example
 * ```ts
 * const model = await loadBert("https://huggingface.co/org/bert-sst2", { executionProviders: ["wasm"] });
 * ```
 */
export function loadBert(source: BertSource, options: LoadBertOptions = {}): Promise<BertModel> {
  return loadBertIn(WEB_BERT_ENVIRONMENT, source, options);
}

/**
 * The BERT model codec, decoding on onnxruntime-web.
 *
 * @example
 * ```ts
 * const model = await loadModel("models:/sentiment-bert@champion", { tracking, codecs: [...DEFAULT_CODECS, createBertCodec()] });
 * ```
 */
export function createBertCodec(options: BertCodecOptions = {}): ModelCodec {
  return createBertCodecIn(WEB_BERT_ENVIRONMENT, options);
}

/**
 * The BERT model codec with default options, decoding on onnxruntime-web.
 *
 * @example
 * ```ts
 * const tracking = await createTracking("indexeddb://senti", { codecs: [...DEFAULT_CODECS, bertCodec] });
 * ```
 */
export const bertCodec: ModelCodec = createBertCodec();
