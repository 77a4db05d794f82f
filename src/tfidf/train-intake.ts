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
 * Below this share of the rows of the largest class, a class is taken for a stray label (see
 * {@link indexLabels}): 1%, so 50 rows among 5,000 pass and 1 among 5,000 does not.
 */
const RARE_CLASS_SHARE = 0.01;

/**
 * Where the data readers of `senti-mlops/data` (a higher layer, so not imported here) keep a row's
 * file and line: a non-enumerable property under this registered symbol (see src/data/row-origin.ts).
 */
const ROW_ORIGIN = Symbol.for("senti-mlops.row-origin");

/** A row's file and line, as the data readers record them. */
interface RowOrigin {
  readonly source: string | undefined;
  readonly line: number;
}

/** Where a row is: its file and line when a reader tagged it, else its index in `what`. */
interface RowPlace {
  readonly what: string;
  readonly index: number;
  readonly origin: RowOrigin | undefined;
}

function originOf(row: unknown): RowOrigin | undefined {
  if (typeof row !== "object" || row === null) return undefined;
  const origin = (row as Record<symbol, unknown>)[ROW_ORIGIN] as RowOrigin | undefined;
  return typeof origin?.line === "number" ? origin : undefined;
}

/** "train.csv line 7", "data line 7" (a reader of a stream) or "data[6]"; `near` omits a shared file name. */
function describePlace(place: RowPlace, near?: RowPlace): string {
  const { origin } = place;
  if (origin === undefined) return `${place.what}[${place.index}]`;
  if (near !== undefined && near.origin !== undefined && near.origin.source === origin.source) return `line ${origin.line}`;
  return `${origin.source ?? place.what} line ${origin.line}`;
}

/** The subject of a message about `field` of a row: "train.csv line 7: label" or "data[6].label". */
function fieldOf(place: RowPlace, field: string): string {
  return place.origin === undefined ? `${describePlace(place)}.${field}` : `${describePlace(place)}: ${field}`;
}

/** How a message shows a raw label: strings quoted, numbers bare. */
function show(label: string | number): string {
  return typeof label === "string" ? JSON.stringify(label) : String(label);
}

const count = (n: number): string => n.toLocaleString("en-US");

/** The hint given whenever numeric labels are not class ids. */
const MAP_HINT =
  'map other values to class ids first: for -1/1 labels, read the file with labelMap: { "-1": 0, "1": 1 } ' +
  "(senti-mlops train: --label-map=-1=0,1=1), or keep them as names with labels: \"string\" (--labels string)";

/**
 * Checks one example `{ text, label }`; `what` and `index` name it in the error, or the file and
 * line the data readers recorded on it.
 *
 * A label is a class id (an integer ≥ 0) or a class name (a string).
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming the row and the bad field and value.
 *
 * @example
 * ```ts
 * checkExample({ text: "Great", label: 1 }, 0, "data"); // the row, typed as LabeledText
 * checkExample({ text: "Great", label: -1 }, 3, "data"); // throws "data[3].label -1 is not a class id: …"
 * ```
 */
export function checkExample(row: unknown, index: number, what: string): LabeledText {
  if (typeof row !== "object" || row === null) {
    throw invalid(`${what}[${index}] must be an object { text, label }, got ${describeType(row)}`);
  }
  const { text, label } = row as Record<string, unknown>;
  if (typeof text !== "string") {
    throw invalid(`${fieldOf({ what, index, origin: originOf(row) }, "text")} must be a string, got ${describeType(text)}`);
  }
  if (typeof label === "string") return row as LabeledText;
  if (typeof label === "number") {
    if (Number.isInteger(label) && label >= 0) return row as LabeledText;
    const why = !Number.isFinite(label)
      ? "is not a class id"
      : !Number.isInteger(label)
        ? "is not a class id: class ids are integers 0, 1, 2, …"
        : "is not a class id: class ids are 0, 1, 2, …";
    throw invalid(`${fieldOf({ what, index, origin: originOf(row) }, "label")} ${label} ${why}; ${MAP_HINT}`);
  }
  throw invalid(
    `${fieldOf({ what, index, origin: originOf(row) }, "label")} must be a class id (an integer 0, 1, 2, …) or a class name (a string), got ${describeType(label)}`,
  );
}

