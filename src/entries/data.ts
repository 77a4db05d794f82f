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

export type { CommonReadOptions, DataSource, LabeledText, LabelMode } from "../data/types.js";
export { readCsv, readTsv, type ReadCsvOptions } from "../data/read-csv.js";
export { readJsonl, type ReadJsonlOptions } from "../data/read-jsonl.js";
export { readDataset, DATASET_EXTENSIONS, type ReadDatasetOptions } from "../data/read-dataset.js";
export { collect } from "../data/collect.js";
export { datasets, IMDB_SHA256, IMDB_URL, type ImdbOptions, type ImdbProgress, type ImdbSplits } from "../data/datasets/index.js";
export type { FetchLike } from "../data/download.js";
export { holdoutSplit, isHeldOut, type HoldoutOptions } from "../data/holdout.js";
