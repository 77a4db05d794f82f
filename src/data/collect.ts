/**
 * Gathers an async iterable into an array.
 *
 * @module
 */

/**
 * Reads every element of `iterable` into an array.
 *
 * @example
 * ```ts
 * import { readCsv, collect } from "senti-mlops/data";
 *
 * const rows = await collect(readCsv("./data/sst2/dev.csv")); // LabeledText[]
 * ```
 */
export async function collect<T>(iterable: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
