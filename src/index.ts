/**
 * senti-mlops: sentiment-analysis models with an MLOps trail, in TypeScript.
 *
 * This is the universal entry (Node and browsers). In Node, the same import also reads and
 * writes model files by path.
 *
 * @example
 * ```ts
 * import { trainTfidf, predict } from "senti-mlops";
 * const { model } = await trainTfidf(rows, { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 });
 * await predict(model, ["Great movie!", "Terrible film."]);
 * // [{ label: "Positive", score: 0.97 }, { label: "Negative", score: 0.94 }]
 * ```
 *
 * @module
 */
import { bertCodec } from "./bert/index.web.js";
import { loadModel as loadModelWith, type LoadModelOptions, type ModelSource } from "./models/load-model.js";
import { tfidfCodec } from "./models/model-codec.js";
import type { SentimentModel } from "./types.js";

export { SentiMlopsError, isSentiMlopsError, hasErrorCode, ERROR_HTTP_STATUS } from "./errors.js";
export type { ErrorCode, SentiMlopsErrorOptions } from "./errors.js";
export type { LabeledText, TrainingData, Prediction, SentimentModel, TrainingRun } from "./types.js";
export { confusionMatrixSvg, rocCurveSvg } from "./evaluation/plots.js";
export { predict, predictProba } from "./predict.js";
export type { PredictOptions } from "./predict.js";
export { classificationMetrics, rocAuc } from "./evaluation/metrics.js";
export type { ClassificationMetrics } from "./evaluation/metrics.js";
export { decodeModel } from "./models/load-model.js";
export { loadBert } from "./bert/index.web.js";
export type { BertModel, LoadBertOptions, BertSource } from "./bert/index.js";
export type { LoadModelOptions, ModelSource } from "./models/load-model.js";
export { packageModel, readModelFolder, TEXT_CLASSIFIER_SIGNATURE } from "./models/model-folder.js";
export type { PackageModelOptions, PackagedModel, ReadModelFolderOptions, ModelSignature, ColumnSpec } from "./models/model-folder.js";
export { parseMlModel, stringifyMlModel, SENTI_FLAVOR } from "./models/mlmodel.js";
export type { MlModel, SentiFlavor, ModelFileDigest } from "./models/mlmodel.js";
export { tfidfCodec, DEFAULT_CODECS } from "./models/model-codec.js";
export type { ModelCodec, ModelFileReader } from "./models/model-codec.js";
export { parseModelsUri, parseRunsUri, resolveModelVersion, resolveArtifactUri } from "./models/model-uri.js";
export type { ParsedModelsUri, ModelStoreContext } from "./models/model-uri.js";
export { logModel, LOG_MODEL_HISTORY_TAG } from "./models/log-model.js";
export type { LogModelOptions, LoggedModel } from "./models/log-model.js";
export {
  trainTfidf,
  TfidfModel,
  TfidfVectorizer,
  encodeTfidfModel,
  decodeTfidfModel,
  DEFAULT_BINARY_LABELS,
  ENGLISH_STOP_WORDS,
} from "./tfidf/index.js";
export type {
  TrainTfidfOptions,
  TrainTfidfResult,
  TrainProgress,
  TfidfVectorizerOptions,
  LogisticRegressionOptions,
} from "./tfidf/index.js";

/**
 * Loads a model: bytes, an http(s) URL, or with `options.tracking` a `runs:/`, `models:/` or
 * artifact URI — TF-IDF and BERT (on onnxruntime-web) model folders alike, checksums verified.
 *
 * @example
 * ```ts
 * const champion = await loadModel("models:/sentiment-tfidf@champion", { tracking });
 * await predict(champion, ["Great movie!"]);
 * ```
 */
export function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<SentimentModel> {
  return loadModelWith(source, { codecs: [tfidfCodec, bertCodec], ...options });
}
