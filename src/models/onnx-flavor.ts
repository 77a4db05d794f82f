/**
 * Models a Python team logged with MLflow's own `onnx` flavor (`mlflow.onnx.log_model`): a BERT
 * text classifier whose tokenizer files were logged beside it loads with `loadModel("models:/…")`
 * and predicts through the BERT path, as a folder in the Hugging Face layout would.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import type { ArtifactStore } from "../adapters/artifact-store.js";
import type { SentimentModel } from "../types.js";
import { BERT_CONFIG_FILES, BERT_MODEL_FILES } from "../bert/bert-model.js";
import { SENTI_MLOPS_VERSION, sha256Hex } from "./model-meta.js";
import { findCodec, type ModelCodec } from "./model-codec.js";
import { BERT_FORMAT_VERSION } from "./bert-codec.js";
import { externalDataFiles, inlineExternalData } from "./onnx-external-data.js";
import type { MlModel, ModelFileDigest, SentiFlavor } from "../mlflow/model-entities.js";

/**
 * The name of MLflow's ONNX flavor in an `MLmodel` file.
 *
 * @example
 * ```ts
 * mlmodel.flavors[ONNX_FLAVOR]; // { data: "model.onnx", onnx_version: "1.23.2", providers: […], … }
 * ```
 */
export const ONNX_FLAVOR = "onnx";

const HOW_TO_LOG = `log them with the model: mlflow.onnx.log_model(onnx_model, name="model", extra_files=[${BERT_CONFIG_FILES.map((f) => JSON.stringify(f)).join(", ")}]) (or code_paths=[…] with the same files)`;

/** A folder-relative path from the MLmodel: no absolute paths, no `..`. */
function relativePath(value: unknown, what: string, uri: string): string {
  if (typeof value !== "string" || value === "" || value.startsWith("/") || value.includes("\\") || value.split("/").some((s) => s === "" || s === "." || s === "..")) {
    throw SentiMlopsError.invalidParameterValue(`the onnx flavor of the model at ${uri} has an invalid ${what}: ${JSON.stringify(value) ?? describeType(value)}`, { component: "models" });
  }
  return value;
}

/** The paths where `name` may be: listed in `extra_files`, in the `code` folder, at the root. */
function candidates(flavor: Record<string, unknown>, name: string, uri: string): string[] {
  const paths: string[] = [];
  const extra = flavor.extra_files;
  if (Array.isArray(extra)) {
    for (const [i, entry] of extra.entries()) {
      const path = relativePath((entry as { path?: unknown } | null)?.path, `extra_files[${i}].path`, uri);
      if (path.split("/").at(-1) === name) paths.push(path);
    }
  }
  if (flavor.code !== undefined && flavor.code !== null) paths.push(`${relativePath(flavor.code, "code", uri)}/${name}`);
  paths.push(name);
  return paths;
}

/**
 * Loads a model logged with MLflow's `onnx` flavor as a BERT text classifier, with the `bert`
 * codec of `codecs` (so with the ONNX Runtime and options that codec runs). What is supported:
 * - the ONNX file is the flavor's `data` (`model.onnx`), with its tensors inline or, as
 *   `mlflow.onnx.log_model` saves them by default (`save_as_external_data=True`), in external data
 *   files beside it (put back inline on load: the model must stay under 2 GiB);
 * - the graph is what `loadBert` runs: inputs `input_ids`, `attention_mask` and optionally
 *   `token_type_ids`, output `logits`;
 * - `config.json` (labels from its `id2label`), `tokenizer.json` (a Hugging Face tokenizer file, as
 *   `loadBert` reads one) and `tokenizer_config.json` are logged beside it, each looked for,
 *   in this order, where `mlflow.onnx.log_model` (MLflow 3.17) stores them: listed in the flavor's
 *   `extra_files` (logged with `extra_files=[…]`, under `extra_files/`); in the flavor's `code`
 *   folder (`code_paths=[…]` with the files themselves, not a folder of them: `code/`); at the
 *   folder's root (files added to a folder saved by `mlflow.onnx.save_model`).
 * The flavor's `providers` and `onnx_session_options` are ignored (the codec's options apply), and
 * the one ONNX file runs as `dtype` `"fp32"` whatever its weights are (a codec set to `"q8"` finds
 * no `onnx/model_quantized.onnx` and fails). Unlike a senti-mlops model, nothing
 * lists checksums for these files, so they are not verified: a modified or truncated file is only
 * caught when it no longer parses.
 *
 * @throws {SentiMlopsError} `RESOURCE_DOES_NOT_EXIST` naming each tokenizer file found in none of
 * the places (and the places looked in); `DATA_LOSS` when the ONNX file or its external data is
 * missing or short; `INVALID_PARAMETER_VALUE` when there is no `bert` codec, or the flavor, the
 * files or the graph are not what `loadBert` runs.
 *
 * @example
 * ```ts
 * const model = await readOnnxFlavorModel(await tracking.openArtifacts(uri), mlmodel, DEFAULT_CODECS);
 * await model.predictProba(["A charming film."]); // [[0.01, 0.99]]
 * ```
 */
