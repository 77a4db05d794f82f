/**
 * evaluateModel and what logs and draws it: label matching (class ids and names against the
 * model's labels, with errors naming both label sets), metrics under MLflow's names, the ROC and
 * precision-recall curves (scikit-learn's values), MLflow's pandas dataset digest (checked against
 * Python MLflow's `from_pandas` on the same files), and the SVG plots (parsed by Python's XML
 * parser; every text inside the viewBox, long model names and labels included).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evaluateModel } from "../../src/api/evaluate-model.js";
import { evaluationDataset, evaluationMetrics, evaluationPlots } from "../../src/api/log-evaluation.js";
import { precisionRecallCurve, rocCurve } from "../../src/evaluation/curves.js";
import { confusionMatrixSvg, estimateTextWidth } from "../../src/evaluation/plots.js";
import { pandasDigest } from "../../src/mlflow/dataset-digest.js";
import { collect, readDataset } from "../../src/entries/data.js";
import { hasErrorCode } from "../../src/errors.js";
import type { LabeledText, SentimentModel } from "../../src/types.js";
import { evalPeer as peer, textsOutside, type ParsedSvg } from "../peers/mlflow-eval.js";

const dir = mkdtempSync(join(tmpdir(), "senti-eval-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const evalPeer = <T>(args: string[]): Promise<T> => peer<T>(args, dir);

/** A model answering fixed probabilities per text ("p=0.8" → [0.2, 0.8]). */
function fixedModel(labels: readonly string[]): SentimentModel {
  return {
    kind: "fixed",
    labels,
    predictProba: (texts) =>
      texts.map((t) => {
        const p = Number(/p=([\d.]+)/.exec(t)![1]);
        return labels.length === 2 ? [1 - p, p] : labels.map((_, i) => (i === 0 ? 1 - p : p / (labels.length - 1)));
      }),
  };
}

// scikit-learn's docs example: average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.8333…, roc_auc 0.75.
const ROWS: LabeledText[] = [
  { text: "a p=0.1", label: 0 },
  { text: "b p=0.4", label: 0 },
  { text: "c p=0.35", label: 1 },
  { text: "d p=0.8", label: 1 },
];

describe("curves", () => {
  it("rocCurve and precisionRecallCurve give scikit-learn's points and average precision", () => {
    const positive = [false, false, true, true];
    const score = [0.1, 0.4, 0.35, 0.8];
    const roc = rocCurve(positive, score);
    expect(roc.x).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(roc.y).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(roc.thresholds).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
    const pr = precisionRecallCurve(positive, score);
    expect(pr.curve.x).toEqual([0.5, 0.5, 1, 1]);
    expect(pr.curve.y.map((v) => Number(v.toFixed(4)))).toEqual([1, 0.5, 0.6667, 0.5]);
    expect(pr.averagePrecision).toBeCloseTo(0.8333333, 6);
    expect(precisionRecallCurve([false, false], [0.2, 0.3]).averagePrecision).toBeNaN();
  });
});

