/**
 * bench/tfidf/choose-best.ts: how the `best` preset's options were chosen, and what it reaches.
 *
 *   npx tsx bench/tfidf/choose-best.ts             # CV on imdb/train.csv, then the chosen config on imdb/test.csv
 *   npx tsx bench/tfidf/choose-best.ts --write     # also writes the tables into docs/benchmarks.md
 *   npx tsx bench/tfidf/choose-best.ts --folds 3 --only 2   # quicker: one grid entry
 *
 * 1. Choosing: every configuration of GRID is scored by k-fold cross-validation on IMDB's training
 *    split alone (folds from a seeded shuffle, seed 42; one thread; the source tree through tsx).
 *    The test split is not read in this phase.
 * 2. Reporting: the configuration with the best mean CV accuracy is trained on the whole training
 *    split and scored once on the test split, by the built package (bench/tfidf/ours.mjs) and by
 *    scikit-learn's comparable pipeline (test/peers/nb_lr.py: its vectorizer, the same log-count
 *    ratios, LogisticRegression at its defaults), each in its own process, one after the other,
 *    for fit time and peak RSS.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "csv-parse/sync";
import { trainTfidf, type TrainTfidfOptions } from "../../src/entries/tfidf.js";
import { PUNCTUATION_TOKENS } from "../../src/tfidf/presets.js";
import { dataFile, SKLEARN_PUNCTUATION_PATTERN, toSklearnVectorizer } from "../../test/peers/sklearn.js";
import { ensurePythonEnv, PROJECT_ROOT } from "../../test/peers/python-env.js";
import { writeBenchmarkSection } from "../docs.js";

const { values } = parseArgs({
  options: {
    folds: { type: "string", default: "3" },
    only: { type: "string" },
    write: { type: "boolean", default: false },
  },
});

/** NB-LR over binary n-gram counts (Wang & Manning's features), the options the CV chooses among. */
const NB = { binary: true, useIdf: false, norm: null, nbScaling: true, minDf: 2 } as const;
const P = { ...NB, tokenPattern: PUNCTUATION_TOKENS } as const;
const GRID: TrainTfidfOptions[] = [
  { ...NB, ngramRange: [1, 3], C: 0.3 },
  { ...P, ngramRange: [1, 3], C: 0.3 },
  { ...P, ngramRange: [1, 3], C: 1 },
  { ...P, ngramRange: [1, 4], C: 0.3 },
  { ...P, ngramRange: [1, 3], C: 0.3, binary: false, sublinearTf: true },
  { ...P, ngramRange: [1, 3], C: 0.3, lowercase: false },
];

interface Row {
  text: string;
  label: number;
}
const read = (path: string): Row[] =>
  (parse(readFileSync(path), { columns: true }) as { text: string; label: string }[]).map((r) => ({ text: r.text, label: Number(r.label) }));
