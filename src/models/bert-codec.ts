/**
 * The model codec of BERT models: `run.logModel(bert, "model")` stores the Hugging Face folder
 * (`config.json`, `tokenizer.json`, `tokenizer_config.json`, the ONNX file in use) as the model's
 * files, and `loadModel` loads it back through `loadBert`.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import type { ArtifactFile } from "../adapters/artifact-store.js";
import type { ModelCodec, ModelFileReader } from "./model-codec.js";
import type { SentiFlavor } from "../mlflow/model-entities.js";
import type { SentimentModel } from "../types.js";
import { isBertModel, BERT_MODEL_FILES, type BertModel } from "../bert/bert-model.js";
import type { BertEnvironment, BertModelOptions } from "../bert/load-bert.js";

/**
 * Options of {@link createBertCodec}: how decoded models run (the `loadBert` options that do not
 * concern where files come from).
 *
 * @example
 * ```ts
 * const options: BertCodecOptions = { threads: 2, maxBatchSize: 64 };
 * ```
 */
export type BertCodecOptions = Omit<BertModelOptions, "revision" | "layout" | "cache" | "fetch" | "maxBytes">;

/**
 * The version of the folder layout the codec writes (the MLmodel's `format_version`).
 *
 * @example
 * ```ts
 * logged.mlmodel.flavors.senti_mlops?.format_version === BERT_FORMAT_VERSION; // true
 * ```
 */
export const BERT_FORMAT_VERSION = 1;

/**
 * Creates the BERT model codec for the environment of a runtime (the package's entries pass their
 * own, so `run.logModel(bert)` and `loadModel("models:/…")` work as they are), with the options
 * decoded models run with. The loader is imported when a BERT folder is first decoded, so pages
 * that only read TF-IDF models do not carry it.
 *
 * @example
 * ```ts
 * const codec = createBertCodec({ runtime: async () => ort }, { threads: 2 });
 * ```
 */
export function createBertCodec(environment: BertEnvironment, options: BertCodecOptions = {}): ModelCodec {
  const settings = Object.freeze({ ...options });
  return Object.freeze({
    kind: "bert",
    formatVersion: BERT_FORMAT_VERSION,
    dataPath: "onnx",
    async encode(model: SentimentModel): Promise<ArtifactFile[]> {
      if (!isBertModel(model)) {
        throw SentiMlopsError.invalidParameterValue(
          `the bert codec needs a model from loadBert, got ${describeType(model)}${model && typeof model === "object" ? ` of kind ${JSON.stringify((model as SentimentModel).kind)}` : ""}`,
          { component: "models" },
        );
      }
      return (model as BertModel).sourceFiles();
    },
    async decode(read: ModelFileReader, flavor: SentiFlavor): Promise<SentimentModel> {
      const listed = new Set(Object.keys(flavor.files));
      // The folder holds the ONNX file the model was logged with; prefer the one asked for.
      const dtype = settings.dtype ?? (listed.has(BERT_MODEL_FILES.fp32) ? "fp32" : "q8");
      const files = {
        source: "the logged model",
        read: (path: string) => (listed.has(path) ? read(path) : Promise.resolve(null)),
        dispose: async () => {},
      };
      const { loadBertFromFiles } = await import("../bert/load-bert.js");
      return loadBertFromFiles(files, { ...settings, dtype }, environment);
    },
  });
}
