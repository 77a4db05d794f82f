/**
 * `evaluateModel`: any loaded model (TF-IDF or BERT) on labeled data — the metrics of its
 * predictions, and for a binary model the ROC and precision-recall curves. The `senti-mlops eval`
 * command prints it; {@link logEvaluation} logs it to an MLflow run.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import type { ClassificationMetrics } from "../evaluation/metrics.js";
import { precisionRecallCurve, rocCurve, type Curve } from "../evaluation/curves.js";
import { predictProba } from "../predict.js";
import { DEFAULT_BINARY_LABELS } from "../tfidf/default-labels.js";
import { evaluatePredictions } from "../tfidf/train-evaluate.js";
import { LabelTally, collectExamples } from "../tfidf/train-intake.js";
import type { SentimentModel, TrainingData } from "../types.js";

/**
 * Options of {@link evaluateModel}.
 *
 * @example
 * ```ts
 * await evaluateModel(model, rows, { dataName: "test.csv", batchSize: 256 });
 * ```
 */
export interface EvaluateModelOptions {
  /** What the data is called in error messages (e.g. its file name). @default "data" */
  dataName?: string;
  /** Texts scored per model call (see `predictProba`). @default 4096 */
  batchSize?: number;
}

/**
 * How one label of the data was matched to a label of the model.
 *
 * @example
 * ```ts
 * const match: LabelMatch = { data: 1, model: "Positive" };
 * ```
 */
export interface LabelMatch {
  /** The label as the data has it: a class id or a name. */
  readonly data: string | number;
  /** The model's label it stands for. */
  readonly model: string;
}

/**
 * The curves of a binary model, the second label being the positive class.
 *
 * @example
 * ```ts
 * const { positiveLabel, averagePrecision }: BinaryEvaluation = evaluation.binary!;
 * ```
 */
export interface BinaryEvaluation {
  /** The model's positive label (its second label). */
  readonly positiveLabel: string;
  /** Whether each example is of the positive class. */
  readonly positive: readonly boolean[];
  /** Each example's probability of the positive class. */
  readonly score: readonly number[];
  /** False positive rate (x) against true positive rate (y). */
  readonly rocCurve: Curve;
  /** Recall (x) against precision (y). */
  readonly precisionRecallCurve: Curve;
  /** Average precision (MLflow's `precision_recall_auc`); NaN without positives. */
  readonly averagePrecision: number;
}

/**
 * What {@link evaluateModel} measures.
 *
 * @example
 * ```ts
 * const { metrics, labelMatches, binary }: ModelEvaluation = await evaluateModel(model, rows);
 * metrics.accuracy; // 0.79
 * labelMatches; // [{ data: 0, model: "Negative" }, { data: 1, model: "Positive" }]
 * binary?.averagePrecision; // 0.86
 * ```
 */
export interface ModelEvaluation {
  /** Metrics over the model's labels (in `model.labels` order; the confusion matrix too). */
  readonly metrics: ClassificationMetrics;
  /** Each distinct label of the data and the model label it was matched to, in the order of the model's labels. */
  readonly labelMatches: readonly LabelMatch[];
  /** The curves, for a model with two labels. */
  readonly binary?: BinaryEvaluation;
}

const invalid = (message: string): SentiMlopsError => SentiMlopsError.invalidParameterValue(message, { component: "evaluation" });
const show = (label: string | number): string => (typeof label === "string" ? JSON.stringify(label) : String(label));
const list = (labels: readonly (string | number)[]): string => `(${labels.map(show).join(", ")})`;

/** HF's names for unnamed classes: LABEL_0, LABEL_1, … */
const HF_DEFAULT = /^LABEL_(\d+)$/;

/**
 * Whether class id `i` names model label `label`: the library's names of numeric labels
 * (`DEFAULT_BINARY_LABELS` for ids 0/1, the ids themselves for more classes), in any case, or
 * Hugging Face's `LABEL_<i>`.
 */
function idNames(label: string, i: number, k: number): boolean {
  if (label === String(i) || HF_DEFAULT.exec(label)?.[1] === String(i)) return true;
  return k === 2 && label.toLowerCase() === DEFAULT_BINARY_LABELS[i]!.toLowerCase();
}

/**
 * Matches the distinct labels of the data to the model's labels, returning a function from a data
 * label to a class index of the model.
 *
 * Class ids (integers) are class indices, as in training: they are accepted when the model's labels
 * are the names training gives ids (`Negative`/`Positive` for 0/1 in any case, as BERT SST-2's
 * `NEGATIVE`/`POSITIVE`; `"0"`, `"1"`, … or `LABEL_0`, … for more classes). Names are matched
 * exactly, or ignoring case when that is unambiguous.
 */
