/**
 * `senti-mlops/data` (Node only): streaming readers for labelled text in CSV, TSV and JSON Lines,
 * and dataset loaders.
 *
 * @example
 * ```ts
 * import { readDataset, collect, datasets } from "senti-mlops/data";
 *
 * const dev = await collect(readDataset("./data/sst2/dev.csv"));
 * const { train, test } = await datasets.imdb();
 * ```
 *
 * @module
 */

export type { CommonReadOptions, DataSource, LabeledText, LabelMode } from "./types.js";
export { readCsv, readTsv, type ReadCsvOptions } from "./read-csv.js";
export { readJsonl, type ReadJsonlOptions } from "./read-jsonl.js";
export { readDataset, DATASET_EXTENSIONS, type ReadDatasetOptions } from "./read-dataset.js";
export { collect } from "./collect.js";
export { datasets, IMDB_SHA256, IMDB_URL, type ImdbOptions, type ImdbProgress, type ImdbSplits } from "./datasets/index.js";
export type { FetchLike } from "./download.js";
