/**
 * Picks a reader by file extension.
 *
 * @module
 */

import { extname } from "node:path";
import { SentiMlopsError } from "../errors.js";
import { readCsv, type ReadCsvOptions } from "./read-csv.js";
import { readJsonl, type ReadJsonlOptions } from "./read-jsonl.js";
import { toPath } from "./source.js";
import type { LabeledText } from "./types.js";

/**
 * Options of {@link readDataset}: the CSV options apply to `.csv` and `.tsv` files, the JSONL
 * options to `.jsonl` and `.ndjson` files.
 *
 * @example
 * ```ts
 * const options: ReadDatasetOptions = { textColumn: "sentence", textField: "sentence", limit: 100 };
 * ```
 */
export interface ReadDatasetOptions extends Omit<ReadCsvOptions, "delimiter">, ReadJsonlOptions {}

/**
 * The extensions {@link readDataset} understands, lower case.
 *
 * @example
 * ```ts
 * DATASET_EXTENSIONS.includes(extname(file).toLowerCase() as never);
 * ```
 */
export const DATASET_EXTENSIONS = /* @__PURE__ */ Object.freeze([".csv", ".tsv", ".jsonl", ".ndjson"] as const);

/**
 * Reads a dataset file with the reader its extension calls for (case-insensitive): `.csv` →
 * {@link readCsv}, `.tsv` → {@link readTsv}, `.jsonl`/`.ndjson` → {@link readJsonl}.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for any other extension (the message lists the
 *   supported ones), plus the errors of the chosen reader.
 *
 * @example
 * ```ts
 * import { readDataset, collect } from "senti-mlops/data";
 *
 * const train = await collect(readDataset("./data/imdb/train.csv"));
 * ```
 */
export function readDataset(path: string | URL, options: ReadDatasetOptions = {}): AsyncIterable<LabeledText> {
  const file = toPath(path);
  const extension = extname(file).toLowerCase();
  switch (extension) {
    case ".csv":
      return readCsv(file, { ...options, delimiter: "," });
    case ".tsv":
      return readCsv(file, { ...options, delimiter: "\t" });
    case ".jsonl":
    case ".ndjson":
      return readJsonl(file, options);
    default:
      throw SentiMlopsError.invalidParameterValue(
        `cannot tell the format of ${file}: extension ${JSON.stringify(extension)} is not one of ${DATASET_EXTENSIONS.join(", ")}`,
        { component: "data" },
      );
  }
}
