/**
 * The `senti-mlops` command.
 *
 *   senti-mlops train --data FILE [--test FILE] [--out model.bin] [options]
 *   senti-mlops train --data FILE --tracking-uri URI --register NAME [--alias champion]   (log, register)
 *   senti-mlops predict --model PATH [TEXT ...]      (texts from stdin, one per line, when none given)
 *   senti-mlops eval MODEL --data FILE | eval --compare MODEL MODEL ... --data FILE   (eval-command.ts)
 *
 * @module
 */
import { basename, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { ParseArgsConfig } from "node:util";
import { collect } from "../data/collect.js";
import { holdoutSplit } from "../data/holdout.js";
import { readDataset } from "../data/read-dataset.js";
import { hasErrorCode, isSentiMlopsError } from "../errors.js";
import { createTracking } from "../api/create-tracking.js";
import { saveModel } from "../api/save-model.js";
import { trainTfidf } from "../api/train-tfidf.js";
import { isBertModel } from "../bert/bert-model.js";
import { predict } from "../predict.js";
import type { WeightPrecision } from "../tfidf/compact-model.js";
import { resolveClassifierOptions } from "../tfidf/options.js";
import { TFIDF_PRESETS, type TfidfPresetName } from "../tfidf/presets.js";
import type { TrainProgress, TrainTfidfOptions } from "../tfidf/train.js";
import type { TrainingDatasetInfo, TrainingDatasets } from "../tfidf/train-datasets.js";
import type { LabeledText } from "../types.js";
import { UsageError, describeLabelCounts, formatCount, parse, readOptionsOf, redactCredentials } from "./cli-args.js";
import { evalCommand, EVAL_USAGE, openModel } from "./eval-command.js";

const VERSION = "0.1.0";

const USAGE = `Usage:
  senti-mlops train --data FILE [--test FILE] [--out FILE] [options]
  senti-mlops predict --model PATH [--json] [TEXT ...]
  senti-mlops eval MODEL --data FILE [--out DIR] [--tracking-uri URI] [options]
  senti-mlops eval --compare MODEL MODEL ... --data FILE [options]
  senti-mlops --version | --help

Data files are CSV, TSV or JSONL with a text and a label column (label 1 = positive, 0 = negative,
or label strings), in UTF-8 unless --encoding says otherwise.

train options:
  --data FILE             training data (required)
  --test FILE             evaluation data; metrics are printed
  --holdout FRACTION      leave out the texts whose seeded hash falls below FRACTION (the same
                          texts the service's training jobs validate on); without --test they
                          are the evaluation data
  --holdout-seed N        the holdout's seed (default: 42, as the service's TRAIN_SEED)
  --out FILE              where to save the model (default: model.bin)
  --text-column NAME      (default: text)      --label-column NAME   (default: label)
  --encoding NAME         the data files' encoding: utf-8, or a single-byte one such as
                          windows-1252 (latin1) (default: utf-8; invalid bytes are an error)
  --labels MODE           auto (integers become class ids), number or string (default: auto)
  --label-map MAP         map raw labels first, e.g. --label-map=-1=0,1=1 or neg=0,pos=1
  --allow-rare-classes    train even when a class has under 1% of the rows of the largest one
                          (by default such a label set is refused, with the count of each class)
  --preset NAME           seed, strong, best or web: a configuration measured in docs/benchmarks.md
                          (the flags below override its options)
  --analyzer KIND         word, char or char_wb (character n-grams; char_wb within words)
                          (default: word)
  --ngram-range MIN,MAX   n-grams of words, or of characters with a char analyzer (default: 1,1)
  --min-df N              min document count (integer) or proportion (< 1) (default: 1)
  --max-df N              max proportion (≤ 1) or document count (default: 1)
  --max-features N        keep the N most frequent terms
  --sublinear-tf          use 1 + ln(tf)
  --stop-words english    drop English stop words
  --strip-accents MODE    unicode | ascii
  --no-lowercase          keep case
  --binary                count each term once per document
  --norm l2|l1|none       row normalization (default: l2)
  --no-idf                no inverse document frequency weighting
  --nb-scaling            naive-Bayes log-count-ratio feature scaling (NB-LR)
  --keep-features N       after fitting, keep the N features with the largest weights
  --weights PRECISION     store the weights as float64, float32, float16 or int8
  -C, --c VALUE           inverse regularization strength (default: 1)
  --max-iter N            optimizer iterations (default: 1000)
  --tol VALUE             gradient tolerance (default: 1e-4)
  --class-weight balanced
  --json                  print the metrics as JSON
  --quiet                 no progress output (progress goes to stderr: a live line per phase on
                          a terminal, plain lines otherwise)

tracking and registry (train):
  --tracking-uri URI      log the run there: sqlite:///mlflow.db, http://mlflow:5000, memory:
                          (default: $MLFLOW_TRACKING_URI when --register is given)
  --experiment NAME       the run's experiment (default: sentiment)
  --run-name NAME         the run's name
  --register NAME         log the model with the run and register it as a new version of NAME
  --alias ALIAS           point ALIAS (e.g. champion) at the new version (needs --register)
  --skip-if-registered    do nothing when NAME@ALIAS already exists (needs --alias)
  With --register the model is saved to a file only when --out is given. The run lists the
  training and validation data as its datasets (MLflow's digest of the rows used; with
  --holdout: FILE (training split) and FILE (holdout)).

predict options:
  --model PATH            a model saved by train, an MLflow model folder, or a Hugging Face
                          BERT folder (config.json, tokenizer.json, onnx/model.onnx) (required)
  --json                  one JSON object per line
${EVAL_USAGE}`;

const TRAIN_OPTIONS = {
  data: { type: "string" },
  test: { type: "string" },
  holdout: { type: "string" },
  "holdout-seed": { type: "string" },
  out: { type: "string" },
  "text-column": { type: "string" },
  "label-column": { type: "string" },
  encoding: { type: "string" },
  labels: { type: "string" },
  "label-map": { type: "string" },
  "allow-rare-classes": { type: "boolean" },
  preset: { type: "string" },
  analyzer: { type: "string" },
  "ngram-range": { type: "string" },
  "min-df": { type: "string" },
  "max-df": { type: "string" },
  "max-features": { type: "string" },
  "sublinear-tf": { type: "boolean" },
  "stop-words": { type: "string" },
  "strip-accents": { type: "string" },
  "no-lowercase": { type: "boolean" },
  binary: { type: "boolean" },
  norm: { type: "string" },
  "no-idf": { type: "boolean" },
  "nb-scaling": { type: "boolean" },
  "keep-features": { type: "string" },
  weights: { type: "string" },
  c: { type: "string", short: "C" },
  "max-iter": { type: "string" },
  tol: { type: "string" },
  "class-weight": { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
  "tracking-uri": { type: "string" },
  experiment: { type: "string" },
  "run-name": { type: "string" },
  register: { type: "string" },
  alias: { type: "string" },
  "skip-if-registered": { type: "boolean" },
} as const satisfies ParseArgsConfig["options"];

const PREDICT_OPTIONS = {
  model: { type: "string" },
  json: { type: "boolean" },
} as const satisfies ParseArgsConfig["options"];

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got "${value}"`);
  return n;
}

/** Off a terminal, the optimizer's loss is printed every this many iterations (and at the first and last). */
const LOG_EVERY_ITERATIONS = 10;

/** True while a terminal's progress line is waiting for its end (an error message then starts a new line). */
let liveLineOpen = false;

/** A progress writer: one line per phase, live on a terminal, plain lines a log file can read elsewhere. */
interface Progress {
  /** A line of its own (reading data, label counts). */
  note(text: string): void;
  /** The library's progress events. */
  readonly onProgress: (e: TrainProgress) => void;
}

/**
 * Progress on stderr. On a terminal each phase has one line rewritten in place: documents read,
 * then the optimizer's iteration and loss (an L-BFGS run stops when it converges, so there is no
 * bar to fill). Elsewhere (a pipe, a log file) it writes plain lines without control sequences: a
 * phase's start and end, and the loss every {@link LOG_EVERY_ITERATIONS} iterations.
 */
function progressWriter(enabled: boolean, maxIter: number): Progress {
  const out = process.stderr;
  if (!enabled) return { note: () => {}, onProgress: () => {} };
  const live = out.isTTY === true;
  const started = Date.now();
  let phase: TrainProgress["phase"] | undefined;
  let phaseStarted = started;
  let last: TrainProgress | undefined;
  let lastLogged = 0;
  const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

  const status = (e: TrainProgress): string => {
    switch (e.phase) {
      case "tokenizing":
        return e.fraction > 0 && e.fraction < 1
          ? `${formatCount(e.documents ?? 0)} documents (${Math.floor(e.fraction * 100)}%)`
          : `${formatCount(e.documents ?? 0)} documents`;
      case "optimizing":
        return e.iteration === undefined ? "starting" : `iteration ${e.iteration} of at most ${maxIter}, loss ${e.loss?.toFixed(6)}`;
      default:
        return e.fraction >= 1 ? "done" : "working";
    }
  };
  const summary = (e: TrainProgress): string => {
    if (e.phase === "tokenizing") return `${formatCount(e.documents ?? 0)} documents`;
    if (e.phase === "optimizing" && e.iteration !== undefined) return `${e.iteration} iterations, loss ${e.loss?.toFixed(6)}`;
    return "done";
  };
  const write = (line: string): void => {
    out.write(live ? `\r\x1b[K${line}` : `${line}\n`);
    liveLineOpen = live;
  };
  const endPhase = (): void => {
    if (phase === undefined || last === undefined) return;
    if (live) out.write(`\r\x1b[K${phase.padEnd(11)}${summary(last)} (${seconds(phaseStarted)})\n`);
    else out.write(`${phase}: ${summary(last)} (${seconds(phaseStarted)})\n`);
    liveLineOpen = false;
  };

  return {
    note(text) {
      if (liveLineOpen) out.write("\r\x1b[K");
      out.write(`${text}\n`);
      liveLineOpen = false;
    },
    onProgress(e) {
      if (e.phase !== phase) {
        endPhase();
        phase = e.phase;
        phaseStarted = Date.now();
        lastLogged = 0;
        if (e.phase === "done") {
          out.write(`done in ${seconds(started)}\n`);
          return;
        }
        if (!live) out.write(`${e.phase}: started${e.phase === "optimizing" ? ` (at most ${maxIter} iterations)` : ""}\n`);
      }
      last = e;
      if (live) {
        write(`${e.phase.padEnd(11)}${status(e)}`);
      } else if (e.phase === "optimizing" && e.iteration !== undefined && e.iteration !== lastLogged) {
        if (e.iteration === 1 || e.iteration % LOG_EVERY_ITERATIONS === 0) {
          write(`optimizing: iteration ${e.iteration}, loss ${e.loss?.toFixed(6)}`);
          lastLogged = e.iteration;
        }
      }
    },
  };
}

async function train(args: string[]): Promise<void> {
  const { values: v } = parse(args, TRAIN_OPTIONS);
  if (!v.data) throw new UsageError("train needs --data FILE");
  let ngramRange: [number, number] | undefined;
  if (v["ngram-range"] !== undefined) {
    const parts = v["ngram-range"].split(",").map(Number);
    if (parts.length !== 2 || parts.some((p) => !Number.isInteger(p))) {
      throw new UsageError(`--ngram-range must be MIN,MAX (e.g. 1,2), got "${v["ngram-range"]}"`);
    }
    ngramRange = [parts[0]!, parts[1]!];
  }
  if (v.preset !== undefined && !Object.hasOwn(TFIDF_PRESETS, v.preset)) {
    throw new UsageError(`--preset must be ${Object.keys(TFIDF_PRESETS).join(", ")}, got "${v.preset}"`);
  }
  if (v.weights !== undefined && !["float64", "float32", "float16", "int8"].includes(v.weights)) {
    throw new UsageError(`--weights must be float64, float32, float16 or int8, got "${v.weights}"`);
  }
  if (v.analyzer !== undefined && !["word", "char", "char_wb"].includes(v.analyzer)) {
    throw new UsageError(`--analyzer must be word, char or char_wb, got "${v.analyzer}"`);
  }
  if (v["stop-words"] !== undefined && v["stop-words"] !== "english") {
    throw new UsageError(`--stop-words supports "english", got "${v["stop-words"]}"`);
  }
  if (v["class-weight"] !== undefined && v["class-weight"] !== "balanced") {
    throw new UsageError(`--class-weight supports "balanced", got "${v["class-weight"]}"`);
  }
  if (v.alias !== undefined && v.register === undefined) throw new UsageError("--alias needs --register NAME");
  if (v["skip-if-registered"] && v.alias === undefined) throw new UsageError("--skip-if-registered needs --alias ALIAS");
  if (v.experiment !== undefined && v["tracking-uri"] === undefined && v.register === undefined) {
    throw new UsageError("--experiment needs --tracking-uri URI or --register NAME");
  }
  const tracked = v["tracking-uri"] !== undefined || v.register !== undefined;
  const out = v.out ?? (v.register === undefined ? "model.bin" : undefined);
  const tracking = tracked ? await createTracking(v["tracking-uri"]) : undefined;
  try {
    if (tracking && v.register && v.alias && v["skip-if-registered"]) {
      try {
        const existing = await tracking.registry.getModelVersionByAlias(v.register, v.alias);
        const line = `models:/${v.register}@${v.alias} exists (version ${existing.version}); not training`;
        process.stdout.write(v.json ? `${JSON.stringify({ skipped: true, model_uri: `models:/${v.register}@${v.alias}`, version: existing.version })}\n` : `${line}\n`);
        return;
      } catch (e) {
        if (!hasErrorCode(e, "RESOURCE_DOES_NOT_EXIST")) throw e;
      }
    }
    await trainAndReport(v, ngramRange, out, tracking);
  } finally {
    await tracking?.close();
  }
}

type TrainValues = ReturnType<typeof parse<typeof TRAIN_OPTIONS>>["values"];

async function trainAndReport(
  v: TrainValues,
  ngramRange: [number, number] | undefined,
  out: string | undefined,
  tracking: Awaited<ReturnType<typeof createTracking>> | undefined,
): Promise<void> {
  const readOptions = readOptionsOf(v);
  const maxIter = number("max-iter", v["max-iter"]);
  // The optimizer's iteration cap as training will resolve it (shown next to the iteration count).
  const progress = progressWriter(!v.quiet && !v.json, resolveClassifierOptions({ maxIter }).maxIter);
  const read = async (file: string): Promise<LabeledText[]> => {
    const rows = await collect(readDataset(file, readOptions));
    progress.note(`read ${formatCount(rows.length)} rows from ${file} (${describeLabelCounts(rows)})`);
    return rows;
  };
  const keepFeatures = number("keep-features", v["keep-features"]);
  const compact =
    keepFeatures === undefined && v.weights === undefined
      ? undefined
      : { ...(keepFeatures === undefined ? {} : { maxFeatures: keepFeatures }), ...(v.weights === undefined ? {} : { weights: v.weights as WeightPrecision }) };
  const options: TrainTfidfOptions = {
    preset: v.preset as TfidfPresetName | undefined,
    compact,
    analyzer: v.analyzer as "word" | "char" | "char_wb" | undefined,
    ngramRange,
    minDf: number("min-df", v["min-df"]),
    maxDf: number("max-df", v["max-df"]),
    maxFeatures: number("max-features", v["max-features"]),
    sublinearTf: v["sublinear-tf"],
    stopWords: v["stop-words"] as "english" | undefined,
    stripAccents: v["strip-accents"] as "unicode" | "ascii" | undefined,
    lowercase: v["no-lowercase"] ? false : undefined,
    binary: v.binary,
    norm: v.norm === "none" ? null : (v.norm as "l1" | "l2" | undefined),
    useIdf: v["no-idf"] ? false : undefined,
    nbScaling: v["nb-scaling"],
    C: number("C", v.c),
    maxIter,
    tol: number("tol", v.tol),
    classWeight: v["class-weight"] as "balanced" | undefined,
    allowRareClasses: v["allow-rare-classes"],
    onProgress: progress.onProgress,
  };
  const holdoutFraction = number("holdout", v.holdout);
  const holdoutSeed = number("holdout-seed", v["holdout-seed"]) ?? 42;
  if (!Number.isInteger(holdoutSeed)) throw new UsageError(`--holdout-seed must be an integer, got "${v["holdout-seed"]}"`);
  if (v["holdout-seed"] !== undefined && holdoutFraction === undefined) throw new UsageError("--holdout-seed needs --holdout FRACTION");
  // Every flag is checked above, before the data is read: a typo fails at once, whatever the data's size.
  let train = await read(v.data!);
  let test = v.test ? await read(v.test) : undefined;
  // The run lists the files as its datasets (MLflow's Datasets): the digests are of the rows used.
  const columns = { textColumn: v["text-column"], labelColumn: v["label-column"] };
  const described = (file: string, part = ""): TrainingDatasetInfo => ({ name: `${basename(file)}${part}`, source: resolve(file), ...columns });
  const datasets: TrainingDatasets = { training: described(v.data!), ...(v.test ? { validation: described(v.test) } : {}) };
  let holdoutParams: Record<string, number> | undefined;
  if (holdoutFraction !== undefined) {
    const split = holdoutSplit(train, { fraction: holdoutFraction, seed: holdoutSeed });
    train = split.train;
    datasets.training = described(v.data!, " (training split)");
    if (test === undefined) {
      test = split.heldOut;
      datasets.validation = described(v.data!, " (holdout)");
    }
    holdoutParams = { holdout_fraction: holdoutFraction, holdout_seed: holdoutSeed, holdout_rows: split.heldOut.length };
    progress.note(`held out ${formatCount(split.heldOut.length)} rows (fraction ${holdoutFraction}, seed ${holdoutSeed}); training on ${formatCount(train.length)}`);
  }
  options.validation = test;
  options.datasets = datasets;
  const run = tracking ? await tracking.startRun({ experimentName: v.experiment ?? "sentiment", runName: v["run-name"], buffer: true }) : undefined;
  let result: Awaited<ReturnType<typeof trainTfidf>>;
  let registered: { name: string; version: string; alias?: string } | undefined;
  try {
    if (run && holdoutParams) await run.logParams(holdoutParams);
    result = await trainTfidf(train, { ...options, run });
    if (run && v.register) {
      const logged = await run.logModel(result.model, "model", { registeredModelName: v.register });
      registered = { name: v.register, version: logged.version!.version };
      if (v.alias) {
        await tracking!.registry.setRegisteredModelAlias(v.register, v.alias, registered.version);
        registered.alias = v.alias;
      }
    }
    await run?.end("FINISHED");
  } catch (e) {
    await run?.end("FAILED").catch(() => {});
    throw e;
  }
  if (out !== undefined) await saveModel(result.model, out);
  const summary = {
    model: out ?? null,
    ...(run ? { run_id: run.runId, tracking_uri: tracking!.uri } : {}),
    ...(registered ? { registered_model: registered } : {}),
    examples: result.stats.examples,
    features: result.stats.features,
    iterations: result.fit.iterations,
    converged: result.fit.converged,
    seconds: result.stats.durationMs / 1000,
    metrics: result.metrics,
  };
  if (v.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const lines = [
    `${out !== undefined ? `saved ${out}` : "trained"}: ${summary.examples} examples, ${summary.features} features, ${summary.iterations} iterations` +
      `${summary.converged ? "" : " (not converged)"}, ${summary.seconds.toFixed(1)} s`,
  ];
  if (run) lines.push(`run ${run.runId} logged to ${redactCredentials(tracking!.uri)}`);
  if (registered) {
    lines.push(`registered models:/${registered.name}/${registered.version}${registered.alias ? ` (alias ${registered.alias}: models:/${registered.name}@${registered.alias})` : ""}`);
  }
  const m = result.metrics;
  if (m) {
    lines.push(
      `accuracy ${m.accuracy.toFixed(4)}  precision ${m.precision.toFixed(4)}  recall ${m.recall.toFixed(4)}  f1 ${m.f1.toFixed(4)}`,
      `roc_auc  ${m.rocAuc.toFixed(4)}  log_loss  ${m.logLoss.toFixed(4)}  (n = ${m.support})`,
      `confusion matrix (rows = true, columns = predicted: ${m.labels.join(", ")}):`,
      ...m.confusionMatrix.map((row, i) => `  ${m.labels[i]!.padEnd(12)} ${row.map((n) => String(n).padStart(7)).join(" ")}`),
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function readStdinLines(): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) lines.push(line);
  return lines;
}

async function predictCommand(args: string[]): Promise<void> {
  const { values: v, positionals } = parse(args, PREDICT_OPTIONS);
  if (!v.model) throw new UsageError("predict needs --model FILE");
  const texts = positionals.length > 0 ? positionals : await readStdinLines();
  const model = await openModel(v.model, undefined);
  try {
    const predictions = await predict(model, texts);
    const out = predictions.map((p, i) =>
      v.json ? JSON.stringify({ text: texts[i], label: p.label, score: p.score }) : `${p.label}\t${p.score.toFixed(4)}\t${texts[i]}`,
    );
    if (out.length > 0) process.stdout.write(`${out.join("\n")}\n`);
  } finally {
    if (isBertModel(model)) await model.dispose();
  }
}

/**
 * Runs the CLI with `argv` (without node and script); returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2));
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "train":
        await train(rest);
        return 0;
      case "predict":
        await predictCommand(rest);
        return 0;
      case "eval":
        await evalCommand(rest);
        return 0;
      case "--version":
      case "-v":
        process.stdout.write(`${VERSION}\n`);
        return 0;
      case undefined:
      case "--help":
      case "-h":
      case "help":
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}" (expected train, eval or predict)`);
    }
  } catch (e) {
    const message = (e as Error).message.replace(/^\[senti-mlops\] (\[[a-z-]+\] )?/, "").split("\n")[0];
    if (liveLineOpen) process.stderr.write("\n");
    process.stderr.write(`senti-mlops: error: ${message}\n`);
    if (e instanceof UsageError) process.stderr.write(`Run "senti-mlops --help" for usage.\n`);
    return e instanceof UsageError ? 2 : isSentiMlopsError(e) ? 1 : 70;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