function matchLabels(distinct: readonly (string | number)[], modelLabels: readonly string[], dataName: string): LabelMatch[] {
  const k = modelLabels.length;
  if (distinct.length > 0 && typeof distinct[0] === "number") {
    const ids = distinct as number[];
    const outside = ids.filter((id) => id >= k);
    if (outside.length > 0) {
      throw invalid(
        `the labels of ${dataName} ${list([...ids].sort((a, b) => a - b))} are class ids, but the model has ${k} labels ${list(modelLabels)} (ids 0 to ${k - 1}): ` +
          `${outside.map(show).join(", ")} ${outside.length === 1 ? "is" : "are"} not among them`,
      );
    }
    if (!modelLabels.every((label, i) => idNames(label, i, k))) {
      const example = `{ ${ids.map((id) => `"${id}": ${JSON.stringify(modelLabels[id])}`).join(", ")} }`;
      throw invalid(
        `the labels of ${dataName} ${list([...ids].sort((a, b) => a - b))} are class ids, but the model's labels ${list(modelLabels)} are names ` +
          `that class ids do not stand for; if the ids mean ${example}, read the data with that labelMap (senti-mlops eval: --label-map ${ids.map((id) => `${id}=${modelLabels[id]}`).join(",")})`,
      );
    }
    return ids.map((id) => ({ data: id, model: modelLabels[id]! }));
  }
  const names = distinct as string[];
  const exact = new Set(modelLabels);
  const matches: LabelMatch[] = [];
  const unmatched: string[] = [];
  for (const name of names) {
    if (exact.has(name)) {
      matches.push({ data: name, model: name });
      continue;
    }
    const folded = modelLabels.filter((l) => l.toLowerCase() === name.toLowerCase());
    if (folded.length === 1) matches.push({ data: name, model: folded[0]! });
    else unmatched.push(name);
  }
  if (unmatched.length > 0) {
    const sorted = [...names].sort();
    const pairs = sorted.length === k ? sorted.map((n, i) => `${n}=${modelLabels[i]}`).join(",") : `${sorted[0]}=${modelLabels[0]},…`;
    throw invalid(
      `the labels of ${dataName} ${list(sorted)} do not match the model's labels ${list(modelLabels)}: ${unmatched.sort().map(show).join(", ")} ` +
        `${unmatched.length === 1 ? "is not a label" : "are not labels"} of the model; map the data's labels to the model's with labelMap when reading it ` +
        `(senti-mlops eval: --label-map, e.g. --label-map ${pairs})`,
    );
  }
  return matches;
}

/**
 * Evaluates `model` on labeled `data`: predicts every text, matches the data's labels to the
 * model's, and measures accuracy, precision, recall, F1, ROC AUC, log loss and the confusion
 * matrix (scikit-learn's definitions; binary metrics are about the model's second label), with the
 * ROC and precision-recall curves and the average precision of a binary model. Works for every
 * model `predict` takes (TF-IDF, BERT, …).
 *
 * Labels are matched explicitly: class ids (0, 1, …) are the model's class indices when its labels
 * are the names training gives ids (0/1 → `Negative`/`Positive`, any case); names must be the
 * model's labels (ignoring case when unambiguous). The result lists each match.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when the data is empty, a row is bad (named by
 * its file and line when read by `senti-mlops/data`), or the data's labels do not match the
 * model's (the message names both label sets and how to map them).
 *
 * @example
 * ```ts
 * const model = await loadModel("./model.bin");
 * const { metrics, binary } = await evaluateModel(model, await collect(readDataset("test.csv")), { dataName: "test.csv" });
 * metrics.accuracy; // 0.79
 * metrics.confusionMatrix; // [[351, 77], [105, 339]]
 * binary?.averagePrecision; // 0.86
 * ```
 */
export async function evaluateModel(model: SentimentModel, data: TrainingData, options: EvaluateModelOptions = {}): Promise<ModelEvaluation> {
  const m = model as SentimentModel | null;
  if (!m || typeof m !== "object" || typeof m.predictProba !== "function" || !Array.isArray(m.labels)) {
    throw invalid(`model must be a loaded model (from trainTfidf, loadModel or loadBert), got ${describeType(model)}`);
  }
  const dataName = options.dataName ?? "data";
  const tally = new LabelTally(dataName);
  const { texts, raw } = await collectExamples(data, dataName, tally);
  if (texts.length === 0) throw invalid(`${dataName} has no rows to evaluate on`);
  const labels = m.labels;
  const labelMatches = matchLabels([...tally.counts.keys()], labels, dataName).sort((a, b) => labels.indexOf(a.model) - labels.indexOf(b.model));
  const index = new Map<string | number, number>(labelMatches.map((match) => [match.data, labels.indexOf(match.model)]));
  const truth = Int32Array.from(raw, (label) => index.get(label)!);
  const rows = await predictProba(m, texts, { batchSize: options.batchSize });
  const k = labels.length;
  const proba = new Float64Array(rows.length * k);
  rows.forEach((row, i) => {
    if (row.length !== k) throw invalid(`the model gave ${row.length} probabilities for text ${i}, but has ${k} labels`);
    proba.set(row, i * k);
  });
  const { metrics, roc } = evaluatePredictions(truth, proba, labels);
  if (!roc) return { metrics, labelMatches };
  const pr = precisionRecallCurve(roc.positive, roc.score);
  return {
    metrics,
    labelMatches,
    binary: {
      positiveLabel: labels[1]!,
      positive: roc.positive,
      score: roc.score,
      rocCurve: rocCurve(roc.positive, roc.score),
      precisionRecallCurve: pr.curve,
      averagePrecision: pr.averagePrecision,
    },
  };
}
