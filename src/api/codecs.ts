/**
 * The model kinds the public functions read and write: TF-IDF, and BERT on this runtime's ONNX
 * Runtime (its loader is imported only when a BERT folder is read).
 *
 * @module
 */
import { bertEnvironment } from "#runtime/bert";
import { createBertCodec } from "../models/bert-codec.js";
import { tfidfCodec, type ModelCodec } from "../models/model-codec.js";

/**
 * TF-IDF and BERT, as `loadModel`, `loadBert` and `run.logModel` use them by default.
 *
 * @example
 * ```ts
 * const kinds = DEFAULT_CODECS.map((codec) => codec.kind); // ["tfidf", "bert"]
 * ```
 */
export const DEFAULT_CODECS: readonly ModelCodec[] = /* @__PURE__ */ Object.freeze([tfidfCodec, /* @__PURE__ */ createBertCodec(bertEnvironment)]);
