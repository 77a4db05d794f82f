/**
 * Where a row came from: the readers tag each row they yield with its file and line, so that an
 * error found later, when the rows are trained on, can still say "train.csv line 7" rather than
 * "data[5]".
 *
 * The tag is a non-enumerable property under a registered symbol, invisible to `JSON.stringify`,
 * object spread, `Object.keys` and deep equality, and readable by the training intake (a lower
 * layer, which reads the same `Symbol.for` key without importing this module). A row copied by
 * spread loses its tag and is then named by its index.
 *
 * @module
 */

import type { LabeledText } from "./types.js";

/**
 * The file (or other source) and the 1-based line a row was read from.
 *
 * @example
 * ```ts
 * const origin: RowOrigin = { source: "data/train.csv", line: 7 };
 * ```
 */
export interface RowOrigin {
  /** The path of the file, or undefined for a stream or an iterable. */
  readonly source: string | undefined;
  /** The line the row starts on (header included). */
  readonly line: number;
}

/** The symbol the origin is stored under; `src/tfidf/train-intake.ts` reads the same key. */
const ORIGIN = Symbol.for("senti-mlops.row-origin");

/**
 * Tags `row` with where it was read from and returns it.
 *
 * @example
 * ```ts
 * yield withOrigin({ text, label }, "train.csv", 7);
 * ```
 */
export function withOrigin<T extends LabeledText>(row: T, source: string | undefined, line: number): T {
  const origin: RowOrigin = { source, line };
  return Object.defineProperty(row, ORIGIN, { value: origin });
}

/**
 * How messages name a place in a source: `"train.csv line 7"`, or `"line 7"` without a name.
 *
 * @example
 * ```ts
 * throw SentiMlopsError.invalidParameterValue(`${describeLine("train.csv", 7)}: label "meh" is not in labelMap`);
 * ```
 */
export function describeLine(source: string | undefined, line: number): string {
  return source === undefined ? `line ${line}` : `${source} line ${line}`;
}

/**
 * The origin of a row yielded by one of the readers, or undefined for any other row.
 *
 * @example
 * ```ts
 * const [row] = await collect(readCsv("train.csv"));
 * rowOrigin(row); // { source: "train.csv", line: 2 }
 * ```
 */
export function rowOrigin(row: unknown): RowOrigin | undefined {
  if (typeof row !== "object" || row === null) return undefined;
  return (row as Record<symbol, RowOrigin | undefined>)[ORIGIN];
}
