/**
 * The `MLmodel` file: MLflow's model descriptor (YAML), with a `senti_mlops` flavor that records
 * the model kind, its format version, its data files and their SHA-256 checksums.
 *
 * @module
 */
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { SentiMlopsError, describeType } from "../errors.js";
import { SENTI_FLAVOR, type MlModel, type SentiFlavor } from "../mlflow/model-entities.js";


/**
 * MLflow reads and writes MLmodel with PyYAML, which speaks YAML 1.1: there `off`, `on`, `yes` and
 * `no` are booleans and `2024-01-01` a date. Written as 1.1, such strings are quoted (the stop word
 * "off" stays a string in Python), and a file is read as MLflow reads it.
 */
const YAML_VERSION = "1.1";

const KNOWN_KEYS = /* @__PURE__ */ new Set([
  "artifact_path",
  "flavors",
  "model_uuid",
  "run_id",
  "utc_time_created",
  "mlflow_version",
  "signature",
  "saved_input_example_info",
  "model_size_bytes",
]);

/**
 * The `MLmodel` dictionary MLflow would write, in MLflow's key order rules (YAML keys sorted, as
 * `yaml.safe_dump` sorts them); null fields are left out, as `Model.to_dict` leaves them out.
 *
 * @example
 * ```ts
 * const dict = mlModelToDict(mlmodel); // { artifact_path: "model", flavors: {…}, … }
 * ```
 */
export function mlModelToDict(model: MlModel): Record<string, unknown> {
  const dict: Record<string, unknown> = { ...model.extra };
  for (const key of KNOWN_KEYS) {
    const value = (model as unknown as Record<string, unknown>)[key];
    if (value !== undefined && value !== null) dict[key] = value;
  }
  return dict;
}

/**
 * Serializes an `MLmodel` file as YAML with sorted keys.
 *
 * @example
 * ```ts
 * const text = stringifyMlModel(mlmodel); // "artifact_path: model\nflavors:\n  senti_mlops: …"
 * ```
 */
export function stringifyMlModel(model: MlModel): string {
  return stringifyYaml(mlModelToDict(model), { sortMapEntries: true, lineWidth: 0, version: YAML_VERSION });
}

const invalid = (what: string): SentiMlopsError =>
  new SentiMlopsError("INVALID_PARAMETER_VALUE", `invalid MLmodel file: ${what}`, { component: "models" });

/**
 * Parses an `MLmodel` file. MLflow's files (any flavor) parse; the `senti_mlops` flavor, when
 * present, is checked field by field.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming what is malformed.
 *
 * @example
 * ```ts
 * const mlmodel = parseMlModel("flavors:\n  senti_mlops: {…}\nmodel_uuid: abc\n…");
 * ```
 */
export function parseMlModel(text: string): MlModel {
  let raw: unknown;
  try {
    raw = parseYaml(text, { version: YAML_VERSION });
  } catch (e) {
    throw new SentiMlopsError("INVALID_PARAMETER_VALUE", `MLmodel is not valid YAML: ${(e as Error).message}`, { cause: e, component: "models" });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw invalid(`expected a mapping, got ${describeType(raw)}`);
  const dict = raw as Record<string, unknown>;
  const flavors = dict.flavors;
  if (flavors === null || typeof flavors !== "object" || Array.isArray(flavors)) throw invalid("'flavors' must be a mapping");
  const senti = (flavors as Record<string, unknown>)[SENTI_FLAVOR];
  if (senti !== undefined) checkSentiFlavor(senti);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(dict)) if (!KNOWN_KEYS.has(key)) extra[key] = value;
  return {
    ...(Object.fromEntries(Object.entries(dict).filter(([key]) => KNOWN_KEYS.has(key))) as unknown as MlModel),
    model_uuid: String(dict.model_uuid ?? ""),
    utc_time_created: String(dict.utc_time_created ?? ""),
    mlflow_version: String(dict.mlflow_version ?? ""),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}

function checkSentiFlavor(value: unknown): asserts value is SentiFlavor {
  if (value === null || typeof value !== "object") throw invalid(`flavor ${SENTI_FLAVOR} must be a mapping`);
  const f = value as Record<string, unknown>;
  if (typeof f.model_kind !== "string" || f.model_kind === "") throw invalid(`${SENTI_FLAVOR}.model_kind must be a non-empty string`);
  if (!Number.isInteger(f.format_version)) throw invalid(`${SENTI_FLAVOR}.format_version must be an integer`);
  if (typeof f.data !== "string") throw invalid(`${SENTI_FLAVOR}.data must be a string`);
  if (!Array.isArray(f.labels) || !f.labels.every((l) => typeof l === "string")) throw invalid(`${SENTI_FLAVOR}.labels must be a list of strings`);
  if (f.files === null || typeof f.files !== "object") throw invalid(`${SENTI_FLAVOR}.files must be a mapping`);
  for (const [path, digest] of Object.entries(f.files as Record<string, unknown>)) {
    const d = digest as Record<string, unknown> | null;
    if (d === null || typeof d !== "object" || typeof d.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(d.sha256) || !Number.isInteger(d.size)) {
      throw invalid(`${SENTI_FLAVOR}.files[${JSON.stringify(path)}] must be { sha256: <64 hex>, size: <integer> }`);
    }
  }
}
