/**
 * Training step 1, intake: reads labeled examples from an array or (async) iterable, checks each
 * one, and maps the labels to class indices and class names.
 *
 * @module
 */
import { DEFAULT_BINARY_LABELS } from "./default-labels.js";
import { SentiMlopsError, describeType } from "../errors.js";
import type { LabeledText, TrainingData } from "../types.js";
import { compareCodePoints } from "./unicode.js";


/**
 * Training labels as class indices, with the class names.
 *
 * @example
 * ```ts
 * const { y, labels, numeric }: TrainingLabels = indexLabels(["pos", "neg", "pos"], undefined);
 * // y: Int32Array [1, 0, 1], labels: ["neg", "pos"], numeric: false
 * ```
 */
export interface TrainingLabels {
  /** Class index of each training example. */
  readonly y: Int32Array;
  /** Class names, by class index. */
  readonly labels: string[];
  /** True when the raw labels were numbers (numeric validation labels are then taken as indices). */
  readonly numeric: boolean;
}

/**
 * Texts and raw labels of a data set, in order.
 *
 * @example
 * ```ts
 * const { texts, raw }: CollectedExamples = await collectExamples([{ text: "great", label: 1 }], "validation");
 * // texts: ["great"], raw: [1]
 * ```
 */
export interface CollectedExamples {
  readonly texts: string[];
  readonly raw: (string | number)[];
}

function invalid(message: string): SentiMlopsError {
  return SentiMlopsError.invalidParameterValue(message, { component: "tfidf" });
}

/**
 * Checks one example `{ text, label }`; `what` and `index` name it in the error.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming `what[index]` and the bad field.
 *
 * @example
 * ```ts
 * checkExample({ text: "Great", label: 1 }, 0, "data"); // the row, typed as LabeledText
 * checkExample({ text: "Great", label: -1 }, 3, "data"); // throws "data[3].label must be a non-negative integer or a string, got -1"
 * ```
 */
export function checkExample(row: unknown, index: number, what: string): LabeledText {
  if (typeof row !== "object" || row === null) {
    throw invalid(`${what}[${index}] must be an object { text, label }, got ${describeType(row)}`);
  }
  const { text, label } = row as Record<string, unknown>;
  if (typeof text !== "string") {
    throw invalid(`${what}[${index}].text must be a string, got ${describeType(text)}`);
  }
  if (!(typeof label === "string" || (typeof label === "number" && Number.isInteger(label) && label >= 0))) {
    throw invalid(`${what}[${index}].label must be a non-negative integer or a string, got ${JSON.stringify(label) ?? describeType(label)}`);
  }
  return row as LabeledText;
}

/**
 * Yields the checked examples of `data` one by one (nothing is read before the first `next()`).
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when `data` is not iterable or an example is bad.
 *
 * @example
 * ```ts
 * for await (const { text, label } of readExamples(rows, "data")) fitter.add(text);
 * ```
 */
export async function* readExamples(data: TrainingData, what: string): AsyncGenerator<LabeledText> {
  if (data === null || typeof data !== "object" || !(Symbol.iterator in data || Symbol.asyncIterator in data)) {
    throw invalid(`${what} must be an array or (async) iterable of { text, label }, got ${describeType(data)}`);
  }
  let i = 0;
  for await (const row of data as AsyncIterable<unknown>) yield checkExample(row, i++, what);
}

/**
 * Reads all of `data` into texts and raw labels.
 *
 * @example
 * ```ts
 * await collectExamples([{ text: "Great", label: 1 }], "validation"); // { texts: ["Great"], raw: [1] }
 * ```
 */
export async function collectExamples(data: TrainingData, what: string): Promise<CollectedExamples> {
  const texts: string[] = [];
  const raw: (string | number)[] = [];
  for await (const row of readExamples(data, what)) {
    texts.push(row.text);
    raw.push(row.label);
  }
  return { texts, raw };
}

function numericLabelNames(raw: readonly number[], names: readonly string[] | undefined): string[] {
  let max = 0;
  for (const l of raw) if (l > max) max = l;
  const labels = names ? [...names] : max <= 1 ? [...DEFAULT_BINARY_LABELS] : Array.from({ length: max + 1 }, (_, i) => String(i));
  if (max >= labels.length) throw invalid(`label ${max} has no name: labelNames lists ${labels.length} names`);
  return labels;
}

function stringLabelNames(raw: readonly string[], names: readonly string[] | undefined): { labels: string[]; index: Map<string, number> } {
  const distinct = [...new Set(raw)].sort(compareCodePoints);
  const labels = names ? [...names] : distinct;
  const index = new Map(labels.map((l, i) => [l, i]));
  const unknown = distinct.find((l) => !index.has(l));
  if (unknown !== undefined) throw invalid(`label ${JSON.stringify(unknown)} is not in labelNames ${JSON.stringify(labels)}`);
  return { labels, index };
}

/**
 * Maps raw labels to class indices and names: numbers are indices (named by `names`, by
 * {@link DEFAULT_BINARY_LABELS} for 0/1, else by themselves); strings are sorted by code point
 * unless `names` orders them.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for mixed labels, a label without a name or
 * fewer than two classes.
 *
 * @example
 * ```ts
 * indexLabels(["pos", "neg", "pos"], undefined); // { y: Int32Array [1, 0, 1], labels: ["neg", "pos"], numeric: false }
 * indexLabels([0, 1], ["bad", "good"]).labels; // ["bad", "good"]
 * ```
 */
export function indexLabels(raw: readonly (string | number)[], names: readonly string[] | undefined): TrainingLabels {
  const numericCount = raw.filter((l) => typeof l === "number").length;
  if (numericCount !== 0 && numericCount !== raw.length) throw invalid("labels must be all numbers or all strings, found both");
  const numeric = numericCount > 0;
  let labels: string[];
  let indexOf: (l: string | number) => number;
  if (numeric) {
    labels = numericLabelNames(raw as number[], names);
    indexOf = (l) => l as number;
  } else {
    const named = stringLabelNames(raw as string[], names);
    labels = named.labels;
    indexOf = (l) => named.index.get(l as string)!;
  }
  if (labels.length < 2) throw invalid(`training data needs at least two classes, found ${labels.length}`);
  return { y: Int32Array.from(raw, indexOf), labels, numeric };
}

/**
 * Reads validation data and maps its labels to the classes of `trained`: a numeric label is a
 * class index when training labels were numbers, a string label is looked up by class name.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming `validation[i]` when an example is bad
 * or its label is not one of the trained labels.
 *
 * @example
 * ```ts
 * const trained = indexLabels([0, 1], undefined);
 * await readValidation([{ text: "Great", label: "Positive" }, { text: "Dull", label: 0 }], trained);
 * // { texts: ["Great", "Dull"], truth: Int32Array [1, 0] }
 * ```
 */
export async function readValidation(
  validation: TrainingData,
  trained: Pick<TrainingLabels, "labels" | "numeric">,
): Promise<{ texts: string[]; truth: Int32Array }> {
  const { texts, raw } = await collectExamples(validation, "validation");
  const { labels, numeric } = trained;
  const index = new Map(labels.map((l, i) => [l, i]));
  const truth = Int32Array.from(raw, (l, i) => {
    const c = typeof l === "number" ? (numeric ? l : -1) : (index.get(l) ?? -1);
    if (c < 0 || c >= labels.length) throw invalid(`validation[${i}].label ${JSON.stringify(l)} is not one of the trained labels`);
    return c;
  });
  return { texts, truth };
}
