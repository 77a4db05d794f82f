/**
 * trainTfidf, predict and the model: behaviour and bad input, on small real data (rt-polarity).
 */
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { hasErrorCode, predict, predictProba, type LabeledText, type SentiMlopsError } from "../../src/index.js";
import { trainTfidf, type TfidfModel, type TrainProgress } from "../../src/entries/tfidf.js";
import { dataFile } from "../peers/sklearn.js";

const rows = (parse(readFileSync(dataFile("rt-polarity/train.csv")), { columns: true }) as { text: string; label: string }[]).map(
  (r): LabeledText => ({ text: r.text, label: Number(r.label) }),
);
const test = (parse(readFileSync(dataFile("rt-polarity/test.csv")), { columns: true }) as { text: string; label: string }[]).map(
  (r): LabeledText => ({ text: r.text, label: Number(r.label) }),
);

async function rejection(promise: Promise<unknown>): Promise<SentiMlopsError> {
  try {
    await promise;
  } catch (e) {
    return e as SentiMlopsError;
  }
  throw new Error("expected a rejection");
}

let model: TfidfModel;
beforeAll(async () => {
  ({ model } = await trainTfidf(rows, { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 }));
});

describe("trainTfidf", () => {
  it("labels 0/1 as Negative/Positive and predicts both", async () => {
    expect(model.labels).toEqual(["Negative", "Positive"]);
    const out = await predict(model, ["a wonderful, moving and funny film", "dull, lifeless and far too long"]);
    expect(out.map((p) => p.label)).toEqual(["Positive", "Negative"]);
    for (const p of out) expect(p.score).toBeGreaterThan(0.5);
  });

  it("returns validation metrics", async () => {
    const { metrics } = await trainTfidf(rows, { validation: test });
    expect(metrics!.support).toBe(test.length);
    expect(metrics!.accuracy).toBeGreaterThan(0.7);
    expect(metrics!.confusionMatrix.flat().reduce((a, b) => a + b)).toBe(test.length);
    expect(metrics!.rocAuc).toBeGreaterThan(metrics!.accuracy - 0.1);
  });

  it("is deterministic", async () => {
    const a = await trainTfidf(rows.slice(0, 3000), { C: 2 });
    const b = await trainTfidf(rows.slice(0, 3000), { C: 2 });
    expect(a.model.classifier.coef).toEqual(b.model.classifier.coef);
    expect(a.model.vectorizer.vocabulary).toEqual(b.model.vectorizer.vocabulary);
  });

  it("accepts async iterables and string labels (sorted like scikit-learn's classes_)", async () => {
    async function* stream() {
      for (const r of rows.slice(0, 2000)) yield { text: r.text, label: r.label === 1 ? "pos" : "neg" };
    }
    const { model: m } = await trainTfidf(stream());
    expect(m.labels).toEqual(["neg", "pos"]);
    expect((await predict(m, ["a wonderful film"]))[0]!.label).toBe("pos");
  });

  it("uses labelNames for numeric labels", async () => {
    const { model: m } = await trainTfidf(rows.slice(0, 1000), { labelNames: ["bad", "good"] });
    expect(m.labels).toEqual(["bad", "good"]);
  });

  it("reports progress through every phase, in order", async () => {
    const phases: TrainProgress["phase"][] = [];
    await trainTfidf(rows.slice(0, 3000), { validation: test.slice(0, 100), onProgress: (e) => phases.push(e.phase) });
    const order = [...new Set(phases)];
    expect(order).toEqual(["tokenizing", "vocabulary", "optimizing", "evaluating", "done"]);
  });

  it("aborts with CANCELLED", async () => {
    const controller = new AbortController();
    const err = await rejection(
      trainTfidf(rows, { signal: controller.signal, onProgress: (e) => e.phase === "optimizing" && controller.abort() }),
    );
    expect(err.code).toBe("CANCELLED");
  });

  it("balances class weights and accepts a weight per label", async () => {
    const skewed = [...rows.filter((r) => r.label === 1).slice(0, 900), ...rows.filter((r) => r.label === 0).slice(0, 100)];
    expect(skewed.filter((r) => r.label === 0)).toHaveLength(100);
    const plain = await trainTfidf(skewed, { validation: test });
    const balanced = await trainTfidf(skewed, { classWeight: "balanced", validation: test });
    const negCol = (m: typeof plain) => m.metrics!.confusionMatrix[0]![0]! + m.metrics!.confusionMatrix[1]![0]!;
    expect(negCol(balanced)).toBeGreaterThan(negCol(plain));

    // A weight per label shifts the model toward that label: more Negative predictions, and a
    // higher P(Negative) for every validation text.
    const weighted = await trainTfidf(skewed, { classWeight: { Negative: 9 }, validation: test });
    expect(negCol(weighted)).toBeGreaterThan(negCol(plain));
    const texts = test.map((r) => r.text);
    const [pPlain, pWeighted] = await Promise.all([predictProba(plain.model, texts), predictProba(weighted.model, texts)]);
    for (const [i, p] of pWeighted.entries()) expect(p[0]!, texts[i]).toBeGreaterThan(pPlain[i]![0]!);

    // scikit-learn's semantics: a class weight multiplies each example's loss (an unnamed label
    // weighs 1). "balanced" weighs Negative 1000 / (2 · 100) = 5 and Positive 1000 / (2 · 900) = 5/9,
    // i.e. 5/9 · { Negative: 9, Positive: 1 }; so { Negative: 9 } at C = 1 is the same objective as
    // "balanced" at C = 9/5, and the two models must agree.
    const balancedRescaled = await trainTfidf(skewed, { classWeight: "balanced", C: 9 / 5 });
    const pRescaled = await predictProba(balancedRescaled.model, texts);
    for (const [i, p] of pWeighted.entries()) expect(Math.abs(p[0]! - pRescaled[i]![0]!), texts[i]).toBeLessThan(1e-3);

    const err = await rejection(trainTfidf(skewed, { classWeight: { nope: 2 } }));
    expect(err.message).toMatch(/classWeight names "nope"/);
  });
});

