/**
 * Types shared by the dataset readers.
 *
 * @module
 */

import type { Readable } from "node:stream";

export type { LabeledText } from "../types.js";

/**
 * Where a reader takes its bytes from: a file path, a `file:` URL, a Node `Readable`, a web
 * `ReadableStream`, or an (async) iterable of text or byte chunks. Bytes are decoded as UTF-8
 * (or as {@link CommonReadOptions.encoding} says); a chunk may end in the middle of a character. A string is always a path: to parse text held in
 * memory, pass it as a one-chunk array (`[csvText]`).
 *
 * @example
 * ```ts
 * const sources: DataSource[] = [
 *   "./data/train.csv",
 *   new URL("file:///data/train.csv"),
 *   fs.createReadStream("./data/train.csv"),
 *   (await fetch(url)).body!,
 *   ["text,label\n", "great,1\n"],
 * ];
 * ```
 */
export type DataSource =
  | string
  | URL
  | Readable
  | ReadableStream<Uint8Array | string>
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>;

/**
 * How raw labels are turned into {@link LabeledText.label}:
 * - `"auto"`: an integer literal (`"0"`, `"1"`, `"-1"`) becomes a number, anything else stays a string;
 * - `"number"`: every label must be a number;
 * - `"string"`: every label is kept as a string.
 *
 * @example
 * ```ts
 * const mode: LabelMode = "string"; // keep "0"/"1" as strings
 * ```
 */
export type LabelMode = "auto" | "number" | "string";

/**
 * Options shared by every reader.
 *
 * @example
 * ```ts
 * const common: CommonReadOptions = { labelMap: { pos: 1, neg: 0 }, limit: 1000 };
 * ```
 */
export interface CommonReadOptions {
  /**
   * Maps each raw label (as a string) to the label to use, e.g. `{ pos: 1, neg: 0 }`. A row whose
   * label is not a key of the map is an error. When given, {@link CommonReadOptions.labels} is not
   * applied: the mapped value is used as it is.
   * @default undefined (labels are converted by `labels`)
   */
  labelMap?: Readonly<Record<string, string | number>>;
  /**
   * How raw labels are converted when there is no `labelMap`; see {@link LabelMode}.
   * @default "auto"
   */
  labels?: LabelMode;
  /**
   * The maximum number of rows to yield; reading stops (and the source is closed) after it.
   * @default Infinity
   */
  limit?: number;
  /**
   * The encoding of the bytes: `"utf-8"`, or a single-byte encoding for older files, such as
   * `"windows-1252"` (which `"latin1"` and `"iso-8859-1"` also name, as in browsers),
   * `"iso-8859-15"` or `"windows-1251"`. Decoding is strict: a byte sequence that is not valid in
   * the encoding is an error naming the file, the line and the byte offset, never a silent U+FFFD.
   * Text chunks (strings) of a source are text already and are not decoded again.
   * @default "utf-8"
   */
  encoding?: string;
}
