/**
 * MLflow models: the folder `run.logModel` writes (`MLmodel` with the `senti_mlops` flavor and
 * checksums, data files, input examples), the codecs of each model kind, `runs:/` and `models:/`
 * URIs resolved as MLflow resolves them, and the evaluation of a classifier: `evaluateModel` (any
 * model on labeled data), its metrics, curves and plots.
 *
 * @example
 * ```ts
 * import { packageModel, parseModelsUri } from "senti-mlops/models";
 * const { files, mlmodel } = await packageModel(model, { inputExample: ["Great movie!"] });
 * parseModelsUri("models:/sentiment@champion"); // { kind: "alias", name: "sentiment", alias: "champion" }
 * const { metrics, binary } = await evaluateModel(model, testRows);
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
export { confusionMatrixSvg, rocCurveSvg, prCurveSvg } from "../evaluation/plots.js";
export type { PlotOptions } from "../evaluation/plots.js";
export { rocCurve, precisionRecallCurve } from "../evaluation/curves.js";
export type { Curve, PrecisionRecall } from "../evaluation/curves.js";
export { evaluateModel } from "../api/evaluate-model.js";
export type { EvaluateModelOptions, ModelEvaluation, BinaryEvaluation, LabelMatch } from "../api/evaluate-model.js";
export { evaluationPlots, evaluationMetrics } from "../api/log-evaluation.js";
