/**
 * `BertModel`: a loaded BERT-family classifier. It is a {@link SentimentModel}, so `predict` and
 * `predictProba` take it as they take a TF-IDF model.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import type { ArtifactFile } from "../adapters/artifact-store.js";
import type { SentimentModel } from "../types.js";
import type { BatchLimits } from "./batch-plan.js";
import { createBatchQueue } from "./batch-queue.js";
import type { BertConfig } from "./bert-config.js";
import type { BertFiles } from "./bert-files.js";
import type { BertSession } from "./bert-session.js";
import type { BertEncoding, BertTokenizer } from "./bert-tokenizer.js";
import { scoresOf } from "./scores.js";

/**
 * Which ONNX file of the folder runs: `onnx/model.onnx` (fp32) or `onnx/model_quantized.onnx` (q8).
 *
 * @example
 * ```ts
 * const dtype: BertDtype = "q8";
 * await loadBert("./bert-sst2", { dtype });
 * ```
 */
export type BertDtype = "fp32" | "q8";

/**
 * The ONNX file of each {@link BertDtype}, as transformers.js names them.
 *
 * @example
 * ```ts
 * BERT_MODEL_FILES.q8; // "onnx/model_quantized.onnx"
 * ```
 */
export const BERT_MODEL_FILES: Readonly<Record<BertDtype, string>> = /* @__PURE__ */ Object.freeze({
  fp32: "onnx/model.onnx",
  q8: "onnx/model_quantized.onnx",
});

/**
 * The files besides the ONNX model that a BERT folder needs.
 *
 * @example
 * ```ts
 * BERT_CONFIG_FILES; // ["config.json", "tokenizer.json", "tokenizer_config.json"]
 * ```
 */
export const BERT_CONFIG_FILES: readonly string[] = /* @__PURE__ */ Object.freeze(["config.json", "tokenizer.json", "tokenizer_config.json"]);

/**
 * A loaded BERT-family sequence classifier.
 *
 * @example
 * ```ts
 * const model = await loadBert("./bert-tiny-sst2");
 * model.kind; // "bert"
 * model.labels; // ["NEGATIVE", "POSITIVE"]
 * await predict(model, ["Great movie!"]); // [{ label: "POSITIVE", score: 0.97 }]
 * await model.predictLogits(["Great movie!"]); // [[-1.7, 1.8]]
 * await model.dispose();
 * ```
 */
export interface BertModel extends SentimentModel {
  readonly kind: "bert";
  /** Labels from `config.json` `id2label`, ordered by id. */
  readonly labels: readonly string[];
  /** Where the model was loaded from. */
  readonly source: string;
  /** The ONNX file that runs. */
  readonly dtype: BertDtype;
  /** The model's tokenizer (with the model's truncation length). */
  readonly tokenizer: BertTokenizer;
  /** How scores are computed from logits. */
  readonly activation: "softmax" | "sigmoid";
  /** The batching limits in use. */
  readonly limits: BatchLimits;
  /** Batches are padded to a multiple of this many tokens. */
  readonly padToMultipleOf: number;
  /**
   * Probabilities of each label for each text, in input order. Concurrent calls share batches.
   *
   * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming the first item that is not a string;
   * `INVALID_STATE` after {@link BertModel.dispose}.
   */
  predictProba(texts: readonly string[]): Promise<number[][]>;
  /** The raw logits of each text, in input order (same batching as {@link BertModel.predictProba}). */
  predictLogits(texts: readonly string[]): Promise<number[][]>;
  /**
   * The model folder's files, read again from the source: `config.json`, `tokenizer.json`,
   * `tokenizer_config.json` and the ONNX file in use (what `run.logModel` stores).
   */
  sourceFiles(): Promise<ArtifactFile[]>;
  /** Waits for running predictions, then releases the session and the source. Idempotent. */
  dispose(): Promise<void>;
}

const BRAND = /* @__PURE__ */ Symbol.for("senti-mlops.bert-model");

/**
 * True when `value` is a {@link BertModel} (from any copy of the package).
 *
 * @example
 * ```ts
 * if (isBertModel(model)) await model.dispose();
 * ```
 */
export function isBertModel(value: unknown): value is BertModel {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * The parts {@link createBertModel} assembles.
 *
 * @example
 * ```ts
 * const parts: BertModelParts = { config, tokenizer, session, files, dtype: "fp32", limits: { maxBatchSize: 32, maxTokensPerBatch: 8192 }, padToMultipleOf: 4 };
 * ```
 */
export interface BertModelParts {
  readonly config: BertConfig;
  readonly tokenizer: BertTokenizer;
  readonly session: BertSession;
  readonly files: BertFiles;
  readonly dtype: BertDtype;
  readonly limits: BatchLimits;
  /** The session pads batches to a multiple of this; batches are planned on padded lengths. @default 1 */
  readonly padToMultipleOf?: number;
}

function checkTexts(texts: unknown): readonly string[] {
  if (!Array.isArray(texts)) {
    throw SentiMlopsError.invalidParameterValue(`texts must be an array of strings, got ${describeType(texts)}`, { component: "bert" });
  }
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== "string") {
      throw SentiMlopsError.invalidParameterValue(`texts[${i}] must be a string, got ${describeType(texts[i])}`, { component: "bert" });
    }
  }
  return texts as readonly string[];
}

/**
 * Assembles a model from a checked session, its tokenizer and its config; {@link loadBert} calls it.
 *
 * @example
 * ```ts
 * const model = createBertModel({ config, tokenizer, session, files, dtype: "fp32", limits: { maxBatchSize: 32, maxTokensPerBatch: 8192 } });
 * ```
 */
export function createBertModel(parts: BertModelParts): BertModel {
  const { config, tokenizer, session, files, dtype, limits } = parts;
  const multiple = parts.padToMultipleOf ?? 1;
  const queue = createBatchQueue<BertEncoding, Float64Array>({
    limits,
    lengthOf: (e) => Math.ceil(e.ids.length / multiple) * multiple,
    run: (batch) => session.run(batch),
  });
  let disposed: Promise<void> | undefined;

  const ensureOpen = (operation: string): void => {
    if (disposed) throw new SentiMlopsError("INVALID_STATE", `${operation}() called after dispose()`, { component: "bert" });
  };

  const logits = async (texts: readonly string[], operation: string): Promise<Float64Array[]> => {
    ensureOpen(operation);
    const checked = checkTexts(texts);
    return queue.submit(checked.map((t) => tokenizer.encode(t)));
  };

  const model: BertModel = {
    kind: "bert",
    labels: config.labels,
    source: files.source,
    dtype,
    tokenizer,
    activation: config.activation,
    limits,
    padToMultipleOf: multiple,
    async predictProba(texts) {
      return (await logits(texts, "predictProba")).map((row) => scoresOf(row, config.activation));
    },
    async predictLogits(texts) {
      return (await logits(texts, "predictLogits")).map((row) => Array.from(row));
    },
    async sourceFiles() {
      ensureOpen("sourceFiles");
      const paths = [...BERT_CONFIG_FILES, BERT_MODEL_FILES[dtype]];
      return Promise.all(
        paths.map(async (path) => {
          const bytes = await files.read(path);
          if (!bytes) throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `${path} is no longer in ${files.source}`, { component: "bert" });
          return { path, bytes };
        }),
      );
    },
    dispose() {
      disposed ??= (async () => {
        await queue.drain();
        try {
          await session.release();
        } finally {
          await files.dispose();
        }
      })();
      return disposed;
    },
  };
  Object.defineProperty(model, BRAND, { value: true });
  return Object.freeze(model);
}
