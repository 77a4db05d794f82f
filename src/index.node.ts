/**
 * senti-mlops for Node.js: everything in the universal entry, plus file paths for models.
 *
 * @example
 * ```ts
 * import { trainTfidf, saveModel, loadModel, predict } from "senti-mlops";
 * await saveModel(model, "./model.bin");
 * await predict(await loadModel("./model.bin"), ["Great movie!"]);
 * ```
 *
 * @module
 */
import { loadModel as loadModelUniversal, type LoadModelOptions, type ModelSource } from "./models/load-model.js";
import { openLocalModelFolder, readModelFile } from "./models/node-files.js";
import { bertCodec } from "./bert/index.node.js";
import { tfidfCodec } from "./models/model-codec.js";
import type { SentimentModel } from "./types.js";

export * from "./index.js";
export { saveModel } from "./models/node-files.js";
export { loadBert } from "./bert/index.node.js";
export { trainTfidf, createWorkerLoss, createWorkerParallelism, createPredictPool } from "./tfidf/index.node.js";
export type { WorkerLossOptions, WorkerParallelismOptions, PredictPool, PredictPoolOptions } from "./tfidf/index.node.js";

/**
 * Loads a saved model from bytes, an http(s) URL, a file path or model folder, or with
 * `options.tracking` a `runs:/`, `models:/` or artifact URI (TF-IDF and BERT, on onnxruntime-node).
 *
 * @example
 * ```ts
 * const model = await loadModel("./model.bin");
 * ```
 */
export function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<SentimentModel> {
  return loadModelUniversal(source, { readFile: readModelFile, openLocalFolder: openLocalModelFolder, codecs: [tfidfCodec, bertCodec], ...options });
}