/** How often one raw label occurs, and where first. */
interface LabelCount {
  count: number;
  readonly first: RowPlace;
}

/**
 * Counts the raw labels of the training data as they are read, and checks on the way that they
 * are all class ids or all names, so that the first row breaking the rule is named with the row
 * that set it.
 *
 * @example
 * ```ts
 * const tally = new LabelTally("data");
 * for await (const row of readExamples(rows, "data", tally)) texts.push(row.text);
 * const { y, labels } = indexLabels(raw, undefined, { tally });
 * ```
 */
export class LabelTally {
  /** Each distinct raw label, in order of first appearance. */
  readonly counts = new Map<string | number, LabelCount>();
  private first: { label: string | number; place: RowPlace } | undefined;
  private rows = 0;

  /** @param what - what the rows are called in messages ("data"). */
  constructor(readonly what: string) {}

  /** The number of rows counted. */
  get size(): number {
    return this.rows;
  }

  /**
   * Counts the label of a checked `row` (or a bare label), the `index`-th of the data.
   *
   * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when the label is a class id and an earlier
   * one a name, or the other way round.
   */
  add(label: string | number, index: number, row?: unknown): void {
    const known = this.counts.get(label);
    this.rows++;
    if (known !== undefined) {
      known.count++;
      return;
    }
    const place: RowPlace = { what: this.what, index, origin: originOf(row) };
    if (this.first === undefined) this.first = { label, place };
    else if (typeof this.first.label !== typeof label) throw invalid(this.mixed(label, place, this.first));
    this.counts.set(label, { count: 1, first: place });
  }

  private mixed(label: string | number, place: RowPlace, first: { label: string | number; place: RowPlace }): string {
    const at = describePlace(place);
    const before = `${show(first.label)} at ${describePlace(first.place, place)}`;
    const rule = "labels must be all class ids (integers 0, 1, 2, …) or all class names (strings)";
    if (typeof label === "number") {
      return `${at}: label ${label} is a class id, but the labels before it are names (${before}): ${rule}; to keep every label as a name, read the file with labels: "string" (senti-mlops train: --labels string)`;
    }
    if (label.trim() !== "" && Number.isFinite(Number(label))) {
      return `${at}: label ${show(label)} is not an integer class id, but the labels before it are class ids (${before}): ${rule}; ${MAP_HINT}`;
    }
    return `${at}: label ${show(label)} is a name, but the labels before it are class ids (${before}): ${rule}; to keep every label as a name, read the file with labels: "string" (senti-mlops train: --labels string)`;
  }

  /** Builds a tally of bare labels (no rows, so places are indices). */
  static of(raw: readonly (string | number)[], what: string): LabelTally {
    const tally = new LabelTally(what);
    raw.forEach((label, i) => tally.add(label, i));
    return tally;
  }
}

/**
 * Receives every checked example as it is read (e.g. the builder of the dataset a run logs).
 *
 * @example
 * ```ts
 * const record: ExampleRecorder = { add: (row) => seen.push(row.text) };
 * ```
 */
export interface ExampleRecorder {
  add(row: LabeledText): void;
}

/**
 * Yields the checked examples of `data` one by one (nothing is read before the first `next()`),
 * counting their labels in `tally` and passing them to `record` when given.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when `data` is not iterable or an example is bad.
 *
 * @example
 * ```ts
 * for await (const { text, label } of readExamples(rows, "data")) fitter.add(text);
 * ```
 */
export async function* readExamples(data: TrainingData, what: string, tally?: LabelTally, record?: ExampleRecorder): AsyncGenerator<LabeledText> {
  if (data === null || typeof data !== "object" || !(Symbol.iterator in data || Symbol.asyncIterator in data)) {
    throw invalid(`${what} must be an array or (async) iterable of { text, label }, got ${describeType(data)}`);
  }
  let i = 0;
  for await (const row of data as AsyncIterable<unknown>) {
    const example = checkExample(row, i, what);
    tally?.add(example.label, i, row);
    record?.add(example);
    i++;
    yield example;
  }
}

