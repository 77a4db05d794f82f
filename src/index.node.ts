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
import type { SentimentModel } from "./types.js";

export * from "./index.js";
export { saveModel } from "./models/node-files.js";
export { trainTfidf, createWorkerLoss, createWorkerParallelism, createPredictPool } from "./tfidf/index.node.js";
export type { WorkerLossOptions, WorkerParallelismOptions, PredictPool, PredictPoolOptions } from "./tfidf/index.node.js";

/**
 * Loads a saved model from bytes, an http(s) URL, or a file path.
 *
 * @example
 * ```ts
 * const model = await loadModel("./model.bin");
 * ```
 */
export function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<SentimentModel> {
  return loadModelUniversal(source, { readFile: readModelFile, openLocalFolder: openLocalModelFolder, ...options });
}
