/**
 * `senti-mlops eval`: evaluates one model, or several side by side (`--compare`), on a labeled file;
 * prints the metrics and confusion matrices, writes the plots as SVG (`--out`), and logs an MLflow
 * evaluation run per model (`--tracking-uri`). The evaluation itself is the library's
 * (`evaluateModel`, `logEvaluation`); this module reads flags, files and models, and prints.
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { collect } from "../data/collect.js";
import { readDataset } from "../data/read-dataset.js";
import { createTracking } from "../api/create-tracking.js";
import { evaluateModel, type ModelEvaluation } from "../api/evaluate-model.js";
import { loadBert } from "../api/load-bert.js";
import { loadModel } from "../api/load-model.js";
import { evaluationDataset, evaluationMetrics, evaluationPlots, logEvaluation } from "../api/log-evaluation.js";
import { isBertModel } from "../bert/bert-model.js";
import type { Dataset } from "../mlflow/tracking-entities.js";
import type { SentimentModel } from "../types.js";
import { DATA_READ_OPTIONS, UsageError, describeLabelCounts, formatCount, parse, readOptionsOf, redactCredentials } from "./cli-args.js";

/**
 * The `eval` section of `senti-mlops --help`.
 *
 * @example
 * ```ts
 * process.stdout.write(EVAL_USAGE);
 * ```
 */
export const EVAL_USAGE = `
eval options:
  MODEL                   a model file or folder saved by train or logged to MLflow, a Hugging Face
                          BERT folder (config.json and onnx/model.onnx), or a runs:/RUN_ID/PATH,
                          models:/NAME/VERSION or models:/NAME@ALIAS URI (resolved with
                          --tracking-uri, else $MLFLOW_TRACKING_URI)
  --data FILE             labeled evaluation data (required)
  --compare               evaluate every MODEL given, side by side in one table
  --text-column, --label-column, --encoding, --labels, --label-map
                          read --data as train does. Class ids 0/1 stand for the model's
                          Negative/Positive labels (in any case, e.g. NEGATIVE/POSITIVE); label
                          names must be the model's (map others, e.g. --label-map neg=Negative,pos=Positive)
  --out DIR               write each model's plots there as SVG: <model>-confusion_matrix.svg, and
                          for two labels <model>-roc_curve_plot.svg, <model>-precision_recall_curve_plot.svg
  --tracking-uri URI      log one evaluation run per model there: MLflow's classifier metric names,
                          the plots as artifacts, the data as a dataset input with MLflow's digest
  --experiment NAME       the runs' experiment (default: sentiment)
  --run-name NAME         the run's name (default: eval-<model>; with --compare, NAME-<model>)
  --json                  print the results as one JSON object
  --quiet                 no progress lines on stderr
`;

