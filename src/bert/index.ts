/**
 * `senti-mlops/bert`, universal core: BERT-family sequence classifiers exported to ONNX in the
 * Hugging Face folder layout, run through an injected ONNX Runtime binding ({@link OrtLike}).
 * Nothing here imports a runtime or `node:*`; the `node` and browser entries bind one.
 *
 * @example
 * ```ts
 * import * as ort from "onnxruntime-web";
 * import { loadBert } from "senti-mlops/bert"; // this core when no condition matches; pass a runtime
 * import { predict } from "senti-mlops";
 *
 * const model = await loadBert("https://huggingface.co/org/bert-sst2", { runtime: ort });
 * await predict(model, ["Great movie!"]); // [{ label: "POSITIVE", score: 0.97 }]
 * ```
 *
 * @module
 */
import { createBertCodec } from "../models/bert-codec.js";
import type { ModelCodec } from "../models/model-codec.js";

export { loadBert, loadBertFromFiles, loadBertIn } from "./load-bert.js";
export type { LoadBertOptions, BertSource, BertEnvironment } from "./load-bert.js";
export { createBertModel, isBertModel, BERT_MODEL_FILES, BERT_CONFIG_FILES } from "./bert-model.js";
export type { BertModel, BertModelParts, BertDtype } from "./bert-model.js";
export { createBertCodec, createBertCodecIn, BERT_FORMAT_VERSION } from "../models/bert-codec.js";
export type { BertCodecOptions } from "../models/bert-codec.js";
export { parseBertConfig } from "./bert-config.js";
export type { BertConfig } from "./bert-config.js";
export { createBertTokenizer } from "./bert-tokenizer.js";
export type { BertTokenizer, BertEncoding, BertTokenizerOptions } from "./bert-tokenizer.js";
export { createBertSession } from "./bert-session.js";
export type { BertSession, BertSessionOptions } from "./bert-session.js";
export { bertFilesFromByteStore, bertFilesFromArtifacts } from "./bert-files.js";
export type { BertFiles } from "./bert-files.js";
export { createHubFiles, hubCacheKey } from "./hub-files.js";
export type { HubFilesOptions } from "./hub-files.js";
export { planBatches } from "./batch-plan.js";
export type { BatchLimits } from "./batch-plan.js";
export { createBatchQueue } from "./batch-queue.js";
export type { BatchQueue, BatchQueueOptions } from "./batch-queue.js";
export { scoresOf } from "./scores.js";
export type { OrtLike, OrtSessionLike, OrtTensorLike, OrtSessionOptionsLike, OrtValueMetadataLike } from "./ort-like.js";

/**
 * The BERT model codec with default options. From this universal core it encodes (logs) models,
 * and decodes only with a runtime: use {@link createBertCodec}`({ runtime })`, or the codec of the
 * `senti-mlops/bert` entry of your platform.
 *
 * @example
 * ```ts
 * const tracking = await createTracking("memory:", { codecs: [...DEFAULT_CODECS, bertCodec] });
 * ```
 */
export const bertCodec: ModelCodec = createBertCodec();