/**
 * Reads all of `data` into texts and raw labels, counting the labels in `tally` and passing the
 * examples to `record` when given.
 *
 * @example
 * ```ts
 * await collectExamples([{ text: "Great", label: 1 }], "validation"); // { texts: ["Great"], raw: [1] }
 * ```
 */
export async function collectExamples(data: TrainingData, what: string, tally?: LabelTally, record?: ExampleRecorder): Promise<CollectedExamples> {
  const texts: string[] = [];
  const raw: (string | number)[] = [];
  for await (const row of readExamples(data, what, tally, record)) {
    texts.push(row.text);
    raw.push(row.label);
  }
  return { texts, raw };
}

/**
 * Options of {@link indexLabels}.
 *
 * @example
 * ```ts
 * indexLabels(raw, undefined, { tally, allowRareClasses: true });
 * ```
 */
export interface IndexLabelsOptions {
  /** The tally the labels were counted in while reading (so messages can name lines). */
  readonly tally?: LabelTally;
  /** Train even when a class is under 1% of the largest class (see {@link indexLabels}). */
  readonly allowRareClasses?: boolean;
}

/** A class in messages: `1 "Positive"` (an id and its name), `2` or `"pos"`. */
function describeClass(labels: readonly string[], c: number, numeric: boolean): string {
  const name = labels[c]!;
  return numeric ? (name === String(c) ? name : `${c} ${JSON.stringify(name)}`) : JSON.stringify(name);
}

/** Refuses a label set with a class under {@link RARE_CLASS_SHARE} of the largest, listing the counts. */
function checkRareClasses(labels: readonly string[], numeric: boolean, tally: LabelTally, indexOf: (l: string | number) => number): void {
  const counts = new Array<number>(labels.length).fill(0);
  const firsts = new Array<RowPlace | undefined>(labels.length);
  for (const [label, { count: n, first }] of tally.counts) {
    const c = indexOf(label);
    counts[c]! += n;
    firsts[c] ??= first;
  }
  let largest = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c]! > counts[largest]!) largest = c;
  const rare = counts.flatMap((n, c) => (n < counts[largest]! * RARE_CLASS_SHARE ? [c] : []));
  if (rare.length === 0) return;
  const named = (c: number): string => describeClass(labels, c, numeric);
  const rareList = rare
    .slice(0, 10)
    .map((c) => {
      const first = firsts[c];
      if (first !== undefined) return `${named(c)} (${count(counts[c]!)} row${counts[c] === 1 ? "" : "s"}, first at ${describePlace(first)})`;
      return `${named(c)} (0 rows: ${numeric && labels[c] === String(c) ? `no row has this class id, yet ids go up to ${labels.length - 1}` : "named by labelNames, but no row has it"})`;
    })
    .join(", ");
  const more = rare.length > 10 ? ` and ${count(rare.length - 10)} more` : "";
  const shown = counts.length > 12 ? 12 : counts.length;
  const countList = counts
    .slice(0, shown)
    .map((n, c) => `${named(c)}: ${count(n)}`)
    .join(", ");
  const countMore = counts.length > shown ? `, … (${count(counts.length - shown)} more classes)` : "";
  throw invalid(
    `the labels look unintended: ${rare.length === 1 ? "class" : "classes"} ${rareList}${more} ` +
      `${rare.length === 1 ? "has" : "have"} under 1% of the ${count(counts[largest]!)} rows of the largest class, ${named(largest)}, ` +
      `which usually means a stray or mistyped label (or the wrong label column). ` +
      `Label counts of the ${count(tally.size)} rows: ${countList}${countMore}. ` +
      `Fix or drop those rows, or set allowRareClasses: true to train all ${count(labels.length)} classes anyway ` +
      `(senti-mlops train: --allow-rare-classes)`,
  );
}

