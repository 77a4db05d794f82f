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
import { TfidfVectorizer, trainTfidf } from "../../src/tfidf/index.node.js";
import { distFile } from "../helpers/dist.js";
import { dataFile } from "../peers/sklearn.js";

const rows = (parse(readFileSync(dataFile("sst2/train.csv")), { columns: true }) as { text: string; label: string }[]).map((r) => ({
  text: r.text,
  label: Number(r.label),
}));

describe("parallel loss", () => {
  it("evaluates the same loss and gradient as one thread", () => {
    const { matrix } = TfidfVectorizer.fit(rows.map((r) => r.text), { ngramRange: [1, 2] });
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

  it("stays on one thread for small problems or threads: 1", () => {
    const problem = { rows: 1, cols: 1, indptr: Int32Array.of(0, 1), indices: Int32Array.of(0), data: Float64Array.of(1), y: Int32Array.of(1), weight: Float64Array.of(1) };
    expect(createWorkerLoss({ threads: 2 })(problem, 1)).toBeUndefined();
    expect(createWorkerLoss({ threads: 1, minEntries: 0 })(problem, 1)).toBeUndefined();
  });

  it("trainTfidf uses two threads and reaches the single-thread optimum", async () => {
    const options = { ngramRange: [1, 2] as [number, number], minDf: 2, sublinearTf: true, C: 4 };
    const two = await trainTfidf(rows, { ...options, threads: 2 });
    const one = await trainTfidf(rows, { ...options, threads: 1 });
    expect(two.fit.threads).toBe(2);
    expect(one.fit.threads).toBe(1);
    expect(two.fit.loss).toBeCloseTo(one.fit.loss, 8);
    const texts = rows.slice(0, 2000).map((r) => r.text);
    const a = two.model.probabilities(texts);
    const b = one.model.probabilities(texts);
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    expect(max).toBeLessThan(1e-3);
  });

  it("works from the built package (ESM and CommonJS), where the worker is a separate file", async () => {
    for (const file of ["index.node.js", "index.node.cjs", join("tfidf", "index.node.js")]) {
      const mod = (await import(distFile(file))) as typeof import("../../src/index.node.js");
      const { fit } = await mod.trainTfidf(rows, { ngramRange: [1, 2], threads: 2 });
      expect(fit.threads, file).toBe(2);
    }
  });
});
