/**
 * MLflow model folders: packaging a model as its data files plus an `MLmodel` file (with
 * checksums), and reading one back with every checksum verified.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import type { SentimentModel } from "../types.js";
import type { ArtifactFile, ArtifactStore } from "../adapters/artifact-store.js";
import { findCodec, tfidfCodec, type ModelCodec } from "./model-codec.js";
import { MLMODEL_MLFLOW_VERSION, SENTI_MLOPS_VERSION, mlflowUtcTime, sha256Hex } from "./model-meta.js";
import { SENTI_FLAVOR, type ColumnSpec, type MlModel, type ModelFileDigest, type ModelSignature, type SentiFlavor } from "../mlflow/model-entities.js";



/**
 * The signature of every senti-mlops classifier: a `text` column in; `label` and `score` out.
 *
 * @example
 * ```ts
 * await run.logModel(model, "model", { signature: TEXT_CLASSIFIER_SIGNATURE });
 * ```
 */
export const TEXT_CLASSIFIER_SIGNATURE: ModelSignature = /* @__PURE__ */ Object.freeze({
  inputs: Object.freeze([{ type: "string", name: "text", required: true }]) as readonly ColumnSpec[],
  outputs: Object.freeze([
    { type: "string", name: "label", required: true },
    { type: "double", name: "score", required: true },
  ]) as readonly ColumnSpec[],
});

/**
 * Options of {@link packageModel}.
 *
 * @example
 * ```ts
 * const { files, mlmodel } = await packageModel(model, { artifactPath: "model", runId, inputExample: ["a great film"] });
 * ```
 */
export interface PackageModelOptions {
  /** Recorded as the MLmodel's `artifact_path`. */
  artifactPath?: string;
  /** Recorded as the MLmodel's `run_id`. */
  runId?: string;
  /** @default {@link TEXT_CLASSIFIER_SIGNATURE}; `false` records none */
  signature?: ModelSignature | false;
  /** A few texts saved as `input_example.json` (and `serving_input_example.json`), as MLflow saves examples. */
  inputExample?: readonly string[];
  /** The kinds of model that can be handled. @default the TF-IDF codec only (the package's own calls pass every kind) */
  codecs?: readonly ModelCodec[];
  /**
   * Add MLflow's `python_function` flavor, with its Python loader and environment files, so that
   * `mlflow.pyfunc.load_model` and `mlflow models serve` can use the model (TF-IDF and BERT).
   * @default true
   */
  pythonFunction?: boolean;
  /** The clock, in epoch ms. @default Date.now */
  now?: () => number;
}

/**
 * A packaged model: its files (data files first, `MLmodel` last) and the parsed `MLmodel`.
 *
 * @example
 * ```ts
 * const { files, mlmodel } = await packageModel(model);
 * files.at(-1)!.path; // "MLmodel"
 * ```
 */
export interface PackagedModel {
  readonly files: readonly ArtifactFile[];
  readonly mlmodel: MlModel;
}

const encoder = /* @__PURE__ */ new TextEncoder();

function columnsJson(columns: readonly ColumnSpec[], what: string): string {
  if (!Array.isArray(columns)) throw SentiMlopsError.invalidParameterValue(`signature.${what} must be an array, got ${describeType(columns)}`, { component: "models" });
  return JSON.stringify(
    columns.map((c, i) => {
      if (c === null || typeof c !== "object" || typeof c.type !== "string") {
        throw SentiMlopsError.invalidParameterValue(`signature.${what}[${i}] must be { type, name?, required? }`, { component: "models" });
      }
      return { type: c.type, ...(c.name !== undefined ? { name: c.name } : {}), required: c.required ?? true };
    }),
  );
}

