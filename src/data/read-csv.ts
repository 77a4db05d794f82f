/**
 * Streaming CSV and TSV readers.
 *
 * @module
 */

import { Readable, pipeline } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { SentiMlopsError, describeType } from "../errors.js";
import { resolveEncoding, textChunks, utf8Chunks } from "./decode.js";
import { checkLimit, createLabelResolver } from "./labels.js";
import { withOrigin } from "./row-origin.js";
import { sourceName } from "./source.js";
import type { CommonReadOptions, DataSource, LabeledText } from "./types.js";

/**
 * Options of {@link readCsv} and {@link readTsv}.
 *
 * @example
 * ```ts
 * const options: ReadCsvOptions = { textColumn: "sentence", labelMap: { pos: 1, neg: 0 } };
 * ```
 */
export interface ReadCsvOptions extends CommonReadOptions {
  /**
   * The field delimiter.
   * @default "," (`"\t"` for {@link readTsv})
   */
  delimiter?: string;
  /**
   * The quote character, or `false` for files that never quote fields (some TSV exports put a bare
   * `"` inside text).
   * @default '"'
   */
  quote?: string | false;
  /**
   * Whether the first row names the columns. Without a header, columns are chosen by index.
   * @default true
   */
  header?: boolean;
  /**
   * The column holding the text: a header name, or a 0-based index.
   * @default "text" (`0` when `header` is false)
   */
  textColumn?: string | number;
  /**
   * The column holding the label: a header name, or a 0-based index.
   * @default "label" (`1` when `header` is false)
   */
  labelColumn?: string | number;
}

/**
 * Reads labelled texts from CSV (RFC 4180: quoted fields with delimiters, doubled quotes and
 * newlines; CRLF or LF; a UTF-8 BOM is dropped; blank lines are skipped), one row at a time.
 *
 * Text is kept as it is; labels are trimmed and converted as {@link CommonReadOptions} says.
 *
 * Each row carries its file and line in a hidden (non-enumerable) property, so that training can
 * name the line of a label it refuses.
 *
 * @throws {SentiMlopsError} `RESOURCE_DOES_NOT_EXIST` when the file does not exist;
 *   `INVALID_PARAMETER_VALUE` for an unknown `encoding`, bytes that are not valid in the encoding
 *   (the message names the file, the 1-based line and the 0-based byte offset), a column missing
 *   from the header (the message lists the header), a missing, empty or unmapped label (the message
 *   names the file, the 1-based line, header included, and the value), or malformed CSV (the message
 *   gives the parser's line; `cause` is the parser error). Errors surface while iterating.
 *
 * @example
 * ```ts
 * import { readCsv, collect } from "senti-mlops/data";
 *
 * for await (const { text, label } of readCsv("./data/sst2/dev.csv")) console.log(label, text);
 * const rows = await collect(readCsv("reviews.csv", { textColumn: "review", labelMap: { pos: 1, neg: 0 } }));
 * ```
 */
export async function* readCsv(source: DataSource, options: ReadCsvOptions = {}): AsyncIterable<LabeledText> {
  const header = options.header ?? true;
  const textColumn = options.textColumn ?? (header ? "text" : 0);
  const labelColumn = options.labelColumn ?? (header ? "label" : 1);
  const delimiter = options.delimiter ?? ",";
  if (typeof delimiter !== "string" || delimiter === "") {
    throw SentiMlopsError.invalidParameterValue(`delimiter must be a non-empty string, got ${JSON.stringify(delimiter)}`, { component: "data" });
  }
  checkColumnOption("textColumn", textColumn, header);
  checkColumnOption("labelColumn", labelColumn, header);
  const resolveLabel = createLabelResolver(options);
  const limit = checkLimit(options.limit);
  const encoding = resolveEncoding(options.encoding);
  if (limit === 0) return;
  const name = sourceName(source);

  const parser = parse({
    delimiter,
    quote: options.quote === false ? null : (options.quote ?? '"'),
    bom: true,
    skip_empty_lines: true,
    info: true,
  });
  // UTF-8 bytes go to the parser as they are, once checked; other encodings as decoded text.
  const input = encoding === "utf-8" ? utf8Chunks(source, name) : textChunks(source, encoding, name);
  pipeline(Readable.from(input), parser, () => undefined);

  let textIndex = -1;
  let labelIndex = -1;
  let lastLine = 0;
  let lastEmptyLines = 0;
  let count = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
      // `info.lines` is the line a record ends on; the row's own line is where it starts.
      const line = lastLine + 1 + (info.empty_lines - lastEmptyLines);
      lastLine = info.lines;
      lastEmptyLines = info.empty_lines;
      if (textIndex < 0) {
        textIndex = columnIndex("textColumn", textColumn, record, header);
        labelIndex = columnIndex("labelColumn", labelColumn, record, header);
        if (header) continue;
      }
      yield withOrigin({ text: record[textIndex]!, label: resolveLabel(record[labelIndex], line, name) }, name, line);
      if (++count >= limit) return;
    }
  } catch (e) {
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      throw SentiMlopsError.invalidParameterValue(`${name === undefined ? "" : `${name}: `}malformed CSV at line ${line ?? "?"}: ${e.message}`, { cause: e, component: "data" });
    }
    throw e;
  }
}

/**
 * Reads labelled texts from TSV: {@link readCsv} with `delimiter: "\t"`.
 *
 * @example
 * ```ts
 * const rows = await collect(readTsv("./glue/SST-2/dev.tsv", { textColumn: "sentence" }));
 * ```
 */
export function readTsv(source: DataSource, options: Omit<ReadCsvOptions, "delimiter"> = {}): AsyncIterable<LabeledText> {
  return readCsv(source, { ...options, delimiter: "\t" });
}

function checkColumnOption(name: string, column: unknown, header: boolean): void {
  if (typeof column === "number") {
    if (!Number.isInteger(column) || column < 0) {
      throw SentiMlopsError.invalidParameterValue(`${name} must be a non-negative integer index, got ${column}`, { component: "data" });
    }
  } else if (typeof column === "string") {
    if (!header) {
      throw SentiMlopsError.invalidParameterValue(`${name} must be a column index when header is false, got ${JSON.stringify(column)}`, { component: "data" });
    }
  } else {
    throw SentiMlopsError.invalidParameterValue(`${name} must be a column name or index, got ${describeType(column)}`, { component: "data" });
  }
}

function columnIndex(name: string, column: string | number, first: string[], header: boolean): number {
  if (typeof column === "number") {
    if (column < first.length) return column;
    throw SentiMlopsError.invalidParameterValue(
      `${name} ${column} is out of range: the ${header ? "header" : "first row"} has ${first.length} column(s)`,
      { component: "data" },
    );
  }
  const index = first.indexOf(column);
  if (index >= 0) return index;
  throw SentiMlopsError.invalidParameterValue(
    `${name} ${JSON.stringify(column)} not found in CSV header [${first.map((c) => JSON.stringify(c)).join(", ")}]`,
    { component: "data" },
  );
}
