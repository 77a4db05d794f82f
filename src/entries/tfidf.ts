/**
 * TF-IDF + logistic-regression sentiment models, in pure TypeScript (Node and browsers).
 *
 * @example
 * ```ts
 * import { trainTfidf, encodeTfidfModel } from "senti-mlops/tfidf";
 * const { model, metrics } = await trainTfidf(rows, { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 });
 * ```
 *
 * @module
 */
export { trainTfidf } from "../api/train-tfidf.js";
export { predict, predictProba } from "../predict.js";
export type { PredictOptions } from "../predict.js";
export { DEFAULT_BINARY_LABELS } from "../tfidf/default-labels.js";
export type { TrainTfidfOptions, TrainTfidfResult, TrainProgress } from "../tfidf/train.js";
export type { TrainingDatasets, TrainingDatasetInfo } from "../tfidf/train-datasets.js";
export { TfidfModel } from "../tfidf/model.js";
export type { TfidfModelInfo } from "../tfidf/model.js";
export { TfidfVectorizer } from "../tfidf/vectorizer.js";
export type { TfidfVectorizerState, RowVisitor } from "../tfidf/vectorizer.js";
export { createFitter, createTfidfFitter, fitTfidfVectorizer } from "../tfidf/vectorizer-fit.js";
export type { FitterCounts, TfidfFitter } from "../tfidf/vectorizer-fit.js";
export { LogisticRegression } from "../tfidf/logistic-regression.js";
export type { LogisticRegressionState } from "../tfidf/logistic-regression.js";
export { fitLogisticRegression } from "../tfidf/fit-logistic-regression.js";
export type { FitReport, FitHooks } from "../tfidf/fit-logistic-regression.js";
export { encodeTfidfModel, decodeTfidfModel, TFIDF_FORMAT_VERSION } from "../tfidf/model-format.js";
export { compactTfidfModel } from "../tfidf/compact-model.js";
export type { CompactTfidfModelOptions, WeightPrecision } from "../tfidf/compact-model.js";
export { TFIDF_PRESETS, PUNCTUATION_TOKENS, withPreset } from "../tfidf/presets.js";
export type { TfidfPreset, TfidfPresetName } from "../tfidf/presets.js";
export { ENGLISH_STOP_WORDS } from "../tfidf/stop-words.js";
export { resolveVectorizerOptions, resolveClassifierOptions } from "../tfidf/options.js";
export type {
  TfidfVectorizerOptions,
  LogisticRegressionOptions,
  ResolvedVectorizerOptions,
  ResolvedClassifierOptions,
  StripAccents,
  Norm,
  NgramAnalyzer,
} from "../tfidf/options.js";
export type { CsrMatrix } from "../tfidf/csr.js";
export { minimizeLbfgs } from "../tfidf/lbfgs.js";
export type { LbfgsOptions, LbfgsResult, Objective } from "../tfidf/lbfgs.js";
export type { ParallelLoss, ParallelLossFactory, TfidfParallelism } from "../tfidf/parallel.js";
export type { BinomialProblem } from "../tfidf/kernels.js";
