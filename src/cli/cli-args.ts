/**
 * What the `senti-mlops` subcommands share: argument parsing, usage errors, the data-reading flags
 * (`--text-column`, `--label-column`, `--encoding`, `--labels`, `--label-map`) and output helpers.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { ReadDatasetOptions } from "../data/read-dataset.js";
import type { LabeledText } from "../types.js";

/**
 * A mistake in the command line: reported with a pointer to `--help`, exit code 2.
 *
 * @example
 * ```ts
 * throw new UsageError("train needs --data FILE");
 * ```
 */
export class UsageError extends Error {}

/**
 * Parses `args` against `options` (strict, positionals allowed); a parse failure is a {@link UsageError}.
 *
 * @example
 * ```ts
 * const { values, positionals } = parse(["--json", "a.bin"], { json: { type: "boolean" } });
 * ```
 */
export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * The data-reading flags, shared by the subcommands that read labeled files.
 *
 * @example
 * ```ts
 * const EVAL_OPTIONS = { data: { type: "string" }, ...DATA_READ_OPTIONS } as const;
 * ```
 */
export const DATA_READ_OPTIONS = {
  "text-column": { type: "string" },
  "label-column": { type: "string" },
  encoding: { type: "string" },
  labels: { type: "string" },
  "label-map": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

/**
 * `"neg=0,pos=1"` or `"-1=0,1=1"` → `{ neg: 0, pos: 1 }`: integer values become class ids, others names.
 *
 * @example
 * ```ts
 * parseLabelMap("-1=0,1=1"); // { "-1": 0, "1": 1 }
 * parseLabelMap("0=NEGATIVE,1=POSITIVE"); // { "0": "NEGATIVE", "1": "POSITIVE" }
 * ```
 */
export function parseLabelMap(text: string): Record<string, string | number> {
  const map: Record<string, string | number> = {};
  for (const pair of text.split(",")) {
    const at = pair.lastIndexOf("=");
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (at <= 0 || key === "" || value === "") {
      throw new UsageError(`--label-map must be RAW=LABEL pairs separated by commas (e.g. --label-map=-1=0,1=1), got "${text}"`);
    }
    if (Object.hasOwn(map, key)) throw new UsageError(`--label-map maps "${key}" twice`);
    map[key] = /^\d+$/.test(value) ? Number(value) : value;
  }
  return map;
}

/**
 * The `readDataset` options the data-reading flags ({@link DATA_READ_OPTIONS}) give.
 *
 * @throws {UsageError} for a `--labels` mode other than auto, number, string, or a bad `--label-map`.
 *
 * @example
 * ```ts
 * readOptionsOf({ "text-column": "sentence", "label-map": "neg=0,pos=1" });
 * // { textColumn: "sentence", labelColumn: undefined, encoding: undefined, labels: undefined, labelMap: { neg: 0, pos: 1 } }
 * ```
 */
export function readOptionsOf(v: { "text-column"?: string; "label-column"?: string; encoding?: string; labels?: string; "label-map"?: string }): ReadDatasetOptions {
  if (v.labels !== undefined && !["auto", "number", "string"].includes(v.labels)) {
    throw new UsageError(`--labels must be auto, number or string, got "${v.labels}"`);
  }
  return {
    textColumn: v["text-column"],
    labelColumn: v["label-column"],
    encoding: v.encoding,
    labels: v.labels as ReadDatasetOptions["labels"],
    labelMap: v["label-map"] === undefined ? undefined : parseLabelMap(v["label-map"]),
  };
}

/**
 * A count with thousands separators: `4980` → `"4,980"`.
 *
 * @example
 * ```ts
 * formatCount(67349); // "67,349"
 * ```
 */
export const formatCount = (n: number): string => n.toLocaleString("en-US");

/**
 * `"2 labels: 0: 4,980, 1: 5,012"` — the raw labels as read, before training or evaluation maps them to classes.
 *
 * @example
 * ```ts
 * describeLabelCounts([{ text: "a", label: 1 }, { text: "b", label: 0 }]); // "2 labels: 0: 1, 1: 1"
 * ```
 */
export function describeLabelCounts(rows: readonly LabeledText[]): string {
  const counts = new Map<string | number, number>();
  for (const { label } of rows) counts.set(label, (counts.get(label) ?? 0) + 1);
  const sorted = [...counts].sort(([a], [b]) => (typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === "number" ? -1 : 1));
  const shown = sorted.slice(0, 12).map(([label, n]) => `${typeof label === "string" ? JSON.stringify(label) : label}: ${formatCount(n)}`);
  const more = sorted.length > 12 ? `, … (${formatCount(sorted.length - 12)} more)` : "";
  return `${formatCount(counts.size)} label${counts.size === 1 ? "" : "s"}: ${shown.join(", ")}${more}`;
}

/**
 * `http://user:secret@host` → `http://user:***@host`.
 *
 * @example
 * ```ts
 * redactCredentials("http://me:pw@mlflow:5000"); // "http://me:***@mlflow:5000"
 * ```
 */
export function redactCredentials(uri: string): string {
  return uri.replace(/^([a-z][\w+.-]*:\/\/)([^/@:]*):([^/@]*)@/i, "$1$2:***@");
}
