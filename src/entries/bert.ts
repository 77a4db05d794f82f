/**
 * BERT-family sequence classifiers exported to ONNX in the Hugging Face folder layout: `loadBert`
 * (the same function as the root entry's) and the pieces it is built from — tokenizer, session,
 * batching, scores, hub files. onnxruntime-node runs it in Node and onnxruntime-web elsewhere, or
 * the runtime passed as `options.runtime` ({@link OrtLike}).
 *
 * @example
 * ```ts
 * import { loadBert } from "senti-mlops/bert";
 * import { predict } from "senti-mlops";
 *
 * const model = await loadBert("./models/bert-tiny-sst2", { threads: 2 });
 * await predict(model, ["Great movie!"]); // [{ label: "POSITIVE", score: 0.99 }]
 * await model.dispose();
 * ```
 *
 * @module
 */
export { loadBert } from "../api/load-bert.js";
export { predict, predictProba } from "../predict.js";
export type { PredictOptions } from "../predict.js";
export type { LoadBertOptions } from "../api/load-bert.js";
export type { BertSource, BertEnvironment, BertModelOptions, BertRuntimeRequest } from "../bert/load-bert.js";
export type { BertFileSource } from "../bert/blob-files.js";
export { createBertModel, isBertModel, BERT_MODEL_FILES, BERT_CONFIG_FILES } from "../bert/bert-model.js";
export type { BertModel, BertModelParts, BertDtype } from "../bert/bert-model.js";
export { parseBertConfig } from "../bert/bert-config.js";
export type { BertConfig } from "../bert/bert-config.js";
export { createBertTokenizer } from "../bert/bert-tokenizer.js";
export type { BertTokenizer, BertEncoding, BertTokenizerOptions } from "../bert/bert-tokenizer.js";
export { createBertSession } from "../bert/bert-session.js";
export type { BertSession, BertSessionOptions } from "../bert/bert-session.js";
export { bertFilesFromByteStore, bertFilesFromArtifacts } from "../bert/bert-files.js";
export type { BertFiles } from "../bert/bert-files.js";
export { createHubFiles, defaultUrlLayout, folderCacheKey, hubCacheKey } from "../bert/hub-files.js";
export type { HubFilesOptions, UrlLayout } from "../bert/hub-files.js";
export { planBatches } from "../bert/batch-plan.js";
export type { BatchLimits } from "../bert/batch-plan.js";
export { createBatchQueue } from "../bert/batch-queue.js";
export type { BatchQueue, BatchQueueOptions } from "../bert/batch-queue.js";
export { scoresOf } from "../bert/scores.js";
export type { OrtLike, OrtSessionLike, OrtTensorLike, OrtSessionOptionsLike, OrtValueMetadataLike } from "../bert/ort-like.js";
