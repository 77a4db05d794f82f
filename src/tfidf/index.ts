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
export { trainTfidf, DEFAULT_BINARY_LABELS } from "./train.js";
export type { TrainTfidfOptions, TrainTfidfResult, TrainProgress } from "./train.js";
export { TfidfModel } from "./model.js";
export type { TfidfModelInfo } from "./model.js";
export { TfidfVectorizer, createTfidfFitter, createFitter } from "./vectorizer.js";
export type { TfidfVectorizerState, TfidfFitter, FitterCounts, RowVisitor } from "./vectorizer.js";
export { LogisticRegression } from "./logistic-regression.js";
export type { LogisticRegressionState, FitReport, FitHooks } from "./logistic-regression.js";
export { encodeTfidfModel, decodeTfidfModel, TFIDF_FORMAT_VERSION } from "./model-format.js";
export { ENGLISH_STOP_WORDS } from "./stop-words.js";
export { resolveVectorizerOptions, resolveClassifierOptions } from "./options.js";
export type {
  TfidfVectorizerOptions,
  LogisticRegressionOptions,
  ResolvedVectorizerOptions,
  ResolvedClassifierOptions,
  StripAccents,
  Norm,
} from "./options.js";
export type { CsrMatrix } from "./csr.js";
export { minimizeLbfgs } from "./lbfgs.js";
export type { LbfgsOptions, LbfgsResult, Objective } from "./lbfgs.js";
export type { ParallelLoss, ParallelLossFactory, TfidfParallelism } from "./parallel.js";
export type { BinomialProblem } from "./kernels.js";
