/**
 * The data a training run logs as MLflow dataset inputs: how `trainTfidf`'s `datasets` option
 * names them, its checks, and the builders that describe the rows as they are read (the rows
 * actually trained and validated on, whatever iterable they came from).
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import { LabeledDatasetBuilder } from "../mlflow/labeled-dataset.js";
import type { Dataset } from "../mlflow/tracking-entities.js";
import type { TrainingRun } from "../types.js";

/**
 * How a training run names one of its datasets in MLflow (what `mlflow.data.from_pandas(df,
 * source=…, name=…)` would be given for the same rows).
 *
 * @example
 * ```ts
 * const training: TrainingDatasetInfo = { name: "train.csv", source: "/data/sst2/train.csv" };
 * ```
 */
export interface TrainingDatasetInfo {
  /**
   * The dataset's name in MLflow's UI (e.g. the file's name).
   * @default "training" for the training data, "validation" for the validation data
   */
  name?: string;
  /**
   * Where the rows were read, a path or URI: the source is then `local` with this `uri`, as MLflow
   * records a file. Without it the source is `code` (`{"tags": {}}`), as MLflow records a DataFrame
   * built in code.
   */
  source?: string;
  /** The text column's name in the source (the digest hashes column names). @default "text" */
  textColumn?: string;
  /** The label column's name in the source. @default "label" */
  labelColumn?: string;
}

/**
 * `trainTfidf`'s `datasets` option: how the run names its training and validation data.
 *
 * @example
 * ```ts
 * const datasets: TrainingDatasets = {
 *   training: { name: "train.csv", source: "/data/sst2/train.csv" },
 *   validation: { name: "dev.csv", source: "/data/sst2/dev.csv" },
 * };
 * await trainTfidf(train, { validation: dev, run, datasets });
 * ```
 */
export interface TrainingDatasets {
  /** The training data (context `training`). */
  training?: TrainingDatasetInfo;
  /** The validation data (context `eval`); needs the `validation` option. */
  validation?: TrainingDatasetInfo;
}

/**
 * MLflow's limit on a dataset's name (`LIMITS.datasetName` of src/mlflow/validation.ts, not imported:
 * that module would weigh on every page that loads the TF-IDF entry).
 */
const MAX_DATASET_NAME = 500;

/** The default names of the datasets of a training run. */
const DEFAULT_NAMES = { training: "training", validation: "validation" } as const;

const DATASET_KEYS = ["training", "validation"] as const;
const INFO_KEYS = ["name", "source", "textColumn", "labelColumn"] as const;

function invalid(message: string): SentiMlopsError {
  return SentiMlopsError.invalidParameterValue(message, { component: "tfidf" });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function checkInfo(info: unknown, path: string): void {
  if (info === undefined) return;
  if (!isRecord(info)) throw invalid(`${path} must be an object { name?, source?, textColumn?, labelColumn? }, got ${describeType(info)}`);
  for (const key of Object.keys(info)) {
    if (!(INFO_KEYS as readonly string[]).includes(key)) throw invalid(`${path}.${key} is not an option: expected name, source, textColumn or labelColumn`);
  }
  for (const key of INFO_KEYS) {
    const value = info[key];
    if (value === undefined) continue;
    if (typeof value !== "string" || value.trim() === "") throw invalid(`${path}.${key} must be a non-empty string, got ${typeof value === "string" ? JSON.stringify(value) : describeType(value)}`);
  }
  if (typeof info.name === "string" && info.name.length > MAX_DATASET_NAME) {
    throw invalid(`${path}.name is ${info.name.length} characters long; MLflow's limit is ${MAX_DATASET_NAME}`);
  }
  if (info.textColumn !== undefined && info.textColumn === info.labelColumn) {
    throw invalid(`${path}.textColumn and ${path}.labelColumn are both ${JSON.stringify(info.textColumn)}; the two columns need different names`);
  }
}

/**
 * Checks `trainTfidf`'s `datasets` option before anything is read.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming the bad field (`datasets.training.name`, …),
 * or `datasets.validation` given without validation data.
 *
 * @example
 * ```ts
 * checkTrainingDatasets({ training: { name: "train.csv" } }, false); // fine
 * checkTrainingDatasets({ validation: { name: "dev.csv" } }, false); // throws: datasets.validation names validation data, but the validation option is not given
 * ```
 */
export function checkTrainingDatasets(datasets: unknown, hasValidation: boolean): void {
  if (datasets === undefined) return;
  if (!isRecord(datasets)) throw invalid(`datasets must be an object { training?, validation? }, got ${describeType(datasets)}`);
  for (const key of Object.keys(datasets)) {
    if (!(DATASET_KEYS as readonly string[]).includes(key)) throw invalid(`datasets.${key} is not a dataset: expected training or validation`);
  }
  checkInfo(datasets.training, "datasets.training");
  checkInfo(datasets.validation, "datasets.validation");
  if (datasets.validation !== undefined && !hasValidation) {
    throw invalid("datasets.validation names validation data, but the validation option is not given");
  }
}

/**
 * The builders of the datasets a run logs, fed the rows as training and validation read them.
 *
 * @example
 * ```ts
 * const recorders: DatasetRecorders | undefined = datasetRecorders(run, options.datasets, true);
 * ```
 */
export interface DatasetRecorders {
  readonly training: LabeledDatasetBuilder;
  readonly validation?: LabeledDatasetBuilder;
}

/**
 * Builders of the training (and validation) dataset when `run` can log inputs, else undefined.
 *
 * @example
 * ```ts
 * const recorders = datasetRecorders(run, { training: { name: "train.csv", source: path } }, false);
 * await fitTfidf(rows, options, recorders?.training);
 * ```
 */
export function datasetRecorders(run: TrainingRun | undefined, datasets: TrainingDatasets | undefined, hasValidation: boolean): DatasetRecorders | undefined {
  if (!run?.logInput) return undefined;
  const builder = (info: TrainingDatasetInfo | undefined, kind: keyof typeof DEFAULT_NAMES): LabeledDatasetBuilder =>
    new LabeledDatasetBuilder({ ...info, name: info?.name ?? DEFAULT_NAMES[kind] });
  return {
    training: builder(datasets?.training, "training"),
    ...(hasValidation ? { validation: builder(datasets?.validation, "validation") } : {}),
  };
}

/**
 * The datasets a training run logs: its training data, and its validation data when it has some.
 *
 * @example
 * ```ts
 * const logged: TrainingDatasetInputs = { training: recorders.training.build() };
 * ```
 */
export interface TrainingDatasetInputs {
  readonly training: Dataset;
  readonly validation?: Dataset;
}

/**
 * The datasets of the rows the recorders saw.
 *
 * @example
 * ```ts
 * const inputs = recorders && builtDatasets(recorders); // { training: { name: "train.csv", digest: "…", … } }
 * ```
 */
export function builtDatasets(recorders: DatasetRecorders): TrainingDatasetInputs {
  return { training: recorders.training.build(), ...(recorders.validation ? { validation: recorders.validation.build() } : {}) };
}
