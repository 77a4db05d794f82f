/**
 * MLflow models: the folder `run.logModel` writes (`MLmodel` with the `senti_mlops` flavor and
 * checksums, data files, input examples), the codecs of each model kind, `runs:/` and `models:/`
 * URIs resolved as MLflow resolves them, and the metrics and plots of a classifier's predictions.
 *
 * @example
 * ```ts
 * import { packageModel, parseModelsUri } from "senti-mlops/models";
 * const { files, mlmodel } = await packageModel(model, { inputExample: ["Great movie!"] });
 * parseModelsUri("models:/sentiment@champion"); // { kind: "alias", name: "sentiment", alias: "champion" }
 * ```
 *
 * @module
 */
export { DEFAULT_CODECS } from "../api/codecs.js";
export { tfidfCodec } from "../models/model-codec.js";
export type { ModelCodec, ModelFileReader } from "../models/model-codec.js";
export { createBertCodec, BERT_FORMAT_VERSION } from "../models/bert-codec.js";
export type { BertCodecOptions } from "../models/bert-codec.js";
export { packageModel, readModelFolder, TEXT_CLASSIFIER_SIGNATURE } from "../models/model-folder.js";
export type { PackageModelOptions, PackagedModel, ReadModelFolderOptions } from "../models/model-folder.js";
export { parseMlModel, stringifyMlModel } from "../models/mlmodel.js";
export { SENTI_FLAVOR } from "../mlflow/model-entities.js";
export type { MlModel, SentiFlavor, ModelFileDigest, ModelSignature, ColumnSpec } from "../mlflow/model-entities.js";
export { parseModelsUri, isModelsUri, parseRunsUri } from "../mlflow/model-uri.js";
export type { ParsedModelsUri, ModelsUriFailure } from "../mlflow/model-uri.js";
export { resolveModelVersion, resolveArtifactUri } from "../models/model-uri.js";
export { LOG_MODEL_HISTORY_TAG } from "../models/log-model.js";
export { classificationMetrics, rocAuc } from "../evaluation/metrics.js";
export type { ClassificationMetrics } from "../evaluation/metrics.js";
export { confusionMatrixSvg, rocCurveSvg } from "../evaluation/plots.js";
