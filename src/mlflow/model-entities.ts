/**
 * MLflow's model entities as senti-mlops reads and writes them: the contents of an `MLmodel` file
 * (with the `senti_mlops` flavor) and model signatures. Types only, plus the flavor's name.
 *
 * @module
 */

/**
 * The flavor name senti-mlops writes and reads in `MLmodel` files.
 *
 * @example
 * ```ts
 * const flavor = mlmodel.flavors[SENTI_FLAVOR]; // the "senti_mlops" section of an MLmodel file
 * ```
 */
export const SENTI_FLAVOR = "senti_mlops";

/**
 * A data file of a model and its checksum.
 *
 * @example
 * ```ts
 * const file: ModelFileDigest = { sha256: "9f86d081…", size: 1234 };
 * ```
 */
export interface ModelFileDigest {
  readonly sha256: string;
  readonly size: number;
}

/**
 * The `senti_mlops` flavor of an `MLmodel` file.
 *
 * @example
 * ```ts
 * const flavor: SentiFlavor = {
 *   model_kind: "tfidf", format_version: 1, senti_mlops_version: "0.1.0", data: "model.senti",
 *   labels: ["negative", "positive"], files: { "model.senti": { sha256: "…", size: 1234 } },
 * };
 * ```
 */
export interface SentiFlavor {
  /** `"tfidf"`, `"bert"`, … */
  readonly model_kind: string;
  /** The version of that kind's file format. */
  readonly format_version: number;
  readonly senti_mlops_version: string;
  /** The main data file or folder, relative to the model folder. */
  readonly data: string;
  readonly labels: readonly string[];
  /** Every data file (not `MLmodel` itself) with its checksum, by path relative to the model folder. */
  readonly files: Readonly<Record<string, ModelFileDigest>>;
}

/**
 * The contents of an `MLmodel` file, with MLflow's key names (snake_case, as the file has them).
 * Unknown keys written by MLflow or other tools are kept in `extra` and written back.
 *
 * @example
 * ```ts
 * const mlmodel: MlModel = parseMlModel(new TextDecoder().decode(bytes));
 * mlmodel.flavors.senti_mlops?.model_kind; // "tfidf"
 * ```
 */
export interface MlModel {
  readonly artifact_path?: string;
  readonly flavors: Readonly<Record<string, unknown>> & { readonly [SENTI_FLAVOR]?: SentiFlavor };
  readonly model_uuid: string;
  readonly run_id?: string;
  /** `YYYY-MM-DD HH:MM:SS.ffffff`, naive UTC, as MLflow writes it. */
  readonly utc_time_created: string;
  readonly mlflow_version: string;
  readonly signature?: { readonly inputs: string | null; readonly outputs: string | null; readonly params: string | null };
  readonly saved_input_example_info?: Readonly<Record<string, unknown>>;
  readonly model_size_bytes?: number;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/**
 * One column of a model signature, in MLflow's column-based schema.
 *
 * @example
 * ```ts
 * const column: ColumnSpec = { type: "string", name: "text", required: true };
 * ```
 */
export interface ColumnSpec {
  readonly type: "boolean" | "integer" | "long" | "float" | "double" | "string" | "binary" | "datetime";
  readonly name?: string;
  /** @default true */
  readonly required?: boolean;
}

/**
 * A model signature: what the model takes and returns, as MLflow records it.
 *
 * @example
 * ```ts
 * const signature: ModelSignature = { inputs: [{ type: "string", name: "text" }], outputs: [{ type: "string", name: "label" }] };
 * ```
 */
export interface ModelSignature {
  readonly inputs: readonly ColumnSpec[];
  readonly outputs?: readonly ColumnSpec[];
}