const EVAL_OPTIONS = {
  data: { type: "string" },
  compare: { type: "boolean" },
  ...DATA_READ_OPTIONS,
  out: { type: "string" },
  "tracking-uri": { type: "string" },
  experiment: { type: "string" },
  "run-name": { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
} as const;

type Tracking = Awaited<ReturnType<typeof createTracking>>;

const isTrackingUri = (source: string): boolean => /^(runs|models):\//i.test(source);

/** What a model is called in the table and file names: a path's base name, a URI as given. */
function displayName(source: string): string {
  if (isTrackingUri(source) || /^[a-z][\w+.-]*:\/\//i.test(source)) return source;
  return basename(source.replace(/[/\\]+$/, "")) || source;
}

/** A file-name-safe, unique version of each display name. */
function slugs(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const base = name.replace(/^[a-z]+:\/+/i, "").replace(/[^\w.-]+/g, "_").replace(/^[_.]+|_+$/g, "") || "model";
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

/**
 * Loads a model the CLI was given (`eval` and `predict`): a Hugging Face BERT folder (a folder
 * with config.json and no MLmodel file) with `loadBert`, anything else with `loadModel`.
 *
 * @example
 * ```ts
 * const model = await openModel("../shared/models/bert-tiny-sst2", undefined);
 * ```
 */
export async function openModel(source: string, tracking: Tracking | undefined): Promise<SentimentModel> {
  if (!isTrackingUri(source) && existsSync(source) && statSync(source).isDirectory()) {
    if (!existsSync(join(source, "MLmodel")) && existsSync(join(source, "config.json"))) return loadBert(source);
  }
  return loadModel(isTrackingUri(source) || /^[a-z][\w+.-]*:\/\//i.test(source) ? source : resolve(source), tracking ? { tracking } : {});
}

/** One evaluated model, as printed and logged. */
interface Evaluated {
  readonly name: string;
  readonly source: string;
  readonly kind: string;
  readonly evaluation: ModelEvaluation;
  readonly plots: string[];
  runId?: string;
}

const pad = (text: string, width: number): string => text.padStart(width);
const fixed = (v: number): string => (Number.isNaN(v) ? "n/a" : v.toFixed(4));

function table(results: readonly Evaluated[]): string[] {
  const rows: [string, (e: ModelEvaluation) => string][] = [
    ["accuracy", (e) => fixed(e.metrics.accuracy)],
    ["precision", (e) => fixed(e.metrics.precision)],
    ["recall", (e) => fixed(e.metrics.recall)],
    ["f1", (e) => fixed(e.metrics.f1)],
    ["roc_auc", (e) => fixed(e.metrics.rocAuc)],
    ["log_loss", (e) => fixed(e.metrics.logLoss)],
    ["average_precision", (e) => (e.binary ? fixed(e.binary.averagePrecision) : "n/a")],
  ];
  const widths = results.map((r) => Math.max(10, r.name.length));
  return [
    `${"".padEnd(18)}${results.map((r, i) => `  ${pad(r.name, widths[i]!)}`).join("")}`,
    ...rows.map(([label, cell]) => `${label.padEnd(18)}${results.map((r, i) => `  ${pad(cell(r.evaluation), widths[i]!)}`).join("")}`),
  ];
}

function confusion(result: Evaluated): string[] {
  const { labels, confusionMatrix } = result.evaluation.metrics;
  const width = Math.max(8, ...labels.map((l) => l.length), ...confusionMatrix.flat().map((n) => String(n).length));
  const rowHead = Math.max(...labels.map((l) => l.length));
  return [
    `confusion matrix of ${result.name} (rows = true, columns = predicted):`,
    `  ${"".padEnd(rowHead)}${labels.map((l) => `  ${pad(l, width)}`).join("")}`,
    ...confusionMatrix.map((row, i) => `  ${labels[i]!.padEnd(rowHead)}${row.map((n) => `  ${pad(String(n), width)}`).join("")}`),
  ];
}

/**
 * Runs `senti-mlops eval` with its arguments (after the word `eval`).
 *
 * @throws {UsageError} for bad flags; `SentiMlopsError` for a missing file, a model that does not
 * load, or labels that do not match (the message names both label sets).
 *
 * @example
 * ```ts
 * await evalCommand(["model.bin", "--data", "test.csv", "--out", "plots"]);
 * ```
 */
export async function evalCommand(args: string[]): Promise<void> {
  const { values: v, positionals: models } = parse(args, EVAL_OPTIONS);
  if (models.length === 0) throw new UsageError("eval needs a MODEL (a file, a folder, runs:/… or models:/…)");
  if (models.length > 1 && !v.compare) throw new UsageError(`eval got ${models.length} models (${models.join(", ")}): add --compare to evaluate them side by side`);
  if (v.compare && models.length < 2) throw new UsageError("--compare needs two or more models");
  if (!v.data) throw new UsageError("eval needs --data FILE (labeled evaluation data)");
  if (v["tracking-uri"] === undefined) {
    if (v.experiment !== undefined) throw new UsageError("--experiment needs --tracking-uri URI");
    if (v["run-name"] !== undefined) throw new UsageError("--run-name needs --tracking-uri URI");
  }
  const readOptions = readOptionsOf(v);
  const note = (text: string): void => {
    if (!v.quiet && !v.json) process.stderr.write(`${text}\n`);
  };
  const needsTracking = models.some(isTrackingUri);
  const resolveUri = v["tracking-uri"] ?? (needsTracking ? process.env.MLFLOW_TRACKING_URI : undefined);
  if (needsTracking && !resolveUri) {
    throw new UsageError(`${models.find(isTrackingUri)} needs a tracking server: give --tracking-uri URI (or set MLFLOW_TRACKING_URI)`);
  }

  const rows = await collect(readDataset(v.data, readOptions));
  note(`read ${formatCount(rows.length)} rows from ${v.data} (${describeLabelCounts(rows)})`);
  const dataset: Dataset = evaluationDataset(rows, {
    name: basename(v.data),
    source: resolve(v.data),
    textColumn: v["text-column"],
    labelColumn: v["label-column"],
  });
  const names = models.map(displayName);
  const unique = names.map((n, i) => (names.indexOf(n) === i ? n : models[i]!));
  const files = slugs(unique);
  const tracking = resolveUri ? await createTracking(resolveUri) : undefined;
  const results: Evaluated[] = [];
  try {
    for (let i = 0; i < models.length; i++) {
      const source = models[i]!;
      const model = await openModel(source, tracking);
      let evaluation: ModelEvaluation;
      try {
        note(`evaluating ${unique[i]} (${model.kind}) on ${formatCount(rows.length)} rows`);
        evaluation = await evaluateModel(model, rows, { dataName: v.data });
      } finally {
        if (isBertModel(model)) await model.dispose();
      }
      const modelUri = isTrackingUri(source) || /^[a-z][\w+.-]*:\/\//i.test(source) ? source : resolve(source);
      const result: Evaluated = { name: unique[i]!, source: modelUri, kind: model.kind, evaluation, plots: [] };
      if (v.out !== undefined) {
        await mkdir(v.out, { recursive: true });
        for (const [file, svg] of Object.entries(evaluationPlots(evaluation, { subtitle: modelUri }))) {
          const path = join(v.out, `${files[i]}-${file}`);
          await writeFile(path, svg);
          result.plots.push(path);
        }
      }
      if (tracking && v["tracking-uri"] !== undefined) {
        const runName = v["run-name"] === undefined ? `eval-${files[i]}` : v.compare ? `${v["run-name"]}-${files[i]}` : v["run-name"];
        const run = await tracking.startRun({ experimentName: v.experiment ?? "sentiment", runName });
        try {
          await logEvaluation(run, evaluation, { modelUri, dataset });
          await run.end("FINISHED");
        } catch (e) {
          await run.end("FAILED").catch(() => {});
          throw e;
        }
        result.runId = run.runId;
      }
      results.push(result);
    }
  } finally {
    await tracking?.close();
  }
  print(v.json === true, v.data, rows.length, dataset, results, v["tracking-uri"] === undefined ? undefined : { uri: tracking!.uri, experiment: v.experiment ?? "sentiment" });
}

function print(json: boolean, data: string, rows: number, dataset: Dataset, results: readonly Evaluated[], logged: { uri: string; experiment: string } | undefined): void {
  if (json) {
    const out = {
      data: { path: data, rows, name: dataset.name, digest: dataset.digest },
      ...(logged ? { tracking_uri: redactCredentials(logged.uri), experiment: logged.experiment } : {}),
      models: results.map((r) => ({
        model: r.name,
        model_uri: r.source,
        kind: r.kind,
        labels: r.evaluation.metrics.labels,
        label_matches: r.evaluation.labelMatches,
        metrics: evaluationMetrics(r.evaluation),
        confusion_matrix: r.evaluation.metrics.confusionMatrix,
        ...(r.plots.length > 0 ? { plots: r.plots } : {}),
        ...(r.runId ? { run_id: r.runId } : {}),
      })),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const lines = [`${data}: ${formatCount(rows)} rows (dataset digest ${dataset.digest})`, "", ...table(results), ""];
  for (const r of results) {
    lines.push(`labels of ${r.name}: ${r.evaluation.labelMatches.map((m) => (String(m.data) === m.model ? m.model : `${typeof m.data === "string" ? JSON.stringify(m.data) : m.data} → ${m.model}`)).join(", ")}`);
  }
  for (const r of results) lines.push("", ...confusion(r));
  const plots = results.flatMap((r) => r.plots);
  if (plots.length > 0) lines.push("", `plots: ${plots.join(", ")}`);
  if (logged) {
    lines.push("");
    for (const r of results) lines.push(`run ${r.runId} (${r.name}) logged to ${redactCredentials(logged.uri)}, experiment ${logged.experiment}`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}
