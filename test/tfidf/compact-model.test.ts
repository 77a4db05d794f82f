/**
 * compactTfidfModel and the compact weights of model format version 2: which features are kept,
 * what each precision rounds to, that files round-trip exactly, and that damaged files and bad
 * options fail clearly.
 */
import { readFileSync } from "node:fs";
import { sha256 } from "@noble/hashes/sha2.js";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import {
  compactTfidfModel,
  decodeTfidfModel,
  encodeTfidfModel,
  fitLogisticRegression,
  LogisticRegression,
  resolveClassifierOptions,
  resolveVectorizerOptions,
  TfidfModel,
  TfidfVectorizer,
  trainTfidf,
  type WeightPrecision,
} from "../../src/entries/tfidf.js";
import { fromFloat16Bits, roundFloat16, toFloat16Bits } from "../../src/tfidf/compact-weights.js";
import { dataFile } from "../peers/sklearn.js";

const rows = (parse(readFileSync(dataFile("rt-polarity/train.csv")), { columns: true }) as { text: string; label: string }[]).map((r) => ({
  text: r.text,
  label: Number(r.label),
}));
const texts = (parse(readFileSync(dataFile("rt-polarity/test.csv")), { columns: true }) as { text: string }[]).map((r) => r.text);

let model: TfidfModel;
beforeAll(async () => {
  ({ model } = await trainTfidf(rows, { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 }));
});

interface StoredSection {
  name: string;
  offset: number;
  length: number;
  dtype: string;
  scales?: number[];
}

function headerOf(bytes: Uint8Array): { sections: StoredSection[]; [key: string]: unknown } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + view.getUint32(12, true))));
}

/** The file with its header changed by `edit` (sections kept in place) and a valid checksum. */
function withHeader(bytes: Uint8Array, edit: (header: ReturnType<typeof headerOf>) => void): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const oldStart = (16 + view.getUint32(12, true) + 7) & ~7;
  const header = headerOf(bytes);
  edit(header);
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const start = (16 + headerBytes.length + 7) & ~7;
  const body = bytes.subarray(oldStart, bytes.length - 32);
  const out = new Uint8Array(start + body.length + 32);
  out.set(bytes.subarray(0, 16));
  new DataView(out.buffer).setUint32(12, headerBytes.length, true);
  out.set(headerBytes, 16);
  out.set(body, start);
  out.set(sha256(out.subarray(0, out.length - 32)), out.length - 32);
  return out;
}

/** The bytes of one section. */
function sectionBytes(bytes: Uint8Array, name: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = (16 + view.getUint32(12, true) + 7) & ~7;
  const s = headerOf(bytes).sections.find((x) => x.name === name)!;
  return bytes.subarray(start + s.offset, start + s.offset + s.length);
}

/** Bit-for-bit equality of two float arrays (a deep toEqual of 100k-element arrays is slow). */
function expectSameBits(a: Float64Array | null, b: Float64Array | null): void {
  expect(a === null, "both null or neither").toBe(b === null);
  if (!a || !b) return;
  expect(a.length).toBe(b.length);
  expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
}

