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
import type { SentiFlavor } from "./mlmodel.js";
import type { SentimentModel } from "../types.js";
import { isBertModel, BERT_MODEL_FILES, type BertModel } from "../bert/bert-model.js";
import { loadBertFromFiles, type BertEnvironment, type LoadBertOptions } from "../bert/load-bert.js";

/**
 * Options of {@link createBertCodec}: how decoded models run (the `loadBert` options that do not
 * concern where files come from).
 *
 * @example
 * ```ts
 * const options: BertCodecOptions = { threads: 2, maxBatchSize: 64 };
 * ```
 */
export type BertCodecOptions = Omit<LoadBertOptions, "revision" | "cache" | "tracking" | "fetch">;

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
 * Creates the BERT codec; used by the entries, which bind their runtime through `environment`.
 *
 * @example
 * ```ts
 * const codec = createBertCodecIn({ runtime: async () => ort }, { threads: 2 });
 * ```
 */
export function createBertCodecIn(environment: BertEnvironment, options: BertCodecOptions = {}): ModelCodec {
  const settings = Object.freeze({ ...options });
  return Object.freeze({
    kind: "bert",
    formatVersion: BERT_FORMAT_VERSION,
    dataPath: "onnx",
    async encode(model: SentimentModel): Promise<ArtifactFile[]> {
      if (!isBertModel(model)) {
        throw SentiMlopsError.invalidParameterValue(`[senti-mlops] [bert] the bert codec needs a model from loadBert, got ${describeType(model)}${model && typeof model === "object" ? ` of kind ${JSON.stringify((model as SentimentModel).kind)}` : ""}`);
      }
      return (model as BertModel).sourceFiles();
    },
    decode(read: ModelFileReader, flavor: SentiFlavor): Promise<SentimentModel> {
      const listed = new Set(Object.keys(flavor.files));
      // The folder holds the ONNX file the model was logged with; prefer the one asked for.
      const dtype = settings.dtype ?? (listed.has(BERT_MODEL_FILES.fp32) ? "fp32" : "q8");
      const files = {
        source: "the logged model",
        read: (path: string) => (listed.has(path) ? read(path) : Promise.resolve(null)),
        dispose: async () => {},
      };
      return loadBertFromFiles(files, { ...settings, dtype }, environment);
    },
  });
}

/**
 * Creates the BERT codec for `createTracking(uri, { codecs })` and `loadModel(uri, { codecs })`,
 * with the options decoded models run with. Import it from `senti-mlops/bert` to get the runtime
 * of the platform; from the universal core, pass `runtime`.
 *
 * @example
 * ```ts
 * import { createBertCodec, loadBert } from "senti-mlops/bert";
 * import { DEFAULT_CODECS, loadModel } from "senti-mlops";
 *
 * const codecs = [...DEFAULT_CODECS, createBertCodec({ threads: 2 })];
 * const tracking = await createTracking("sqlite:///mlflow.db", { codecs });
 * const run = await tracking.startRun({ experimentName: "sentiment" });
 * await run.logModel(await loadBert("./bert-sst2"), "model", { registeredModelName: "sentiment-bert" });
 * const model = await loadModel("models:/sentiment-bert/1", { tracking, codecs });
 * ```
 */
export function createBertCodec(options: BertCodecOptions = {}): ModelCodec {
  return createBertCodecIn({}, options);
}
