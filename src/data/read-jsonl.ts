/**
 * Streaming JSON Lines reader.
 *
 * @module
 */

import { SentiMlopsError, describeType } from "../errors.js";
import { resolveEncoding, textChunks } from "./decode.js";
import { checkLimit, createLabelResolver } from "./labels.js";
import { describeLine, withOrigin } from "./row-origin.js";
import { sourceName } from "./source.js";
import type { CommonReadOptions, DataSource, LabeledText } from "./types.js";

/**
 * Options of {@link readJsonl}.
 *
 * @example
 * ```ts
 * const options: ReadJsonlOptions = { textField: "review", labelField: "sentiment", labelMap: { positive: 1, negative: 0 } };
 * ```
 */
export interface ReadJsonlOptions extends CommonReadOptions {
  /**
   * The field holding the text (a string).
   * @default "text"
   */
  textField?: string;
  /**
   * The field holding the label (a string or a number).
   * @default "label"
   */
  labelField?: string;
}

/**
 * Reads labelled texts from JSON Lines (also called NDJSON): one JSON object per line, blank lines
 * skipped, LF or CRLF, a UTF-8 BOM dropped.
 *
 * Each row carries its file and line in a hidden (non-enumerable) property, so that training can
 * name the line of a label it refuses.
 *
 * @throws {SentiMlopsError} `RESOURCE_DOES_NOT_EXIST` when the file does not exist;
 *   `INVALID_PARAMETER_VALUE` for an unknown `encoding`, bytes that are not valid in the encoding
 *   (the message names the file, the line and the byte offset), and naming the file and the 1-based
 *   line for invalid JSON, a line that is not an object, a text that is not a string, or a missing,
 *   empty or unmapped label. Errors surface while iterating.
 *
 * @example
 * ```ts
 * import { readJsonl, collect } from "senti-mlops/data";
 *
 * // {"text": "Great movie!", "label": 1}
 * const rows = await collect(readJsonl("./reviews.jsonl"));
 * ```
 */
export async function* readJsonl(source: DataSource, options: ReadJsonlOptions = {}): AsyncIterable<LabeledText> {
  const textField = options.textField ?? "text";
  const labelField = options.labelField ?? "label";
  for (const [name, value] of [["textField", textField], ["labelField", labelField]] as const) {
    if (typeof value !== "string") throw SentiMlopsError.invalidParameterValue(`${name} must be a string, got ${describeType(value)}`, { component: "data" });
  }
  const resolveLabel = createLabelResolver(options);
  const limit = checkLimit(options.limit);
  const encoding = resolveEncoding(options.encoding);
  if (limit === 0) return;
  const name = sourceName(source);

  let count = 0;
  for await (const [line, content] of lines(textChunks(source, encoding, name))) {
    if (content.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (e) {
      throw SentiMlopsError.invalidParameterValue(`${describeLine(name, line)}: invalid JSON: ${(e as Error).message}`, { cause: e, component: "data" });
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw SentiMlopsError.invalidParameterValue(`${describeLine(name, line)}: expected a JSON object, got ${describeType(value)}`, { component: "data" });
    }
    const row = value as Record<string, unknown>;
    const text = row[textField];
    if (typeof text !== "string") {
      throw SentiMlopsError.invalidParameterValue(`${describeLine(name, line)}: field ${JSON.stringify(textField)} must be a string, got ${describeType(text)}`, { component: "data" });
    }
    yield withOrigin({ text, label: resolveLabel(row[labelField], line, name) }, name, line);
    if (++count >= limit) return;
  }
}

/** Splits decoded text into `[lineNumber, line]` pairs (1-based; `\r\n` or `\n`). */
async function* lines(text: AsyncIterable<string>): AsyncGenerator<[number, string]> {
  let pending = "";
  let line = 0;
  for await (const chunk of text) {
    pending += chunk;
    let start = 0;
    for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n", start)) {
      yield [++line, stripCr(pending.slice(start, end))];
      start = end + 1;
    }
    pending = pending.slice(start);
  }
  if (pending !== "") yield [++line, stripCr(pending)];
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
