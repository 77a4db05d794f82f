/**
 * Dataset helpers: the IMDB loader.
 *
 * @module
 */

import { imdb } from "./imdb.js";

export { imdb, IMDB_SHA256, IMDB_URL, type ImdbOptions, type ImdbProgress, type ImdbSplits } from "./imdb.js";

/**
 * Loaders for well-known sentiment datasets, each returning its official splits as labelled texts.
 *
 * @example
 * ```ts
 * import { datasets } from "senti-mlops/data";
 *
 * const { train, test } = await datasets.imdb();
 * ```
 */
export const datasets = /* @__PURE__ */ Object.freeze({ imdb });