describe("evaluateModel", () => {
  it("maps class ids 0/1 to Negative/Positive and measures the predictions", async () => {
    const e = await evaluateModel(fixedModel(["Negative", "Positive"]), ROWS);
    expect(e.labelMatches).toEqual([
      { data: 0, model: "Negative" },
      { data: 1, model: "Positive" },
    ]);
    expect(e.metrics.accuracy).toBe(0.75);
    expect(e.metrics.rocAuc).toBe(0.75);
    expect(e.metrics.confusionMatrix).toEqual([
      [2, 0],
      [1, 1],
    ]);
    expect(e.binary!.positiveLabel).toBe("Positive");
    expect(e.binary!.averagePrecision).toBeCloseTo(0.8333333, 6);
    expect(e.binary!.rocCurve.x).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(evaluationMetrics(e)).toEqual({
      example_count: 4,
      accuracy_score: 0.75,
      precision_score: 1,
      recall_score: 0.5,
      f1_score: e.metrics.f1,
      log_loss: e.metrics.logLoss,
      roc_auc: 0.75,
      precision_recall_auc: e.binary!.averagePrecision,
      true_negatives: 2,
      false_positives: 0,
      false_negatives: 1,
      true_positives: 1,
    });
  });

  it("class ids stand for BERT's NEGATIVE/POSITIVE and HF's LABEL_i; names match exactly or ignoring case", async () => {
    expect((await evaluateModel(fixedModel(["NEGATIVE", "POSITIVE"]), ROWS)).labelMatches.map((m) => m.model)).toEqual(["NEGATIVE", "POSITIVE"]);
    expect((await evaluateModel(fixedModel(["LABEL_0", "LABEL_1"]), ROWS)).labelMatches.map((m) => m.model)).toEqual(["LABEL_0", "LABEL_1"]);
    const named = ROWS.map((r) => ({ text: r.text, label: r.label === 1 ? "positive" : "Negative" }));
    const e = await evaluateModel(fixedModel(["Negative", "Positive"]), named);
    expect(e.labelMatches).toEqual([
      { data: "Negative", model: "Negative" },
      { data: "positive", model: "Positive" },
    ]);
    expect(e.metrics.accuracy).toBe(0.75);
  });

  it("refuses labels that do not match the model's, naming both label sets and the fix", async () => {
    const named = ROWS.map((r) => ({ text: r.text, label: r.label === 1 ? "pos" : "neg" }));
    const error = await evaluateModel(fixedModel(["Negative", "Positive"]), named, { dataName: "test.csv" }).catch((e: unknown) => e);
    expect(hasErrorCode(error, "INVALID_PARAMETER_VALUE")).toBe(true);
    expect((error as Error).message).toContain('the labels of test.csv ("neg", "pos") do not match the model\'s labels ("Negative", "Positive")');
    expect((error as Error).message).toContain("--label-map neg=Negative,pos=Positive");

    const ids = await evaluateModel(fixedModel(["bad", "good"]), ROWS, { dataName: "test.csv" }).catch((e: unknown) => e);
    expect((ids as Error).message).toContain('the labels of test.csv (0, 1) are class ids, but the model\'s labels ("bad", "good") are names');
    expect((ids as Error).message).toContain("--label-map 0=bad,1=good");

    const three = [...ROWS, { text: "e p=0.5", label: 2 }];
    const outside = await evaluateModel(fixedModel(["Negative", "Positive"]), three, { dataName: "test.csv" }).catch((e: unknown) => e);
    expect((outside as Error).message).toContain('the labels of test.csv (0, 1, 2) are class ids, but the model has 2 labels ("Negative", "Positive") (ids 0 to 1): 2 is not among them');

    await expect(evaluateModel(fixedModel(["Negative", "Positive"]), [], { dataName: "empty.csv" })).rejects.toThrow("empty.csv has no rows to evaluate on");
    await expect(evaluateModel({} as SentimentModel, ROWS)).rejects.toThrow("model must be a loaded model");
  });

  it("a model with three labels gets macro metrics and no curves", async () => {
    const e = await evaluateModel(fixedModel(["0", "1", "2"]), [...ROWS, { text: "e p=0.9", label: 2 }]);
    expect(e.binary).toBeUndefined();
    expect(e.metrics.confusionMatrix).toHaveLength(3);
    expect(Object.keys(evaluationMetrics(e))).toEqual(["example_count", "accuracy_score", "precision_score", "recall_score", "f1_score", "log_loss", "roc_auc"]);
    expect(Object.keys(evaluationPlots(e))).toEqual(["confusion_matrix.svg"]);
  });
});