function randomHex(bytes: number): string {
  const data = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(data);
  return Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Packages `model` as an MLflow model folder: the codec's data files, an optional input example,
 * the `python_function` flavor's loader and environment files, and an `MLmodel` file whose
 * `senti_mlops` flavor lists every other file with its SHA-256.
 *
 * @example
 * ```ts
 * const { files } = await packageModel(model, { runId, artifactPath: "model", inputExample: ["Great movie!"] });
 * await artifacts.logArtifacts(files, "model");
 * ```
 */
export async function packageModel(model: SentimentModel, options: PackageModelOptions = {}): Promise<PackagedModel> {
  if (model === null || typeof model !== "object" || typeof (model as SentimentModel).kind !== "string") {
    throw SentiMlopsError.invalidParameterValue(`model must be a senti-mlops model (with a kind), got ${describeType(model)}`, { component: "models" });
  }
  const codec = findCodec(options.codecs ?? [tfidfCodec], model.kind);
  const files: ArtifactFile[] = [...(await codec.encode(model))];
  if (files.some((f) => f.path === "MLmodel")) throw new SentiMlopsError("INTERNAL_ERROR", `codec ${codec.kind} wrote a file named MLmodel`, { component: "models" });

  let exampleInfo: Record<string, unknown> | undefined;
  if (options.inputExample !== undefined) {
    const example = options.inputExample;
    if (!Array.isArray(example) || example.length === 0 || !example.every((t) => typeof t === "string")) {
      throw SentiMlopsError.invalidParameterValue(`inputExample must be a non-empty array of strings, got ${describeType(example)}`, { component: "models" });
    }
    const split = { columns: ["text"], data: example.map((t) => [t]) };
    files.push({ path: "input_example.json", bytes: encoder.encode(JSON.stringify(split)) });
    files.push({ path: "serving_input_example.json", bytes: encoder.encode(JSON.stringify({ dataframe_split: split }, null, 2)) });
    exampleInfo = { artifact_path: "input_example.json", type: "dataframe", pandas_orient: "split", serving_input_path: "serving_input_example.json" };
  }

  // Imported when a model is packaged, so pages that only predict do not carry the Python loader.
  const pyfunc = options.pythonFunction === false ? null : (await import("./pyfunc-flavor.js")).pythonFunctionFlavor(model);
  if (pyfunc) files.push(...pyfunc.files);

  const digests: Record<string, ModelFileDigest> = {};
  let size = 0;
  for (const file of files) {
    digests[file.path] = { sha256: sha256Hex(file.bytes), size: file.bytes.byteLength };
    size += file.bytes.byteLength;
  }
  const flavor: SentiFlavor = {
    model_kind: codec.kind,
    format_version: codec.formatVersion,
    senti_mlops_version: SENTI_MLOPS_VERSION,
    data: codec.dataPath,
    labels: [...model.labels],
    files: digests,
  };
  const signature = options.signature === undefined ? TEXT_CLASSIFIER_SIGNATURE : options.signature;
  const mlmodel: MlModel = {
    ...(options.artifactPath !== undefined ? { artifact_path: options.artifactPath } : {}),
    flavors: { ...(pyfunc ? { python_function: pyfunc.flavor } : {}), [SENTI_FLAVOR]: flavor },
    model_uuid: randomHex(16),
    ...(options.runId !== undefined ? { run_id: options.runId } : {}),
    utc_time_created: mlflowUtcTime((options.now ?? Date.now)()),
    mlflow_version: MLMODEL_MLFLOW_VERSION,
    ...(signature
      ? { signature: { inputs: columnsJson(signature.inputs, "inputs"), outputs: signature.outputs ? columnsJson(signature.outputs, "outputs") : null, params: null } }
      : {}),
    ...(exampleInfo ? { saved_input_example_info: exampleInfo } : {}),
    model_size_bytes: size,
  };
  // YAML is imported when a model is packaged or read, so pages that never touch a model folder do not carry it.
  const { stringifyMlModel } = await import("./mlmodel.js");
  files.push({ path: "MLmodel", bytes: encoder.encode(stringifyMlModel(mlmodel)) });
  return { files, mlmodel };
}

/**
 * Options of {@link readModelFolder}.
 *
 * @example
 * ```ts
 * const model = await readModelFolder(await tracking.openArtifacts(`${artifactUri}/model`), { codecs: DEFAULT_CODECS });
 * ```
 */
export interface ReadModelFolderOptions {
  /** The kinds of model that can be handled. @default the TF-IDF codec only (the package's own calls pass every kind) */
  codecs?: readonly ModelCodec[];
}

/**
 * Loads the model in an MLflow model folder written by senti-mlops: reads `MLmodel`, checks the
 * `senti_mlops` flavor, verifies each listed file's size and SHA-256, and decodes the model. A
 * folder without that flavor but with MLflow's `onnx` flavor (a BERT text classifier a Python team
 * logged with `mlflow.onnx.log_model`, its tokenizer files beside it) loads through the `bert`
 * codec, without checksums (none are recorded): see `readOnnxFlavorModel`.
 *
 * @throws {SentiMlopsError} `RESOURCE_DOES_NOT_EXIST` when there is no `MLmodel`;
 * `INVALID_PARAMETER_VALUE` for a model with neither the senti_mlops nor the onnx flavor, or of a newer format;
 * `DATA_LOSS` naming the file when one is missing or its checksum differs.
 *
 * @example
 * ```ts
 * const model = await readModelFolder(await tracking.openArtifacts("mlflow-artifacts:/1/abc/artifacts/model"));
 * ```
 */
export async function readModelFolder(folder: ArtifactStore, options: ReadModelFolderOptions = {}): Promise<SentimentModel> {
  const mlmodelBytes = await folder.readArtifact("MLmodel");
  if (mlmodelBytes === null) {
    throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `no MLmodel file at ${folder.uri}: not an MLflow model folder`, { component: "models" });
  }
  const { parseMlModel } = await import("./mlmodel.js");
  const mlmodel = parseMlModel(new TextDecoder().decode(mlmodelBytes));
  const flavor = mlmodel.flavors[SENTI_FLAVOR];
  if (!flavor) {
    // A model logged by Python with MLflow's onnx flavor: see onnx-flavor.ts for what loads.
    const { ONNX_FLAVOR, readOnnxFlavorModel } = await import("./onnx-flavor.js");
    if (mlmodel.flavors[ONNX_FLAVOR] !== undefined) return readOnnxFlavorModel(folder, mlmodel, options.codecs ?? [tfidfCodec]);
    const found = Object.keys(mlmodel.flavors).join(", ") || "none";
    throw SentiMlopsError.invalidParameterValue(
      `the model at ${folder.uri} has no ${SENTI_FLAVOR} flavor (flavors: ${found}); senti-mlops loads models it logged, and text classifiers logged with MLflow's ${ONNX_FLAVOR} flavor`,
      { component: "models" },
    );
  }
  const codec = findCodec(options.codecs ?? [tfidfCodec], flavor.model_kind);
  if (flavor.format_version > codec.formatVersion) {
    throw SentiMlopsError.invalidParameterValue(
      `the ${flavor.model_kind} model at ${folder.uri} has format ${flavor.format_version}; this version reads up to ${codec.formatVersion}: upgrade senti-mlops`,
      { component: "models" },
    );
  }
  const verify = async (path: string, digest: ModelFileDigest): Promise<[string, Uint8Array]> => {
    const bytes = await folder.readArtifact(path);
    if (bytes === null) throw new SentiMlopsError("DATA_LOSS", `${path}, listed in the MLmodel of ${folder.uri}, is missing`, { component: "models" });
    if (bytes.byteLength !== digest.size || sha256Hex(bytes) !== digest.sha256) {
      throw new SentiMlopsError(
        "DATA_LOSS",
        `${path} at ${folder.uri} does not match its checksum in MLmodel (${bytes.byteLength} bytes, expected ${digest.size}): the model is corrupt or was modified`,
        { component: "models" },
      );
    }
    return [path, bytes];
  };
  // Every listed file is verified, not only those the codec reads, so tampering anywhere is caught.
  const verified = new Map(await Promise.all(Object.entries(flavor.files).map(([path, digest]) => verify(path, digest))));
  const read = async (path: string): Promise<Uint8Array> => {
    const bytes = verified.get(path);
    if (!bytes) throw new SentiMlopsError("DATA_LOSS", `${path} is not listed in the MLmodel of ${folder.uri}`, { component: "models" });
    return bytes;
  };
  return codec.decode(read, flavor);
}
