/**
 * The classifier against real scikit-learn: with the same options, C and data, senti-mlops reaches
 * the same optimum — accuracy within 0.2 points and ≥ 99% of predictions equal — and its metrics
 * equal scikit-learn's metrics of the same probabilities.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { trainTfidf, type TrainTfidfOptions } from "../../src/entries/tfidf.js";
import { dataFile, sklearn, toSklearnVectorizer } from "../peers/sklearn.js";

interface Row {
  text: string;
  label: number;
}
const read = (csv: string): Row[] =>
  (parse(readFileSync(csv), { columns: true }) as { text: string; label: string }[]).map((r) => ({ text: r.text, label: Number(r.label) }));

interface PeerResult {
  accuracy: number;
  predictions: string;
  iterations: number;
}

async function checkSameOptimum(trainCsv: string, testCsv: string, options: TrainTfidfOptions): Promise<void> {
  const { C = 1, maxIter = 1000, tol = 1e-4, classWeight, ...vectorizerOptions } = options;
  const vec = toSklearnVectorizer(vectorizerOptions);
  const clf = { C, tol, max_iter: maxIter, ...(classWeight ? { class_weight: classWeight } : {}) };
  const peer = sklearn<PeerResult>("fit-predict", trainCsv, testCsv, JSON.stringify(vec), JSON.stringify(clf));
  const train = read(trainCsv);
  const test = read(testCsv);
  const { model, metrics, fit } = await trainTfidf(train, { ...options, validation: test });
  const theirs = await peer;
  expect(fit.converged).toBe(true);
  const k = model.labels.length;
  const proba = model.probabilities(test.map((r) => r.text));
  let same = 0;
  for (let i = 0; i < test.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[k * i + c]! > proba[k * i + best]!) best = c;
    if (String(best) === theirs.predictions[i]) same++;
  }
  const agreement = same / test.length;
  const message = `ours ${metrics!.accuracy.toFixed(4)} vs scikit-learn ${theirs.accuracy.toFixed(4)}, agreement ${agreement.toFixed(4)}`;
  expect(Math.abs(metrics!.accuracy - theirs.accuracy), message).toBeLessThanOrEqual(0.002);
  expect(agreement, message).toBeGreaterThanOrEqual(0.99);

  // Our metrics equal scikit-learn's metrics of our probabilities.
  const dir = mkdtempSync(join(tmpdir(), "senti-metrics-"));
  writeFileSync(join(dir, "y.bin"), Int32Array.from(test, (r) => r.label));
  writeFileSync(join(dir, "p.bin"), proba);
  const sk = await sklearn<Record<string, number | number[][]>>("metrics", join(dir, "y.bin"), join(dir, "p.bin"), String(k));
  for (const key of ["accuracy", "precision", "recall", "f1", "rocAuc", "logLoss"] as const) {
    expect(metrics![key], key).toBeCloseTo(sk[key] as number, 10);
  }
  expect(metrics!.confusionMatrix).toEqual(sk.confusionMatrix);
}

// Both solvers stop once the largest gradient component is below `tol`, along the same L-BFGS-B
// path up to rounding. At scikit-learn's default (1e-4) rounding can still move the stop by some
// iterations near the optimum (stopping-rule.test.ts checks that case); at 1e-6 both sit at the
// optimum itself, which is what this file compares.
const ISSUE_CONFIG: TrainTfidfOptions = { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4, tol: 1e-6 };

/** IMDB with four classes from the review ratings: 1–2, 3–4, 7–8, 9–10 (a real multinomial task). */
function imdbRatingBuckets(split: "train" | "test", limit: number): string {
  const rows = read(dataFile(`imdb/${split}.csv`));
  const index = parse(readFileSync(dataFile(`imdb/${split}_index.csv`)), { columns: true }) as { rating: string }[];
  const bucket = (rating: number): number => (rating <= 2 ? 0 : rating <= 4 ? 1 : rating <= 8 ? 2 : 3);
  const path = join(mkdtempSync(join(tmpdir(), "senti-imdb4-")), `${split}.csv`);
  const lines = rows.slice(0, limit).map((r, i) => `"${r.text.replace(/"/g, '""')}",${bucket(Number(index[i]!.rating))}`);
  writeFileSync(path, `text,label\n${lines.join("\n")}\n`);
  return path;
}

describe("trainTfidf reaches scikit-learn's optimum", () => {
  it("SST-2 train → dev, ngramRange [1,2], minDf 2, sublinearTf, C 4", () =>
    checkSameOptimum(dataFile("sst2/train.csv"), dataFile("sst2/dev.csv"), ISSUE_CONFIG), 300_000);
  it("IMDB train → test, ngramRange [1,2], minDf 2, sublinearTf, C 4", () =>
    checkSameOptimum(dataFile("imdb/train.csv"), dataFile("imdb/test.csv"), ISSUE_CONFIG), 600_000);
  it("rt-polarity train → test, default vectorizer, C 1, balanced class weights", () =>
    checkSameOptimum(dataFile("rt-polarity/train.csv"), dataFile("rt-polarity/test.csv"), { classWeight: "balanced", tol: 1e-6 }), 300_000);
  it("IMDB ratings in four classes (multinomial), 8k train → 8k test, minDf 2, C 2", () =>
    checkSameOptimum(imdbRatingBuckets("train", 8000), imdbRatingBuckets("test", 8000), { minDf: 2, C: 2, tol: 1e-6 }), 300_000);
});