describe("MLflow's pandas dataset digest", () => {
  it("equals mlflow.data.from_pandas(pd.read_csv(file)).digest for id labels, name labels and non-ASCII text", async () => {
    const files = {
      ids: "text,label\ngood film,1\nbad film,0\na longer review of more than eight bytes,1\n",
      names: "text,label\ngood film,pos\nbad film,neg\nhéllo wörld — ünïcode ✓ 映画,pos\n",
      many: `text,label\n${Array.from({ length: 300 }, (_, i) => `review number ${i} ${"x".repeat(i % 17)},${i % 3}`).join("\n")}\n`,
    };
    const paths = Object.entries(files).map(([name, csv]) => {
      const path = join(dir, `${name}.csv`);
      writeFileSync(path, csv);
      return path;
    });
    const python = await evalPeer<Record<string, string>>(["digest", ...paths]);
    for (const path of paths) {
      const rows = await collect(readDataset(path));
      expect(evaluationDataset(rows, { name: path }).digest, path).toBe(python[path]);
    }
    expect(pandasDigest([])).toMatch(/^[0-9a-f]{8}$/);
    expect(() => pandasDigest([{ name: "a", values: [1] }, { name: "b", values: [] }])).toThrow('column "b" has 0 values, column "a" 1');
  });

  it("of a table given by its first 10,000 rows and its row count (totalRows) is the whole table's", async () => {
    const path = join(dir, "long.csv");
    writeFileSync(path, `text,label\n${Array.from({ length: 10_050 }, (_, i) => `row ${i},${i % 2}`).join("\n")}\n`);
    const python = await evalPeer<Record<string, string>>(["digest", path]);
    const rows = await collect(readDataset(path));
    const columns = (n: number) => [
      { name: "text", values: rows.slice(0, n).map((r) => r.text) },
      { name: "label", values: rows.slice(0, n).map((r) => r.label) },
    ];
    expect(pandasDigest(columns(rows.length))).toBe(python[path]);
    expect(pandasDigest(columns(10_000), rows.length)).toBe(python[path]);
    expect(pandasDigest(columns(10_020), rows.length)).toBe(python[path]);
    expect(pandasDigest(columns(10_000), rows.length + 1)).not.toBe(python[path]);
    expect(() => pandasDigest(columns(9_999), rows.length)).toThrow(/totalRows must be the table's row count/);
    expect(() => pandasDigest(columns(20), 10)).toThrow(/totalRows must be the table's row count/);
    expect(() => pandasDigest(columns(20), 20.5)).toThrow(/totalRows must be the table's row count/);
  });
});

describe("plots", () => {
  it("are well-formed SVG with a viewBox, and every text (long model names and labels too) is inside it", async () => {
    const e = await evaluateModel(fixedModel(["Negative", "Positive"]), ROWS);
    const long = `models:/${"sentiment-tfidf-bigrams-with-a-very-long-registered-name".repeat(2)}@champion`;
    const plots = {
      ...evaluationPlots(e, { subtitle: long }),
      "labels.svg": confusionMatrixSvg(
        { confusionMatrix: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], labels: ["a rather long label name for a class", "B", "映画のレビューがとても長いラベル"] },
        { title: "A title far too long to fit on one line of this image, which is not very wide at all", subtitle: long },
      ),
    };
    const paths = Object.entries(plots).map(([file, svg]) => {
      const path = join(dir, file);
      writeFileSync(path, svg);
      return path;
    });
    const parsed = await evalPeer<Record<string, ParsedSvg>>(["svg", ...paths]);
    for (const path of paths) {
      const svg = parsed[path]!;
      expect(svg.viewBox, path).toBe(`0 0 ${svg.width} ${svg.height}`);
      expect(textsOutside(svg), path).toEqual([]);
      expect(svg.texts.some((t) => t.text.includes("…")), `${path}: the long model name is shortened`).toBe(true);
    }
    const roc = parsed[join(dir, "roc_curve_plot.svg")]!;
    expect(roc.texts.map((t) => t.text)).toContain("ROC curve (AUC = 0.7500)");
    expect(roc.texts.map((t) => t.text)).toContain("False positive rate (positive: Positive)");
    const pr = parsed[join(dir, "precision_recall_curve_plot.svg")]!;
    expect(pr.texts.map((t) => t.text)).toContain("Precision-recall curve (AP = 0.8333)");
    const cm = parsed[join(dir, "labels.svg")]!;
    expect(cm.texts.filter((t) => t.size === 14).length, "the long title wraps onto two lines").toBe(2);
  });
});