export async function readOnnxFlavorModel(folder: ArtifactStore, mlmodel: MlModel, codecs: readonly ModelCodec[]): Promise<SentimentModel> {
  const uri = folder.uri;
  const flavor = mlmodel.flavors[ONNX_FLAVOR];
  if (flavor === null || typeof flavor !== "object" || Array.isArray(flavor)) {
    throw SentiMlopsError.invalidParameterValue(`the ${ONNX_FLAVOR} flavor of the model at ${uri} must be a mapping, got ${describeType(flavor)}`, { component: "models" });
  }
  const settings = flavor as Record<string, unknown>;
  const codec = findCodec(codecs, "bert");
  const dataPath = relativePath(settings.data ?? "model.onnx", "data", uri);

  const found = new Map<string, Uint8Array>();
  const missing: string[] = [];
  for (const name of BERT_CONFIG_FILES) {
    const paths = candidates(settings, name, uri);
    let bytes: Uint8Array | null = null;
    for (const path of paths) if ((bytes = await folder.readArtifact(path)) !== null) break;
    if (bytes === null) missing.push(`${name} (looked in ${paths.join(", ")})`);
    else found.set(name, bytes);
  }
  if (missing.length > 0) {
    throw new SentiMlopsError(
      "RESOURCE_DOES_NOT_EXIST",
      `the ${ONNX_FLAVOR} model at ${uri} has no ${missing.join(", no ")} beside it: senti-mlops runs an onnx-flavor model as a BERT text classifier, which needs ${BERT_CONFIG_FILES.join(", ")}; ${HOW_TO_LOG}`,
      { component: "models" },
    );
  }

  const model = await folder.readArtifact(dataPath);
  if (model === null) throw new SentiMlopsError("DATA_LOSS", `${dataPath}, the ${ONNX_FLAVOR} flavor's data, is missing from ${uri}`, { component: "models" });
  const source = `${dataPath} of ${uri}`;
  const dir = dataPath.includes("/") ? dataPath.slice(0, dataPath.lastIndexOf("/") + 1) : "";
  const external = new Map<string, Uint8Array>();
  for (const location of externalDataFiles(model, source)) {
    const path = `${dir}${relativePath(location, `external data location in ${dataPath}`, uri)}`;
    const bytes = await folder.readArtifact(path);
    if (bytes === null) throw new SentiMlopsError("DATA_LOSS", `${path}, the external data of ${dataPath}, is missing from ${uri}`, { component: "models" });
    external.set(location, bytes);
  }
  found.set(BERT_MODEL_FILES.fp32, inlineExternalData(model, external, source));

  // The files in the bert codec's layout, as a senti-mlops flavor would list them (the digests are
  // of the bytes just read: nothing recorded them before).
  const files: Record<string, ModelFileDigest> = {};
  for (const [path, bytes] of found) files[path] = { sha256: sha256Hex(bytes), size: bytes.byteLength };
  const asBert: SentiFlavor = {
    model_kind: "bert",
    format_version: BERT_FORMAT_VERSION,
    senti_mlops_version: SENTI_MLOPS_VERSION,
    data: "onnx",
    labels: [],
    files,
  };
  const read = async (path: string): Promise<Uint8Array> => {
    const bytes = found.get(path);
    if (!bytes) throw new SentiMlopsError("DATA_LOSS", `${path} is not part of the ${ONNX_FLAVOR} model at ${uri}`, { component: "models" });
    return bytes;
  };
  return codec.decode(read, asBert);
}