describe("bad training input names what is wrong", () => {
  const cases: [string, unknown, object, RegExp][] = [
    ["non-array data", 42, {}, /data must be an array or \(async\) iterable/],
    ["a non-object row", [{ text: "a", label: 0 }, "oops"], {}, /data\[1\] must be an object/],
    ["a non-string text", [{ text: "good", label: 1 }, { text: 5, label: 0 }], {}, /data\[1\]\.text must be a string, got number/],
    ["a bad label", [{ text: "good", label: 1 }, { text: "bad", label: -1 }], {}, /data\[1\]\.label -1 is not a class id/],
    ["mixed label kinds", [{ text: "good", label: 1 }, { text: "bad", label: "neg" }], {}, /data\[1\]: label "neg" is a name, but the labels before it are class ids \(1 at data\[0\]\)/],
    ["one class", [{ text: "good", label: 1 }, { text: "fine", label: 1 }], {}, /at least two classes, found 1: all 2 rows have label 1/],
    ["no examples", [], {}, /no examples/],
    ["only stop words", [{ text: "the and", label: 1 }, { text: "of a", label: 0 }], { stopWords: "english" }, /empty vocabulary/],
    ["C ≤ 0", rows.slice(0, 10), { C: -1 }, /C must be a positive finite number, got -1/],
    ["bad ngramRange", rows.slice(0, 10), { ngramRange: [2, 1] }, /ngramRange must be \[min, max\]/],
    ["fractional minDf > 1", rows.slice(0, 10), { minDf: 1.5 }, /minDf must be an integer ≥ 1/],
    ["maxDf < minDf", rows.slice(0, 10), { minDf: 5, maxDf: 2 }, /maxDf \(2\) corresponds to fewer documents than minDf \(5\)/],
    ["unknown stripAccents", rows.slice(0, 10), { stripAccents: "latin" }, /stripAccents must be/],
    ["unknown norm", rows.slice(0, 10), { norm: "l3" }, /norm must be/],
    ["non-boolean sublinearTf", rows.slice(0, 10), { sublinearTf: "yes" }, /sublinearTf must be a boolean, got string/],
    ["too many capture groups", rows.slice(0, 10), { tokenPattern: /(a)(b)/ }, /at most one capturing group/],
    ["minDf too high", rows.slice(0, 10), { minDf: 0.99 }, /no terms remain/],
    ["label without a name", [{ text: "good", label: 2 }, { text: "bad", label: 0 }], { labelNames: ["a", "b"] }, /label 2 has no name/],
  ];
  for (const [name, data, options, message] of cases) {
    it(name, async () => {
      const err = await rejection(trainTfidf(data as LabeledText[], options));
      expect(err.code).toBe("INVALID_PARAMETER_VALUE");
      expect(err.httpStatus).toBe(400);
      expect(err.message).toMatch(message);
    });
  }
});

describe("predict", () => {
  it("gives empty and blank texts a prediction", async () => {
    const out = await predict(model, ["", "   ", "\n"]);
    expect(out).toHaveLength(3);
    for (const p of out) expect(model.labels).toContain(p.label);
    expect(out[0]).toEqual(out[1]);
  });

  it("scores are the probability of the predicted label", async () => {
    const texts = test.slice(0, 50).map((r) => r.text);
    const proba = await predictProba(model, texts);
    const out = await predict(model, texts);
    out.forEach((p, i) => {
      expect(proba[i]![0]! + proba[i]![1]!).toBeCloseTo(1, 12);
      expect(p.score).toBe(Math.max(...proba[i]!));
    });
  });

  it("gives the same results whatever the batch size", async () => {
    const texts = test.map((r) => r.text);
    expect(await predict(model, texts, { batchSize: 7 })).toEqual(await predict(model, texts));
  });

  it("names the first non-string text", async () => {
    const err = await rejection(predict(model, ["fine", "ok", 42 as unknown as string]));
    expect(hasErrorCode(err, "INVALID_PARAMETER_VALUE")).toBe(true);
    expect(err.message).toBe("texts[2] must be a string, got number");
    expect((await rejection(predict(model, "just one" as unknown as string[]))).message).toMatch(/texts must be an array of strings, got string/);
    expect((await rejection(predict({} as TfidfModel, ["x"]))).message).toMatch(/model must be a loaded model/);
    expect((await rejection(predict(model, ["x"], { batchSize: 0 }))).message).toMatch(/batchSize must be a positive integer/);
  });

  it("unknown words and unseen bigrams are ignored, not errors", async () => {
    const [p] = await predict(model, ["zzqxj qqwvk"]);
    const [q] = await predict(model, [""]);
    expect(p).toEqual(q);
  });
});