/**
 * Maps raw labels to class indices and names: numbers are indices (named by `names`, by
 * {@link DEFAULT_BINARY_LABELS} for 0/1, else by themselves); strings are sorted by code point
 * unless `names` orders them.
 *
 * A label set that is probably not what was meant is refused before anything is trained: a class
 * with fewer rows than 1% of the largest class (say 4,980 rows of 0, 5,012 of 1 and one row of 2),
 * or a class with no rows at all (ids 0 and 2 but no 1; a name in `names` no row has). The message
 * gives the count of every class and the first row of each rare one; `allowRareClasses` accepts
 * such a set.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming the row and value of the first label
 * breaking a rule: mixed ids and names, an id without a name, a name missing from `names`; or for
 * fewer than two classes, or a rare class (see above).
 *
 * @example
 * ```ts
 * indexLabels(["pos", "neg", "pos"], undefined); // { y: Int32Array [1, 0, 1], labels: ["neg", "pos"], numeric: false }
 * indexLabels([0, 1], ["bad", "good"]).labels; // ["bad", "good"]
 * ```
 */
export function indexLabels(raw: readonly (string | number)[], names: readonly string[] | undefined, options: IndexLabelsOptions = {}): TrainingLabels {
  if (options.allowRareClasses !== undefined && typeof options.allowRareClasses !== "boolean") {
    throw invalid(`allowRareClasses must be a boolean, got ${describeType(options.allowRareClasses)}`);
  }
  const tally = options.tally ?? LabelTally.of(raw, "data");
  const distinct = [...tally.counts.keys()];
  const numeric = distinct.length > 0 && typeof distinct[0] === "number";
  let labels: string[];
  let indexOf: (l: string | number) => number;
  if (numeric) {
    let max = 0;
    for (const l of distinct as number[]) if (l > max) max = l;
    labels = names ? [...names] : max <= 1 ? [...DEFAULT_BINARY_LABELS] : Array.from({ length: max + 1 }, (_, i) => String(i));
    const unnamed = (distinct as number[]).find((l) => l >= labels.length);
    if (unnamed !== undefined) {
      throw invalid(
        `${describePlace(tally.counts.get(unnamed)!.first)}: label ${unnamed} has no name: labelNames lists ${labels.length} names, for class ids 0 to ${labels.length - 1}`,
      );
    }
    indexOf = (l) => l as number;
  } else {
    labels = names ? [...names] : (distinct as string[]).sort(compareCodePoints);
    const index = new Map(labels.map((l, i) => [l, i]));
    const unknown = (distinct as string[]).find((l) => !index.has(l));
    if (unknown !== undefined) {
      throw invalid(`${describePlace(tally.counts.get(unknown)!.first)}: label ${JSON.stringify(unknown)} is not in labelNames ${JSON.stringify(labels)}`);
    }
    indexOf = (l) => index.get(l as string)!;
  }
  if (distinct.length < 2) {
    const only = distinct.length === 1 ? `: all ${count(tally.size)} rows have label ${show(distinct[0]!)}` : "";
    throw invalid(`training data needs at least two classes, found ${distinct.length}${only}`);
  }
  if (!options.allowRareClasses) checkRareClasses(labels, numeric, tally, indexOf);
  return { y: Int32Array.from(raw, indexOf), labels, numeric };
}

/**
 * Reads validation data and maps its labels to the classes of `trained`: a numeric label is a
 * class index when training labels were numbers, a string label is looked up by class name. Each
 * example is passed to `record` when given.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming the row (`validation[i]`, or its file
 * and line) when an example is bad or its label is not one of the trained labels.
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
  record?: ExampleRecorder,
): Promise<{ texts: string[]; truth: Int32Array }> {
  const { labels, numeric } = trained;
  const index = new Map(labels.map((l, i) => [l, i]));
  const texts: string[] = [];
  const truth: number[] = [];
  let i = 0;
  for await (const row of readExamples(validation, "validation", undefined, record)) {
    const l = row.label;
    const c = typeof l === "number" ? (numeric ? l : -1) : (index.get(l) ?? -1);
    if (c < 0 || c >= labels.length) {
      const known = `${labels.map((name) => JSON.stringify(name)).join(", ")}${numeric ? ` or class ids 0 to ${labels.length - 1}` : ""}`;
      throw invalid(`${fieldOf({ what: "validation", index: i, origin: originOf(row) }, "label")} ${show(l)} is not one of the trained labels (${known})`);
    }
    texts.push(row.text);
    truth.push(c);
    i++;
  }
  return { texts, truth: Int32Array.from(truth) };
}