const describe = (o: TrainTfidfOptions): string =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v === PUNCTUATION_TOKENS ? "`PUNCTUATION_TOKENS`" : JSON.stringify(v)}`)
    .join(", ");

const trainPath = dataFile("imdb/train.csv");
const testPath = dataFile("imdb/test.csv");
const train = read(trainPath);
const k = Number(values.folds);
// Fold of each row: a seeded Fisher–Yates shuffle (a 32-bit LCG, seed 42), dealt round-robin.
let seed = 42;
const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const order = train.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j]!, order[i]!];
}
const fold = new Int32Array(train.length);
order.forEach((row, position) => (fold[row] = position % k));

const grid = values.only === undefined ? GRID : [GRID[Number(values.only)]!];
const scores: { options: TrainTfidfOptions; folds: number[]; mean: number }[] = [];
for (const options of grid) {
  const folds: number[] = [];
  for (let f = 0; f < k; f++) {
    const fitRows = train.filter((_, i) => fold[i] !== f);
    const heldOut = train.filter((_, i) => fold[i] === f);
    const { model } = await trainTfidf(fitRows, { ...options, threads: 1 });
    const p = model.probabilities(heldOut.map((r) => r.text));
    let correct = 0;
    heldOut.forEach((r, i) => (correct += (p[2 * i + 1]! > p[2 * i]! ? 1 : 0) === r.label ? 1 : 0));
    folds.push(correct / heldOut.length);
    process.stderr.write(`[cv] ${describe(options)} fold ${f + 1}/${k}: ${(folds.at(-1)! * 100).toFixed(2)}%\n`);
  }
  scores.push({ options, folds, mean: folds.reduce((a, b) => a + b, 0) / k });
}
const chosen = scores.reduce((a, b) => (b.mean > a.mean ? b : a));

// The chosen configuration on the test split: the built package and scikit-learn, each in its own process.
if (!existsSync(join(PROJECT_ROOT, "dist", "index.js"))) throw new Error("run `npm run build` first");
const python = ensurePythonEnv((l) => process.stderr.write(`[peers] ${l}\n`));
const { C = 1, nbAlpha = 1, nbScaling: _, tokenPattern, ...vectorizer } = chosen.options;
const sklearnVectorizer = toSklearnVectorizer({ ...vectorizer, ...(tokenPattern ? { tokenPattern } : {}) });
process.stderr.write(`[test] scikit-learn… `);
const sk = JSON.parse(
  execFileSync(python, [join(PROJECT_ROOT, "test/peers/nb_lr.py"), trainPath, testPath, JSON.stringify(sklearnVectorizer), String(C), String(nbAlpha), join(mkdtempSync(join(tmpdir(), "senti-best-")), "proba.bin"), "bench"], { maxBuffer: 1 << 28 }).toString(),
) as { fit_s: number; peak_rss_mb: number; accuracy: number; features: number; iterations: number };
process.stderr.write(`senti-mlops…\n`);
const ours = JSON.parse(
  execFileSync(process.execPath, [join(PROJECT_ROOT, "bench/tfidf/ours.mjs"), trainPath, testPath, JSON.stringify({ ...chosen.options, ...(tokenPattern ? { tokenPattern: { source: tokenPattern.source, flags: tokenPattern.flags } } : {}) })], { maxBuffer: 1 << 28, cwd: PROJECT_ROOT }).toString(),
) as { fit_s: number; peak_rss_mb: number; accuracy: number; features: number; iterations: number };

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const table = [
  "### Choosing the `best` preset: IMDB, cross-validation on the training split only",
  "",
  `${k}-fold cross-validation on imdb/train.csv (25,000 reviews; folds from a seeded shuffle, seed 42); every row shares \`binary: true, useIdf: false, norm: null, nbScaling: true, minDf: 2\` unless it says otherwise. The test split was not read to choose.`,
  "",
  "| options | " + Array.from({ length: k }, (_, f) => `fold ${f + 1}`).join(" | ") + " | mean |",
  "|---|" + "---:|".repeat(k + 1),
  ...scores.map(
    (s) =>
      `| ${describe(Object.fromEntries(Object.entries(s.options).filter(([key]) => !(key in NB) || (NB as Record<string, unknown>)[key] !== (s.options as Record<string, unknown>)[key])))}${s === chosen ? " (chosen)" : ""} | ${s.folds.map(pct).join(" | ")} | ${pct(s.mean)} |`,
  ),
  "",
  `### The chosen configuration on imdb/test.csv`,
  "",
  `Trained on all of imdb/train.csv, scored once on imdb/test.csv (25,000 reviews). scikit-learn ${"1.9"}'s comparable pipeline: \`TfidfVectorizer\` with the same options${tokenPattern ? ` (token_pattern \`${SKLEARN_PUNCTUATION_PATTERN.replace("|", "\\|")}\`, Python's spelling of \`PUNCTUATION_TOKENS\`)` : ""}, the same log-count ratios in numpy, \`LogisticRegression(C=${C})\` at its defaults (lbfgs, tol 1e-4, max_iter 1000) on X · r. Each side in its own process; fit = vectorizer + ratios + classifier; peak RSS of the whole process.`,
  "",
  "| | senti-mlops | scikit-learn | ratio (ours / sklearn) | target |",
  "|---|---:|---:|---:|---:|",
  `| accuracy | ${pct(ours.accuracy)} | ${pct(sk.accuracy)} | ${((ours.accuracy - sk.accuracy) * 100).toFixed(2)} points | ≥ 91.9% (NBSVM-uni-bi-tri, Mesnil et al. 2014: 91.87%) |`,
  `| fit (s) | ${ours.fit_s.toFixed(1)} | ${sk.fit_s.toFixed(1)} | **${(ours.fit_s / sk.fit_s).toFixed(2)}×** | |`,
  `| peak RSS (MB) | ${ours.peak_rss_mb.toFixed(0)} | ${sk.peak_rss_mb.toFixed(0)} | **${(ours.peak_rss_mb / sk.peak_rss_mb).toFixed(2)}×** | ≤ 1× |`,
  `| features | ${ours.features} | ${sk.features} | | |`,
  `| optimizer iterations | ${ours.iterations} | ${sk.iterations} | | |`,
  "",
].join("\n");
process.stdout.write(`${table}\n`);
if (values.write) writeBenchmarkSection("tfidf:best", table, { heading: "TF-IDF: the `best` preset (NB-LR over uni-, bi- and trigrams)", intro: "Written by `npx tsx bench/tfidf/choose-best.ts --write`." });
