/**
 * Worker-thread loss evaluation: same optimum as one thread, used by the Node entries, from the
 * sources and from the built package.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { createWorkerLoss } from "../../src/node/worker-loss.js";
import { binomialLoss } from "../../src/tfidf/kernels.js";
import { createTfidfFitter, fitTfidfVectorizer, trainTfidf, type TfidfVectorizerOptions } from "../../src/entries/tfidf.js";
import { distFile } from "../helpers/dist.js";
import { dataFile } from "../peers/sklearn.js";

const rows = (parse(readFileSync(dataFile("sst2/train.csv")), { columns: true }) as { text: string; label: string }[]).map((r) => ({
  text: r.text,
  label: Number(r.label),
}));

describe("counting in shares", () => {
  const cases: TfidfVectorizerOptions[] = [
    { ngramRange: [1, 2], minDf: 2, sublinearTf: true },
    { ngramRange: [1, 3], stopWords: "english", maxFeatures: 5000 },
    { ngramRange: [2, 2], tokenPattern: /[a-z']+/ },
  ];
  for (const options of cases) {
    it(`merging counts equals counting everything in one fitter: ${JSON.stringify(options)}`, () => {
      const texts = rows.slice(0, 9000).map((r) => r.text);
      const whole = createTfidfFitter(options);
      for (const t of texts) whole.add(t);
      const first = createTfidfFitter(options);
      const second = createTfidfFitter(options);
      const third = createTfidfFitter(options);
      texts.slice(0, 3000).forEach((t) => first.add(t));
      texts.slice(3000, 6000).forEach((t) => second.add(t));
      texts.slice(6000).forEach((t) => third.add(t));
      first.merge(second.counts());
      first.merge(third.counts());
      const a = whole.finish();
      const b = first.finish();
      expect(b.vectorizer.vocabulary).toEqual(a.vectorizer.vocabulary);
      expect(b.vectorizer.idf).toEqual(a.vectorizer.idf);
      expect(b.matrix.indptr).toEqual(a.matrix.indptr);
      expect(b.matrix.indices).toEqual(a.matrix.indices);
      expect(b.matrix.data).toEqual(a.matrix.data);
    });
  }
});

describe("parallel loss", () => {
  it("evaluates the same loss and gradient as one thread", () => {
    const { matrix } = fitTfidfVectorizer(rows.map((r) => r.text), { ngramRange: [1, 2] });
    const problem = { ...matrix, y: Int32Array.from(rows, (r) => r.label), weight: new Float64Array(rows.length).fill(1.5) };
    const params = Float64Array.from({ length: matrix.cols + 1 }, (_, i) => Math.sin(i) / 10);
    const one = new Float64Array(matrix.cols + 1);
    const expected = binomialLoss(problem, params, 0.3, one);
    const parallel = createWorkerLoss({ threads: 3, minEntries: 0 })(problem, matrix.cols)!;
    expect(parallel.threads).toBe(3);
    try {
      for (let round = 0; round < 3; round++) {
        const many = new Float64Array(matrix.cols + 1);
        const got = parallel.evaluate(params, 0.3, many);
        expect(got.loss).toBeCloseTo(expected.loss, 6);
        expect(got.biasGrad).toBeCloseTo(expected.biasGrad, 8);
        let max = 0;
        for (let j = 0; j < matrix.cols; j++) max = Math.max(max, Math.abs(many[j]! - one[j]!));
        expect(max).toBeLessThan(1e-9);
      }
    } finally {
      parallel.close();
    }
  });

  it("answers hundreds of back-to-back evaluations (no lost wake-ups)", () => {
    const { matrix } = fitTfidfVectorizer(rows.slice(0, 2000).map((r) => r.text));
    const problem = { ...matrix, y: Int32Array.from(rows.slice(0, 2000), (r) => r.label), weight: new Float64Array(2000).fill(1) };
    const params = new Float64Array(matrix.cols + 1).fill(0.01);
    const expected = binomialLoss(problem, params, 0, new Float64Array(matrix.cols + 1)).loss;
    const parallel = createWorkerLoss({ threads: 2, minEntries: 0 })(problem, matrix.cols)!;
    try {
      for (let round = 0; round < 500; round++) {
        expect(parallel.evaluate(params, 0, new Float64Array(matrix.cols + 1)).loss).toBeCloseTo(expected, 8);
      }
    } finally {
      parallel.close();
    }
  });

  it("stays on one thread for small problems or threads: 1", () => {
    const problem = { rows: 1, cols: 1, indptr: Int32Array.of(0, 1), indices: Int32Array.of(0), data: Float64Array.of(1), y: Int32Array.of(1), weight: Float64Array.of(1) };
    expect(createWorkerLoss({ threads: 2 })(problem, 1)).toBeUndefined();
    expect(createWorkerLoss({ threads: 1, minEntries: 0 })(problem, 1)).toBeUndefined();
  });

  it("trainTfidf uses two threads and reaches the single-thread optimum", async () => {
    // Sums in a different order move the L-BFGS path by rounding; at a tight tolerance both runs
    // end at the optimum itself.
    const options = { ngramRange: [1, 2] as [number, number], minDf: 2, sublinearTf: true, C: 4, tol: 1e-7 };
    const two = await trainTfidf(rows, { ...options, threads: 2 });
    const one = await trainTfidf(rows, { ...options, threads: 1 });
    expect(two.fit.threads).toBe(2);
    expect(one.fit.threads).toBe(1);
    expect(two.model.vectorizer.vocabulary).toEqual(one.model.vectorizer.vocabulary);
    expect(two.model.vectorizer.idf).toEqual(one.model.vectorizer.idf);
    expect(Math.abs(two.fit.loss - one.fit.loss)).toBeLessThan(1e-8);
    const texts = rows.slice(0, 2000).map((r) => r.text);
    const a = two.model.probabilities(texts);
    const b = one.model.probabilities(texts);
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    expect(max).toBeLessThan(1e-3);
  });

  it("works from the built package (ESM and CommonJS), where the worker is a separate file", async () => {
    for (const file of ["index.js", "index.cjs", "tfidf.js"]) {
      const mod = (await import(distFile(file))) as typeof import("../../src/index.js");
      const { fit } = await mod.trainTfidf(rows, { ngramRange: [1, 2], threads: 2 });
      expect(fit.threads, file).toBe(2);
    }
  });
});

describe("createPredictPool", () => {
  it("predicts exactly what the model predicts, on several threads, and closes", async () => {
    const { createPredictPool } = await import("../../src/entries/node.js");
    const { predict } = await import("../../src/index.js");
    const { model } = await trainTfidf(rows.slice(0, 20000), { ngramRange: [1, 2], minDf: 2 });
    const texts = rows.slice(20000, 30000).map((r) => r.text);
    const pool = await createPredictPool(model, { threads: 3, minTexts: 100 });
    try {
      expect(pool.threads).toBe(3);
      expect(await pool.probabilities(texts)).toEqual(model.probabilities(texts));
      expect(await predict(pool, texts)).toEqual(await predict(model, texts));
      expect(await pool.predictProba(texts.slice(0, 5))).toEqual(model.predictProba(texts.slice(0, 5)));
    } finally {
      await pool.close();
    }
    expect(pool.threads).toBe(1);
    expect(await pool.probabilities(texts.slice(0, 300))).toEqual(model.probabilities(texts.slice(0, 300)));
  });
});
