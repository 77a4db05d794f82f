/**
 * The steps of trainTfidf, each alone on tiny data: intake (labels), fit (a model), evaluate
 * (metrics of known predictions) and log (the MLflow trail a run receives).
 */
import { describe, expect, it } from "vitest";
import { isSentiMlopsError } from "../../src/errors.js";
import type { TrainingRun } from "../../src/types.js";
import type { TrainProgress } from "../../src/tfidf/train.js";
import { evaluatePredictions } from "../../src/tfidf/train-evaluate.js";
import { checkAborted, classWeightsFor, countDocuments, fitTfidf } from "../../src/tfidf/train-fit.js";
import { collectExamples, indexLabels, readValidation } from "../../src/tfidf/train-intake.js";
import { logTraining, trainingParams } from "../../src/tfidf/train-log.js";
import { createTfidfFitter } from "../../src/tfidf/vectorizer-fit.js";

const corpus = [
  { text: "a great and wonderful film", label: 1 },
  { text: "dull, boring and far too long", label: 0 },
  { text: "wonderful acting, great fun", label: 1 },
  { text: "boring plot and dull acting", label: 0 },
  { text: "great fun from start to end", label: 1 },
  { text: "far too long and boring", label: 0 },
];

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

describe("intake", () => {
  it("maps numeric labels to indices, named Negative/Positive or by labelNames", () => {
    expect(indexLabels([1, 0, 1], undefined)).toEqual({ y: Int32Array.of(1, 0, 1), labels: ["Negative", "Positive"], numeric: true });
    expect(indexLabels([2, 0, 1], undefined).labels).toEqual(["0", "1", "2"]);
    expect(indexLabels([0, 1], ["bad", "good"]).labels).toEqual(["bad", "good"]);
  });

  it("sorts string labels by code point unless labelNames orders them", () => {
    expect(indexLabels(["pos", "neg", "pos"], undefined)).toEqual({ y: Int32Array.of(1, 0, 1), labels: ["neg", "pos"], numeric: false });
    expect(indexLabels(["pos", "neg"], ["pos", "neg"]).y).toEqual(Int32Array.of(0, 1));
  });

  it("rejects mixed, unnamed and single-class labels", () => {
    expect(() => indexLabels([0, "x"], undefined)).toThrow('data[1]: label "x" is a name, but the labels before it are class ids (0 at data[0])');
    expect(() => indexLabels([0, 2], ["a", "b"])).toThrow("label 2 has no name: labelNames lists 2 names");
    expect(() => indexLabels(["a", "c"], ["a", "b"])).toThrow('label "c" is not in labelNames ["a","b"]');
    expect(() => indexLabels(["a", "a"], undefined)).toThrow("training data needs at least two classes, found 1");
  });

  it("names the index of a bad label", async () => {
    const err = await rejection(collectExamples([...corpus, { text: "fine", label: -1 }], "data"));
    expect(isSentiMlopsError(err)).toBe(true);
    expect(err).toMatchObject({
      code: "INVALID_PARAMETER_VALUE",
      component: "tfidf",
      message: expect.stringMatching(/^data\[6\]\.label -1 is not a class id: class ids are 0, 1, 2, …; map other values to class ids first/),
    });
  });

  it("maps validation labels to the trained classes", async () => {
    const trained = indexLabels([0, 1], undefined);
    const { texts, truth } = await readValidation([{ text: "great", label: "Positive" }, { text: "dull", label: 0 }], trained);
    expect(texts).toEqual(["great", "dull"]);
    expect(truth).toEqual(Int32Array.of(1, 0));
    await expect(readValidation([{ text: "x", label: 2 }], trained)).rejects.toThrow("validation[0].label 2 is not one of the trained labels");
  });
});

describe("fit", () => {
  it("fits a model on a tiny corpus, reporting every phase", async () => {
    const events: TrainProgress[] = [];
    const { model, training, report, losses } = await fitTfidf(corpus, { C: 10, onProgress: (e) => events.push(e) });
    expect(model.labels).toEqual(["Negative", "Positive"]);
    expect(training.y).toEqual(Int32Array.of(1, 0, 1, 0, 1, 0));
    expect(model.info.trainingExamples).toBe(6);
    expect(losses).toHaveLength(report.iterations);
    expect(report.converged).toBe(true);
    const proba = model.probabilities(["great fun", "boring and dull"]);
    expect(proba[1]).toBeGreaterThan(0.5);
    expect(proba[3]).toBeLessThan(0.5);
    expect([...new Set(events.map((e) => e.phase))]).toEqual(["tokenizing", "vocabulary", "optimizing"]);
  });

  it("counts documents into a fitter and returns their labels", async () => {
    const fitter = createTfidfFitter();
    expect(await countDocuments(corpus.slice(0, 2), fitter, {})).toEqual([1, 0]);
    expect(fitter.finish().vectorizer.size).toBe(9);
    await expect(countDocuments([], createTfidfFitter(), {})).rejects.toThrow("data holds no examples");
  });

  it("weighs classes", () => {
    expect(classWeightsFor("balanced", Int32Array.of(0, 1, 1, 1), ["neg", "pos"])).toEqual(Float64Array.of(2, 4 / 6));
    expect(classWeightsFor({ pos: 3 }, Int32Array.of(0, 1), ["neg", "pos"])).toEqual(Float64Array.of(1, 3));
    expect(classWeightsFor(null, Int32Array.of(0, 1), ["neg", "pos"])).toBeUndefined();
    expect(() => classWeightsFor({ neutral: 2 }, Int32Array.of(0, 1), ["neg", "pos"])).toThrow(
      'classWeight names "neutral", which is not one of the labels ["neg","pos"]',
    );
  });

  it("stops with CANCELLED when the signal aborts", async () => {
    expect(() => checkAborted(AbortSignal.abort())).toThrow(expect.objectContaining({ code: "CANCELLED", component: "tfidf", message: "training was aborted" }));
    await expect(fitTfidf(corpus, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "CANCELLED", component: "tfidf" });
  });
});

