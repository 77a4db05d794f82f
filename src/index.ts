/**
 * senti-mlops: sentiment-analysis models with an MLOps trail, in TypeScript — what a user calls:
 * train, load, predict, save. Building blocks live in the subpaths (`senti-mlops/tfidf`,
 * `/bert`, `/tracking`, `/registry`, `/models`, `/adapters`, `/data`, `/node`).
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
export { trainTfidf } from "./api/train-tfidf.js";
export { loadModel } from "./api/load-model.js";
export { loadBert } from "./api/load-bert.js";
export type { LoadBertOptions } from "./api/load-bert.js";
export { saveModel } from "./api/save-model.js";
export { predict, predictProba } from "./predict.js";
export type { PredictOptions } from "./predict.js";
export { SentiMlopsError, isSentiMlopsError, hasErrorCode } from "./errors.js";
export type { Component, ErrorCode, SentiMlopsErrorOptions } from "./errors.js";
export type { LabeledText, TrainingData, Prediction, SentimentModel, TrainingRun } from "./types.js";
export type { TrainTfidfOptions, TrainTfidfResult, TrainProgress } from "./tfidf/train.js";
export type { TfidfVectorizerOptions, LogisticRegressionOptions } from "./tfidf/options.js";
export type { TfidfModel } from "./tfidf/model.js";
export type { CompactTfidfModelOptions, WeightPrecision } from "./tfidf/compact-model.js";
export type { TfidfPreset, TfidfPresetName } from "./tfidf/presets.js";
export type { ClassificationMetrics } from "./evaluation/metrics.js";
export type { LoadModelOptions, ModelSource } from "./models/load-model.js";
export type { BertModel } from "./bert/bert-model.js";
export type { BertSource } from "./bert/load-bert.js";
