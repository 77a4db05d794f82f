/**
 * nbScaling (NB-LR) against a reference built from scikit-learn's vectorizer, numpy's log-count
 * ratios and scikit-learn's LogisticRegression (two classes) or scipy's L-BFGS-B on the same
 * multinomial objective (three classes): with tight tolerances on both sides the probabilities agree.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { decodeTfidfModel, encodeTfidfModel, trainTfidf, type TrainTfidfOptions } from "../../src/entries/tfidf.js";
import { nbLogCountRatios } from "../../src/tfidf/nb-scaling.js";
import { PROJECT_ROOT, VENV_PYTHON } from "../peers/python-env.js";
import { dataFile, toSklearnVectorizer } from "../peers/sklearn.js";

const run = promisify(execFile);

interface Row {
  text: string;
  label: number;
}
const read = (csv: string): Row[] =>
  (parse(readFileSync(csv), { columns: true }) as { text: string; label: string }[]).map((r) => ({ text: r.text, label: Number(r.label) }));
const toCsv = (rows: readonly Row[]): string => "text,label\n" + rows.map((r) => `"${r.text.replaceAll('"', '""')}",${r.label}\n`).join("");

async function reference(train: readonly Row[], test: readonly Row[], options: TrainTfidfOptions): Promise<Float64Array> {
  const dir = mkdtempSync(join(tmpdir(), "senti-nb-"));
  writeFileSync(join(dir, "train.csv"), toCsv(train));
  writeFileSync(join(dir, "test.csv"), toCsv(test));
  const { C = 1, nbAlpha = 1, nbScaling: _, tol: __, threads: ___, labelNames: ____, ...vectorizer } = options;
  await run(VENV_PYTHON, [
    join(PROJECT_ROOT, "test", "peers", "nb_lr.py"),
    join(dir, "train.csv"),
    join(dir, "test.csv"),
    JSON.stringify(toSklearnVectorizer(vectorizer)),
    String(C),
    String(nbAlpha),
    join(dir, "proba.bin"),
  ], { maxBuffer: 64 * 1024 * 1024 });
  const bytes = readFileSync(join(dir, "proba.bin"));
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe("nbLogCountRatios", () => {
  const x = {
    rows: 3,
    cols: 3,
    indptr: Int32Array.of(0, 2, 3, 5),
    indices: Int32Array.of(0, 2, 1, 1, 2),
    data: Float64Array.of(1, 2, 1, 3, 1),
  };
  it("two classes: one column, class 1 against class 0", () => {
    const r = nbLogCountRatios(x, Int32Array.of(0, 1, 1), 2, 1);
    // class 1 sums: [0, 4, 1] + α → [1, 5, 2] / 8; class 0 sums: [1, 0, 2] + α → [2, 1, 3] / 6.
    expect(Array.from(r)).toEqual([Math.log(1 / 8) - Math.log(2 / 6), Math.log(5 / 8) - Math.log(1 / 6), Math.log(2 / 8) - Math.log(3 / 6)].map((v) => expect.closeTo(v, 14)));
  });
  it("three classes: one column per class, the class against the others, feature-major", () => {
    const r = nbLogCountRatios(x, Int32Array.of(0, 1, 2), 3, 0.5);
    expect(r.length).toBe(9);
    // feature 1, class 2: p = 0.5 + 3 over (4 + 1.5); q = 0.5 + 1 over (4 + 1.5).
    expect(r[1 * 3 + 2]).toBeCloseTo(Math.log(3.5 / 5.5) - Math.log(1.5 / 5.5), 14);
    // feature 0, class 0: p = 0.5 + 1 over (3 + 1.5); q = 0.5 + 0 over (5 + 1.5).
    expect(r[0 * 3 + 0]).toBeCloseTo(Math.log(1.5 / 4.5) - Math.log(0.5 / 6.5), 14);
  });
});

describe("trainTfidf with nbScaling against the reference", () => {
  const sst2 = read(dataFile("sst2/train.csv"));
  const dev = read(dataFile("sst2/dev.csv"));

  it("two classes, binary counts (the classic NB-LR): the same probabilities as scikit-learn on X · r", async () => {
    const train = sst2.slice(0, 4000);
    const options: TrainTfidfOptions = { ngramRange: [1, 2], binary: true, useIdf: false, norm: null, nbScaling: true, C: 0.5, tol: 1e-10, threads: 1 };
    const [theirs, { model, fit }] = await Promise.all([reference(train, dev, options), trainTfidf(train, options)]);
    expect(fit.converged).toBe(true);
    const ours = model.probabilities(dev.map((r) => r.text));
    expect(maxAbsDiff(ours, theirs)).toBeLessThan(1e-5);
    // The scaling is folded into the weights: the saved model predicts the same.
    const copy = decodeTfidfModel(encodeTfidfModel(model));
    expect(copy.probabilities(dev.map((r) => r.text))).toEqual(ours);
    expect(copy.classifier.options.nbScaling).toBe(true);
  });

  it("two classes over TF-IDF rows with α 0.5", async () => {
    const train = sst2.slice(4000, 7000);
    const options: TrainTfidfOptions = { sublinearTf: true, nbScaling: true, nbAlpha: 0.5, C: 4, tol: 1e-10, threads: 1 };
    const [theirs, { model }] = await Promise.all([reference(train, dev, options), trainTfidf(train, options)]);
    expect(maxAbsDiff(model.probabilities(dev.map((r) => r.text)), theirs)).toBeLessThan(1e-5);
  });

  it("three classes: the multinomial model with one ratio per class matches scipy on the same objective", async () => {
    // A three-class problem from real text: SST-2's two sentiments, and IMDB review openings as a third class.
    const imdb = read(dataFile("imdb/train.csv"));
    const third = (rows: Row[]): Row[] => rows.map((r) => ({ text: r.text.slice(0, 200), label: 2 }));
    const train = [...sst2.slice(0, 1500), ...third(imdb.slice(0, 600))];
    const test = [...dev.slice(0, 200), ...third(imdb.slice(20000, 20100))];
    const options: TrainTfidfOptions = { binary: true, useIdf: false, norm: "l2", nbScaling: true, C: 2, tol: 1e-10, threads: 1, labelNames: ["neg", "pos", "imdb"] };
    const [theirs, { model, fit }] = await Promise.all([reference(train, test, options), trainTfidf(train, options)]);
    expect(fit.converged).toBe(true);
    expect(model.labels).toEqual(["neg", "pos", "imdb"]);
    expect(maxAbsDiff(model.probabilities(test.map((r) => r.text)), theirs)).toBeLessThan(1e-5);
  });

  it("scaling changes the model: without it the same options give other probabilities", async () => {
    const train = sst2.slice(0, 2000);
    const base: TrainTfidfOptions = { binary: true, useIdf: false, norm: null, C: 0.5, threads: 1 };
    const [a, b] = await Promise.all([trainTfidf(train, base), trainTfidf(train, { ...base, nbScaling: true })]);
    const texts = dev.slice(0, 50).map((r) => r.text);
    expect(maxAbsDiff(a.model.probabilities(texts), b.model.probabilities(texts))).toBeGreaterThan(0.01);
  });

  it("bad options name the option and the value", async () => {
    const rows = [{ text: "good", label: 1 }, { text: "bad", label: 0 }];
    await expect(trainTfidf(rows, { nbScaling: "yes" as unknown as boolean })).rejects.toThrow(/nbScaling must be a boolean, got string/);
    await expect(trainTfidf(rows, { nbScaling: true, nbAlpha: 0 })).rejects.toThrow(/nbAlpha must be a positive finite number, got 0/);
  });
});
