/**
 * Labeled texts as an MLflow dataset, as `mlflow.data.from_pandas(df, source=…, name=…)` describes
 * the DataFrame of their two columns: MLflow's digest, the schema and the profile. Evaluation
 * (`evaluationDataset`) and training (`trainTfidf({ run })`) both log their data with it.
 *
 * @module
 */
import type { LabeledText } from "../types.js";
import { pandasDigest } from "./dataset-digest.js";
import type { Dataset } from "./tracking-entities.js";

/** MLflow hashes at most this many rows (`digest_utils.MAX_ROWS`); the rest only count. */
const DIGEST_ROWS = 10_000;

/** `json.dumps(value)` as Python writes it (MLflow's dataset fields): ", " and ": " separators, non-ASCII escaped. */
function pyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJson).join(", ")}]`;
  if (value !== null && typeof value === "object") return `{${Object.entries(value).map(([k, v]) => `${pyJson(k)}: ${pyJson(v)}`).join(", ")}}`;
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * How a set of labeled texts is described as an MLflow dataset.
 *
 * @example
 * ```ts
 * const options: LabeledDatasetOptions = { name: "train.csv", source: "/data/train.csv" };
 * ```
 */
export interface LabeledDatasetOptions {
  /** The dataset's name in MLflow's UI (e.g. the file's name). */
  name: string;
  /**
   * Where the data was read, a path or URI: the source is then `local` with this `uri`, as
   * `from_pandas(df, source=path)` records a file; without it the source is `code` (`{"tags": {}}`),
   * as MLflow records a DataFrame built in code.
   */
  source?: string;
  /** The text column's name (as in the file, so that the digest is the file's). @default "text" */
  textColumn?: string;
  /** The label column's name. @default "label" */
  labelColumn?: string;
}

/**
 * Builds the MLflow dataset of labeled texts added one by one, keeping only what MLflow's digest
 * reads (the first 10,000 rows) and the row count: a corpus streamed into training is described
 * without being held twice.
 *
 * @example
 * ```ts
 * const builder = new LabeledDatasetBuilder({ name: "train.csv", source: "/data/train.csv" });
 * for (const row of rows) builder.add(row);
 * await run.logInput(builder.build(), { context: "training" });
 * ```
 */
export class LabeledDatasetBuilder {
  private readonly texts: string[] = [];
  private readonly labels: (string | number)[] = [];
  private rows = 0;
  private numeric = true;

  /** @param options - the dataset's name, source and column names */
  constructor(readonly options: LabeledDatasetOptions) {}

  /** The number of rows added. */
  get size(): number {
    return this.rows;
  }

  /** Adds one row (the next of the table). */
  add(row: LabeledText): void {
    if (this.rows < DIGEST_ROWS) {
      this.texts.push(row.text);
      this.labels.push(row.label);
    }
    if (typeof row.label !== "number") this.numeric = false;
    this.rows++;
  }

  /**
   * The dataset of the rows added so far: the digest `mlflow.data.from_pandas` computes for their
   * DataFrame (text, then label), the schema (`string` text, `long` or `string` labels) and the
   * profile (rows and elements).
   */
  build(): Dataset {
    const { options } = this;
    const textColumn = options.textColumn ?? "text";
    const labelColumn = options.labelColumn ?? "label";
    const schema = [
      { type: "string", name: textColumn, required: true },
      { type: this.rows > 0 && this.numeric ? "long" : "string", name: labelColumn, required: true },
    ];
    const digest = pandasDigest(
      [
        { name: textColumn, values: this.texts },
        { name: labelColumn, values: this.labels },
      ],
      this.rows,
    );
    return {
      name: options.name,
      digest,
      sourceType: options.source === undefined ? "code" : "local",
      source: options.source === undefined ? pyJson({ tags: {} }) : pyJson({ uri: options.source }),
      schema: pyJson({ mlflow_colspec: schema }),
      profile: pyJson({ num_rows: this.rows, num_elements: this.rows * 2 }),
    };
  }
}

/**
 * Labeled texts as an MLflow dataset, as `mlflow.data.from_pandas(df, source=…, name=…)`
 * describes the DataFrame of their two columns (text, then label): the digest MLflow computes for
 * it (so `pd.read_csv("test.csv")` of a file with just these columns gets the same digest), the
 * schema (`string` text, `long` or `string` labels) and the profile (rows and elements).
 *
 * @example
 * ```ts
 * const dataset = labeledTextDataset(rows, { name: "dev.csv", source: "/data/sst2/dev.csv" });
 * dataset.digest; // "090257a3", as mlflow.data.from_pandas(pd.read_csv("/data/sst2/dev.csv")).digest
 * ```
 */
export function labeledTextDataset(rows: readonly LabeledText[], options: LabeledDatasetOptions): Dataset {
  const builder = new LabeledDatasetBuilder(options);
  for (const row of rows) builder.add(row);
  return builder.build();
}