function failure(run: () => unknown): { code?: string; message: string } {
  try {
    run();
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error("expected a failure");
}

/** A hand-made model: vocabulary, idf, weights (feature-major) and intercepts. */
function handModel(vocabulary: string[], coef: number[], classes: number, norm: "l2" | null = "l2"): TfidfModel {
  const width = classes === 2 ? 1 : classes;
  return new TfidfModel({
    labels: Array.from({ length: classes }, (_, c) => `c${c}`),
    vectorizer: new TfidfVectorizer({
      options: resolveVectorizerOptions({ norm }),
      vocabulary,
      idf: Float64Array.from(vocabulary, (_, j) => 1 + j / 10),
    }),
    classifier: new LogisticRegression({
      options: resolveClassifierOptions(),
      classes,
      features: vocabulary.length,
      coef: Float64Array.from(coef),
      intercept: new Float64Array(width).fill(0.1),
    }),
  });
}

describe("float16 codec", () => {
  it("codes known values, ties to even, and the range's ends", () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00); // rounds past the largest finite value
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(toFloat16Bits(2 ** -14)).toBe(0x0400);
    expect(toFloat16Bits(2 ** -26)).toBe(0x0000);
    expect(toFloat16Bits(0.1)).toBe(0x2e66);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(toFloat16Bits(-0)).toBe(0x8000);
    expect(fromFloat16Bits(0x7c00)).toBe(Infinity);
    expect(fromFloat16Bits(0x7e00)).toBeNaN();
  });

  it("reads back every float16 bit pattern to the same bits", () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const x = fromFloat16Bits(h);
      if (!Number.isNaN(x) && toFloat16Bits(x) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it("rounds to the nearest float16 value (relative error ≤ 2^-11)", () => {
    for (const x of [Math.PI, -Math.E, 1234.5678, 3.3e-3, 0.7257750849034474]) {
      expect(Math.abs(roundFloat16(x) - x) / Math.abs(x)).toBeLessThanOrEqual(2 ** -11);
    }
  });
});

describe("compactTfidfModel: which features it keeps", () => {
  it("keeps the maxFeatures terms of largest |weight|, in vocabulary order, with their idf and weights", () => {
    const n = 500;
    const small = compactTfidfModel(model, { maxFeatures: n });
    const magnitude = Array.from(model.classifier.coef, Math.abs);
    const threshold = [...magnitude].sort((a, b) => b - a)[n - 1]!;
    const expected = model.vectorizer.vocabulary.filter((_, j) => magnitude[j]! >= threshold);
    expect(small.vectorizer.vocabulary).toEqual(expected);
    expect(small.vectorizer.size).toBe(n);
    small.vectorizer.vocabulary.forEach((term, i) => {
      const j = model.vectorizer.vocabulary.indexOf(term);
      expect(small.vectorizer.idf![i]).toBe(model.vectorizer.idf![j]);
      expect(small.classifier.coef[i]).toBe(model.classifier.coef[j]);
    });
    expect(small.classifier.intercept).toEqual(model.classifier.intercept);
    expect(small.info.compaction).toEqual({ features: model.vectorizer.size, kept: n, maxFeatures: n, minWeight: null, weights: "float64", idf: "float64" });
    expect(small.info.trainingExamples).toBe(model.info.trainingExamples);
  });

  it("leaves the source model alone", () => {
    const before = model.classifier.coef.slice();
    const size = model.vectorizer.size;
    compactTfidfModel(model, { maxFeatures: 10, weights: "int8" });
    expect(model.vectorizer.size).toBe(size);
    expectSameBits(model.classifier.coef, before);
  });

  it("gives identical predictions when only zero-weight features are dropped (norm: null)", async () => {
    const { model: raw } = await trainTfidf(rows, { ngramRange: [1, 2], minDf: 2, sublinearTf: true, norm: null, C: 4 });
    const zeroed = raw.classifier.coef.map((w, j) => (j % 3 === 0 ? 0 : w));
    const withZeros = new TfidfModel({
      labels: raw.labels,
      vectorizer: raw.vectorizer,
      classifier: new LogisticRegression({ ...raw.classifier, options: raw.classifier.options, coef: zeroed }),
    });
    const small = compactTfidfModel(withZeros, { minWeight: 0 });
    expect(small.vectorizer.size).toBe(raw.vectorizer.size - Math.ceil(raw.vectorizer.size / 3));
    expectSameBits(small.probabilities(texts), withZeros.probabilities(texts));
    expectSameBits(decodeTfidfModel(encodeTfidfModel(small)).probabilities(texts), withZeros.probabilities(texts));
  });

  it("with norm l2, predictions change only for texts that had dropped terms (their norm is over kept terms)", () => {
    const zeroed = model.classifier.coef.map((w, j) => (j % 3 === 0 ? 0 : w));
    const withZeros = new TfidfModel({
      labels: model.labels,
      vectorizer: model.vectorizer,
      classifier: new LogisticRegression({ ...model.classifier, options: model.classifier.options, coef: zeroed }),
    });
    const small = compactTfidfModel(withZeros, { minWeight: 0 });
    const sample = texts.slice(0, 300);
    const before = withZeros.predictProba(sample);
    const after = small.predictProba(sample);
    const full = model.vectorizer.transform(sample);
    let untouched = 0;
    sample.forEach((_, i) => {
      const columns = full.indices.subarray(full.indptr[i]!, full.indptr[i + 1]!);
      if (columns.some((j) => j % 3 === 0)) return;
      untouched++;
      expect(after[i]).toEqual(before[i]);
    });
    expect(untouched).toBeGreaterThan(0);
    expect(after).not.toEqual(before);
  });

  it("ranks multi-class features by the spread of their class weights (a feature equal in every class is worth nothing)", () => {
    // Feature "a" has the largest weights but the same in every class: softmax ignores it.
    const m = handModel(["aa", "bb", "cc", "dd"], [5, 5, 5, 1, -1, 0, 0.2, 0, -0.2, 0, 3, -3], 3, null);
    const small = compactTfidfModel(m, { maxFeatures: 2 });
    expect(small.vectorizer.vocabulary).toEqual(["bb", "dd"]);
    const minus = compactTfidfModel(m, { maxFeatures: 3 });
    expect(minus.vectorizer.vocabulary).toEqual(["bb", "cc", "dd"]);
    const probe = ["aa bb cc dd", "aa aa bb", "dd cc", "aa"];
    const p = minus.probabilities(probe);
    const q = m.probabilities(probe);
    p.forEach((x, i) => expect(x).toBeCloseTo(q[i]!, 12));
  });

  it("the refit recipe of its TSDoc runs, and keeps the first model's feature count in info.compaction", () => {
    const kept = compactTfidfModel(model, { maxFeatures: 2000 });
    const y = Int32Array.from(rows, (r) => r.label);
    const x = kept.vectorizer.transform(rows.map((r) => r.text));
    const { classifier } = fitLogisticRegression(x, y, kept.labels.length, kept.classifier.options);
    const refit = new TfidfModel({ labels: kept.labels, vectorizer: kept.vectorizer, classifier, info: kept.info });
    const small = compactTfidfModel(refit, { weights: "int8" });
    expect(small.vectorizer.size).toBe(2000);
    expect(small.info.compaction).toMatchObject({ features: model.vectorizer.size, kept: 2000, weights: "int8" });
    expect(small.classifier.coef).not.toEqual(kept.classifier.coef);
  });

  it("breaks ties by vocabulary order and works without idf", () => {
    const m = new TfidfModel({
      labels: ["neg", "pos"],
      vectorizer: new TfidfVectorizer({ options: resolveVectorizerOptions({ useIdf: false }), vocabulary: ["aa", "bb", "cc"], idf: null }),
      classifier: new LogisticRegression({ options: resolveClassifierOptions(), classes: 2, features: 3, coef: Float64Array.of(1, -1, 1), intercept: Float64Array.of(0) }),
    });
    const small = compactTfidfModel(m, { maxFeatures: 2, weights: "int8" });
    expect(small.vectorizer.vocabulary).toEqual(["aa", "bb"]);
    expect(small.vectorizer.idf).toBeNull();
    const copy = decodeTfidfModel(encodeTfidfModel(small));
    expect(copy.vectorizer.idf).toBeNull();
    expect(copy.probabilities(["aa bb cc"])).toEqual(small.probabilities(["aa bb cc"]));
  });
});

describe("compact weights in the model file", () => {
  const cases: [WeightPrecision, string, string, number][] = [
    // weights, coef dtype, idf dtype, bytes per weight
    ["float64", "f64", "f64", 8],
    ["float32", "f32", "f32", 4],
    ["float16", "f16", "f16", 2],
    ["int8", "i8", "f16", 1],
  ];
  for (const [weights, coefDtype, idfDtype, width] of cases) {
    it(`round-trips ${weights} weights exactly, stored as ${coefDtype} (${width} byte(s) a weight)`, () => {
      const small = compactTfidfModel(model, { weights });
      const bytes = encodeTfidfModel(small);
      const sections = Object.fromEntries(headerOf(bytes).sections.map((s) => [s.name, s]));
      expect(sections.coef!.dtype).toBe(coefDtype);
      expect(sections.coef!.length).toBe(model.vectorizer.size * width);
      expect(sections.idf!.dtype).toBe(idfDtype);
      expect(sections.intercept!.dtype).toBe("f64");
      const copy = decodeTfidfModel(bytes);
      expectSameBits(copy.classifier.coef, small.classifier.coef);
      expectSameBits(copy.vectorizer.idf, small.vectorizer.idf);
      expectSameBits(copy.probabilities(texts), small.probabilities(texts));
      expect(copy.info.compaction).toEqual(small.info.compaction);
      // Encoding is stable: the loaded model writes the same bytes.
      expect(Buffer.from(encodeTfidfModel(copy)).equals(Buffer.from(bytes))).toBe(true);
    });
  }

  it("int8: symmetric, one scale per class, each weight within half a step of the original", async () => {
    const { model: three } = await trainTfidf(
      rows.slice(0, 1500).map((r, i) => ({ text: r.text, label: ["neg", "pos", "mixed"][i % 3 === 2 ? 2 : r.label]! })),
      { maxIter: 50 },
    );
    const small = compactTfidfModel(three, { weights: "int8" });
    const bytes = encodeTfidfModel(small);
    const coef = headerOf(bytes).sections.find((s) => s.name === "coef")!;
    expect(coef.dtype).toBe("i8");
    expect(coef.scales).toHaveLength(3);
    const q = new Int8Array(sectionBytes(bytes, "coef").slice().buffer);
    for (let c = 0; c < 3; c++) {
      let max = 0;
      for (let j = c; j < three.classifier.coef.length; j += 3) max = Math.max(max, Math.abs(three.classifier.coef[j]!));
      expect(coef.scales![c]).toBeCloseTo(max / 127, 6);
      const off: number[] = [];
      for (let j = c; j < q.length; j += 3) {
        const error = Math.abs(small.classifier.coef[j]! - three.classifier.coef[j]!);
        if (Math.abs(q[j]!) > 127 || error > coef.scales![c]! / 2 + 1e-12 || q[j]! * coef.scales![c]! !== small.classifier.coef[j]) off.push(j);
      }
      expect(off).toEqual([]);
    }
    expect(decodeTfidfModel(bytes).probabilities(texts.slice(0, 50))).toEqual(small.probabilities(texts.slice(0, 50)));
  });

  it("idf can be set apart from the weights", () => {
    const small = compactTfidfModel(model, { weights: "float32", idf: "int8" });
    const sections = Object.fromEntries(headerOf(encodeTfidfModel(small)).sections.map((s) => [s.name, s.dtype]));
    expect(sections).toMatchObject({ coef: "f32", idf: "i8" });
  });

  it("refuses float16 weights beyond its range, naming the value", () => {
    const m = handModel(["aa", "bb"], [1e6, 1], 2);
    expect(failure(() => compactTfidfModel(m, { weights: "float16" }))).toMatchObject({
      code: "INVALID_PARAMETER_VALUE",
      message: expect.stringMatching(/weights value 1000000 .*float16 range/),
    });
  });

  it("rejects truncated and corrupt version-2 files with DATA_LOSS", () => {
    const bytes = encodeTfidfModel(compactTfidfModel(model, { maxFeatures: 2000, weights: "int8" }));
    for (const cut of [bytes.length - 1, bytes.length - 40, 60]) {
      expect(failure(() => decodeTfidfModel(bytes.subarray(0, cut)))).toMatchObject({ code: "DATA_LOSS", message: expect.stringMatching(/truncated model file/) });
    }
    const flipped = bytes.slice();
    sectionBytes(flipped, "coef")[7]! ^= 0x10;
    expect(failure(() => decodeTfidfModel(flipped))).toMatchObject({ code: "DATA_LOSS", message: expect.stringMatching(/checksum mismatch/) });

    const edits: [string, (h: ReturnType<typeof headerOf>) => void, RegExp][] = [
      ["int8 scales dropped", (h) => delete h.sections.find((s) => s.name === "coef")!.scales, /coef section is int8 but its scales are missing/],
      ["an unknown weight dtype", (h) => (h.sections.find((s) => s.name === "coef")!.dtype = "f8"), /coef section .* does not hold f8 values/],
      ["a weight dtype of the wrong width", (h) => (h.sections.find((s) => s.name === "coef")!.dtype = "f16"), /coef section has 1000 values, expected 2000/],
      ["an unknown length dtype", (h) => (h.sections.find((s) => s.name === "vocabLengths")!.dtype = "u64"), /vocabLengths section has an unknown dtype "u64"/],
      ["one feature too many", (h) => (h.features = 2001), /vocabulary does not match the header/],
      ["no section table", (h) => delete (h as { sections?: unknown }).sections, /lacks its section table/],
    ];
    for (const [what, edit, message] of edits) {
      expect(failure(() => decodeTfidfModel(withHeader(bytes, edit))), what).toMatchObject({ code: "DATA_LOSS", message: expect.stringMatching(message) });
    }
    // A shared-prefix length longer than the previous term.
    const badShared = bytes.slice();
    sectionBytes(badShared, "vocabShared")[0] = 9;
    expect(failure(() => decodeTfidfModel(withHeader(badShared, () => {})))).toMatchObject({
      code: "DATA_LOSS",
      message: expect.stringMatching(/vocabulary term 0 shares 9 characters with a shorter term/),
    });
  });
});

describe("compactTfidfModel: bad options", () => {
  const cases: [string, object, RegExp][] = [
    ["maxFeatures 0", { maxFeatures: 0 }, /maxFeatures must be a positive integer or null, got 0/],
    ["maxFeatures 1.5", { maxFeatures: 1.5 }, /maxFeatures .* got 1\.5/],
    ["maxFeatures as a string", { maxFeatures: "100" }, /maxFeatures .* got "100"/],
    ["minWeight -1", { minWeight: -1 }, /minWeight must be a finite number ≥ 0 or null, got -1/],
    ["minWeight NaN", { minWeight: NaN }, /minWeight .* got NaN/],
    ["weights int4", { weights: "int4" }, /weights must be one of "int8", "float16", "float32", "float64", got "int4"/],
    ["idf bf16", { idf: "bf16" }, /idf must be one of .* got "bf16"/],
    ["a misspelled option", { maxFeature: 10 }, /unknown compactTfidfModel option "maxFeature"/],
    ["a minWeight above every weight", { minWeight: 1e9 }, /minWeight 1000000000 keeps none of the model's \d+ features/],
  ];
  for (const [what, options, message] of cases) {
    it(`names ${what}`, () => {
      expect(failure(() => compactTfidfModel(model, options as never))).toMatchObject({
        code: "INVALID_PARAMETER_VALUE",
        message: expect.stringMatching(message),
      });
    });
  }

  it("refuses something that is not a TfidfModel", () => {
    expect(failure(() => compactTfidfModel({} as never))).toMatchObject({ code: "INVALID_PARAMETER_VALUE", message: expect.stringMatching(/needs a TfidfModel/) });
  });
});
