/** Presets of trainTfidf: what each sets, explicit options over them, and the errors. */
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { decodeTfidfModel, encodeTfidfModel, trainTfidf } from "../../src/entries/tfidf.js";
import { TFIDF_PRESETS, withPreset } from "../../src/tfidf/presets.js";
import { dataFile } from "../peers/sklearn.js";

const rows = (parse(readFileSync(dataFile("sst2/train.csv")), { columns: true }) as { text: string; label: string }[])
  .slice(0, 3000)
  .map((r) => ({ text: r.text, label: Number(r.label) }));

describe("withPreset", () => {
  it("fills in the preset's options; explicit ones win, an explicit undefined does not", () => {
    expect(withPreset({ preset: "strong", C: 2, minDf: undefined })).toEqual({ preset: "strong", ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 2 });
    expect(withPreset({ C: 2 })).toEqual({ C: 2 });
    expect(withPreset({ preset: "seed" })).toEqual({ preset: "seed" });
  });
  it("names an unknown preset and the known ones", () => {
    expect(() => withPreset({ preset: "fast" as never })).toThrow('preset must be one of "seed", "strong", "best", "web", got "fast"');
  });
});

describe("trainTfidf with a preset", () => {
  it("strong: the model carries the preset's options and its name; C overridden", async () => {
    const { model } = await trainTfidf(rows, { preset: "strong", C: 2, threads: 1 });
    expect(model.vectorizer.options.ngramRange).toEqual([1, 2]);
    expect(model.vectorizer.options.minDf).toBe(2);
    expect(model.vectorizer.options.sublinearTf).toBe(true);
    expect(model.classifier.options.C).toBe(2);
    expect(model.info.preset).toBe("strong");
    expect(decodeTfidfModel(encodeTfidfModel(model)).info.preset).toBe("strong");
  });

  it("best: NB-LR over sublinear counts of 1–3-grams with punctuation tokens", async () => {
    const { model } = await trainTfidf(rows, { preset: "best", threads: 1 });
    const v = model.vectorizer.options;
    expect([v.ngramRange, v.sublinearTf, v.useIdf, v.norm]).toEqual([[1, 3], true, false, null]);
    expect(model.vectorizer.analyze("I loved it!")).toEqual(["i", "loved", "it", "!"]);
    expect(model.classifier.options.nbScaling).toBe(true);
    expect(model.classifier.options.C).toBe(TFIDF_PRESETS.best.C);
  });

  it("web: the best training compacted to at most its maxFeatures with int8 weights, validated as compacted", async () => {
    const { model, metrics, stats } = await trainTfidf(rows, { preset: "web", compact: { maxFeatures: 500, weights: "int8" }, validation: rows.slice(0, 300), threads: 1 });
    expect(model.vectorizer.size).toBe(500);
    expect(stats.features).toBe(500);
    expect(model.info.compaction).toMatchObject({ kept: 500, weights: "int8" });
    // The metrics are the compacted model's: its own predictions on the validation rows.
    const proba = model.probabilities(rows.slice(0, 300).map((r) => r.text));
    let correct = 0;
    rows.slice(0, 300).forEach((r, i) => (correct += Number((proba[2 * i + 1]! > proba[2 * i]! ? 1 : 0) === r.label)));
    expect(metrics!.accuracy).toBeCloseTo(correct / 300, 12);
  });
});
