/**
 * `senti-mlops/bert` in Node: the universal core with onnxruntime-node bound (imported on the first
 * load; install it beside senti-mlops), local model folders, and hub downloads cached on disk.
 *
 * @example
 * ```ts
 * import { loadBert } from "senti-mlops/bert";
 * import { predict } from "senti-mlops";
 *
 * const model = await loadBert("./models/bert-tiny-sst2", { threads: 2 });
 * await predict(model, ["Great movie!"]); // [{ label: "POSITIVE", score: 0.97 }]
 * await model.dispose();
 * ```
 *
 * @module
 */
import type { ModelCodec } from "../models/model-codec.js";
import { createBertCodecIn, type BertCodecOptions } from "../models/bert-codec.js";
import type { BertModel } from "./bert-model.js";
import { loadBertIn, type BertSource, type LoadBertOptions } from "./load-bert.js";
import { NODE_BERT_ENVIRONMENT } from "../runtime/node-bert.js";

export * from "./index.js";
export { importOnnxruntimeNode, openLocalBertFolder, NODE_BERT_ENVIRONMENT } from "../runtime/node-bert.js";

/**
 * Loads a BERT-family classifier from a local folder, an http(s) hub URL (cached under
 * `$SENTI_MLOPS_CACHE/models` or `~/.cache/senti-mlops/models`), or a `runs:/`/`models:/` URI
 * (with `tracking`), on onnxruntime-node unless `options.runtime` is given.
 *
 * @throws {SentiMlopsError} `NOT_IMPLEMENTED` naming onnxruntime-node when it is not installed; the
 * errors of the universal `loadBert`.
 *
 * @example
 * ```ts
 * const model = await loadBert("./models/bert-tiny-sst2");
 * const hub = await loadBert("https://huggingface.co/org/bert-sst2", { dtype: "q8", revision: "v1" });
 * const champion = await loadBert("models:/sentiment-bert@champion", { tracking });
 * ```
 */
export function loadBert(source: BertSource, options: LoadBertOptions = {}): Promise<BertModel> {
  return loadBertIn(NODE_BERT_ENVIRONMENT, source, options);
}

/**
 * The BERT model codec, decoding on onnxruntime-node.
 *
 * @example
 * ```ts
 * const codecs = [...DEFAULT_CODECS, createBertCodec({ threads: 2 })];
 * const model = await loadModel("models:/sentiment-bert/1", { tracking, codecs });
 * ```
 */
export function createBertCodec(options: BertCodecOptions = {}): ModelCodec {
  return createBertCodecIn(NODE_BERT_ENVIRONMENT, options);
}

/**
 * The BERT model codec with default options, decoding on onnxruntime-node.
 *
 * @example
 * ```ts
 * const tracking = await createTracking("sqlite:///mlflow.db", { codecs: [...DEFAULT_CODECS, bertCodec] });
 * await (await tracking.startRun()).logModel(await loadBert("./bert"), "model");
 * ```
 */
export const bertCodec: ModelCodec = createBertCodec();