describe("evaluate", () => {
  it("computes the metrics of known predictions, with the ROC input of a binary model", () => {
    const truth = Int32Array.of(0, 1, 1, 0);
    const proba = Float64Array.of(0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7);
    const { metrics, roc } = evaluatePredictions(truth, proba, ["neg", "pos"]);
    expect(metrics.accuracy).toBe(0.5);
    expect(metrics.confusionMatrix).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(metrics.precision).toBe(0.5);
    expect(metrics.recall).toBe(0.5);
    expect(metrics.rocAuc).toBe(0.75); // 3 of 4 positive/negative pairs ranked right
    expect(metrics.support).toBe(4);
    expect(roc).toEqual({ positive: [false, true, true, false], score: [0.1, 0.8, 0.4, 0.7] });
  });

  it("gives no ROC input with more than two classes", () => {
    const { metrics, roc } = evaluatePredictions(Int32Array.of(0, 2), Float64Array.of(0.8, 0.1, 0.1, 0.1, 0.1, 0.8), ["a", "b", "c"]);
    expect(metrics.accuracy).toBe(1);
    expect(roc).toBeUndefined();
  });
});

describe("log", () => {
  function fakeRun(withText: boolean): { run: TrainingRun; calls: unknown[][] } {
    const calls: unknown[][] = [];
    const run: TrainingRun = {
      logParams: async (params) => void calls.push(["logParams", params]),
      logMetric: async (key, value, options) => void calls.push(["logMetric", key, value, options]),
      logMetrics: async (metrics) => void calls.push(["logMetrics", metrics]),
      ...(withText ? { logText: async (text: string, path: string) => void calls.push(["logText", path, text.slice(0, 4)]) } : {}),
    };
    return { run, calls };
  }

  it("records params with their MLflow names, train_loss by step, metrics and plots, in order", async () => {
    const { model } = await fitTfidf(corpus, { ngramRange: [1, 2], C: 4, classWeight: "balanced" });
    const { metrics, roc } = evaluatePredictions(Int32Array.of(0, 1), Float64Array.of(0.9, 0.1, 0.2, 0.8), model.labels);
    const report = { iterations: 2, evaluations: 3, converged: true, reason: "gtol", loss: 0.25, threads: 1 } as const;
    const stats = { examples: 6, features: 20, durationMs: 1500 };
    const { run, calls } = fakeRun(true);
    await logTraining(run, model, { metrics, report, stats, losses: [0.6, 0.25], roc });
    expect(calls).toEqual([
      [
        "logParams",
        {
          model: "tfidf-logistic-regression",
          analyzer: "word",
          ngramRange: "1,2",
          minDf: 1,
          maxDf: 1,
          maxFeatures: "none",
          sublinearTf: false,
          lowercase: true,
          stripAccents: "none",
          stopWords: "none",
          tokenPattern: "default",
          binary: false,
          useIdf: true,
          smoothIdf: true,
          norm: "l2",
          C: 4,
          tol: 1e-4,
          maxIter: 1000,
          classWeight: "balanced",
          fitIntercept: true,
          nbScaling: false,
          nbAlpha: 1,
          preset: "none",
          compaction: "none",
          labels: "Negative,Positive",
        },
      ],
      ["logMetric", "train_loss", 0.6, { step: 1 }],
      ["logMetric", "train_loss", 0.25, { step: 2 }],
      [
        "logMetrics",
        {
          train_examples: 6,
          features: 20,
          iterations: 2,
          converged: 1,
          training_time_s: 1.5,
          val_accuracy: 1,
          val_precision: 1,
          val_recall: 1,
          val_f1: 1,
          val_roc_auc: 1,
          val_log_loss: metrics.logLoss,
        },
      ],
      ["logText", "plots/confusion_matrix.svg", "<svg"],
      ["logText", "plots/roc_curve.svg", "<svg"],
    ]);
  });

  it("logs no val_* metrics or plots without validation, and no plots without logText", async () => {
    const { model } = await fitTfidf(corpus, { stopWords: ["and"], tokenPattern: /\w+/u });
    expect(trainingParams(model)).toMatchObject({ stopWords: "custom(1)", tokenPattern: "/\\w+/ug" });
    const report = { iterations: 1, evaluations: 1, converged: false, reason: "max-iter", loss: 0.5, threads: 1 } as const;
    const trail = { metrics: null, report, stats: { examples: 6, features: 9, durationMs: 0 }, losses: [0.5] };
    const { run, calls } = fakeRun(true);
    await logTraining(run, model, trail);
    expect(calls.map((c) => c[0])).toEqual(["logParams", "logMetric", "logMetrics"]);
    expect(calls[2]![1]).toEqual({ train_examples: 6, features: 9, iterations: 1, converged: 0, training_time_s: 0 });
    const { metrics } = evaluatePredictions(Int32Array.of(0, 1), Float64Array.of(0.9, 0.1, 0.2, 0.8), model.labels);
    const noText = fakeRun(false);
    await logTraining(noText.run, model, { ...trail, metrics });
    expect(noText.calls.map((c) => c[0])).toEqual(["logParams", "logMetric", "logMetrics"]);
  });
});
