/**
 * bench/tfidf: senti-mlops vs scikit-learn on the same data, same machine, same run.
 *
 *   npm run bench:tfidf                     # IMDB train 25k → test 25k, the config
 *   npm run bench:tfidf -- --dataset sst2   # SST-2 train → dev
 *   npm run bench:tfidf -- --repeat 3 --write   # median of 3 runs, written to docs/benchmarks.md
 *
 * Each side runs in its own child process, one after the other (never concurrently), with its data
 * already in memory before the clock starts: fit = vectorizer + classifier, predict = probabilities
 * of every test text. Peak memory is each child's max RSS.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dataFile, toSklearnVectorizer } from "../../test/peers/sklearn.js";
import { ensurePythonEnv, PROJECT_ROOT } from "../../test/peers/python-env.js";
import { writeBenchmarkSection } from "../docs.js";

const { values } = parseArgs({
  options: {
    dataset: { type: "string", default: "imdb" },
    repeat: { type: "string", default: "1" },
    write: { type: "boolean", default: false },
  },
});
// The targets are set on IMDB 25k → 25k; other datasets are shown without targets.
const TARGETS = values.dataset === "imdb";
const DATASETS: Record<string, [string, string]> = {
  imdb: ["imdb/train.csv", "imdb/test.csv"],
  sst2: ["sst2/train.csv", "sst2/dev.csv"],
};
const [trainRel, testRel] = DATASETS[values.dataset!] ?? (() => { throw new Error(`unknown dataset ${values.dataset}`); })();
const train = dataFile(trainRel);
const test = dataFile(testRel);
const config = { ngramRange: [1, 2] as [number, number], minDf: 2, sublinearTf: true, C: 4 };
const { C, ...vectorizer } = config;
const python = ensurePythonEnv((l) => process.stderr.write(`[peers] ${l}\n`));
if (!existsSync(join(PROJECT_ROOT, "dist", "index.js"))) throw new Error("run `npm run build` first");

interface Side {
  fit_s: number;
  predict_s: number;
  predict_pool_s?: number;
  pool_setup_s?: number;
  peak_rss_mb: number;
  accuracy: number;
  features: number;
  iterations: number;
  predictions: string;
}

function runSklearn(): Side {
  const out = execFileSync(
    python,
    [join(PROJECT_ROOT, "test/peers/sklearn_tfidf.py"), "fit-predict", train, test, JSON.stringify(toSklearnVectorizer(vectorizer)), JSON.stringify({ C, max_iter: 1000 })],
    { maxBuffer: 1 << 28 },
  );
  return JSON.parse(out.toString());
}

function runOurs(): Side {
  const out = execFileSync(process.execPath, [join(PROJECT_ROOT, "bench/tfidf/ours.mjs"), train, test, JSON.stringify(config)], {
    maxBuffer: 1 << 28,
    cwd: PROJECT_ROOT,
  });
  return JSON.parse(out.toString());
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const repeat = Number(values.repeat);
const runs: { sk: Side; ours: Side }[] = [];
for (let i = 0; i < repeat; i++) {
  process.stderr.write(`run ${i + 1}/${repeat}: scikit-learn… `);
  const sk = runSklearn();
  process.stderr.write(`senti-mlops… `);
  const ours = runOurs();
  process.stderr.write(
    `fit ${ours.fit_s.toFixed(2)}/${sk.fit_s.toFixed(2)} s, predict ${ours.predict_s.toFixed(2)} (pool ${ours.predict_pool_s?.toFixed(2)})/${sk.predict_s.toFixed(2)} s\n`,
  );
  runs.push({ sk, ours });
}
const pick = (side: "sk" | "ours", key: "fit_s" | "predict_s" | "predict_pool_s" | "pool_setup_s" | "peak_rss_mb") =>
  median(runs.map((r) => r[side][key] ?? NaN));
const last = runs[runs.length - 1]!;
let same = 0;
for (let i = 0; i < last.sk.predictions.length; i++) if (last.sk.predictions[i] === last.ours.predictions[i]) same++;
const result = {
  dataset: `${trainRel} → ${testRel}`,
  config: "ngramRange [1,2], minDf 2, sublinearTf, C 4 (scikit-learn: lbfgs, max_iter 1000)",
  fit: { ours: pick("ours", "fit_s"), sklearn: pick("sk", "fit_s") },
  predict: { ours: pick("ours", "predict_s"), sklearn: pick("sk", "predict_s") },
  predictPool: { ours: pick("ours", "predict_pool_s"), setup: pick("ours", "pool_setup_s") },
  peakRss: { ours: pick("ours", "peak_rss_mb"), sklearn: pick("sk", "peak_rss_mb") },
  accuracy: { ours: last.ours.accuracy, sklearn: last.sk.accuracy },
  features: { ours: last.ours.features, sklearn: last.sk.features },
  iterations: { ours: last.ours.iterations, sklearn: last.sk.iterations },
  agreement: same / last.sk.predictions.length,
  repeat,
};
const fmt = (n: number, d = 2) => n.toFixed(d);
const table = [
  `### TF-IDF: ${result.dataset}`,
  "",
  `Config: ${result.config}. Median of ${repeat} run(s); each side in its own process, data in memory before timing.`,
  "",
  "| | senti-mlops | scikit-learn | ratio (ours / sklearn) | target |",
  "|---|---:|---:|---:|---:|",
  `| fit (s) | ${fmt(result.fit.ours)} | ${fmt(result.fit.sklearn)} | **${fmt(result.fit.ours / result.fit.sklearn)}×** | ${TARGETS ? "≤ 0.5×" : ""} |`,
  `| predict, one thread (s) | ${fmt(result.predict.ours)} | ${fmt(result.predict.sklearn)} | **${fmt(result.predict.ours / result.predict.sklearn)}×** | ${TARGETS ? "≤ 0.2×" : ""} |`,
  `| predict, createPredictPool on all cores (s) | ${fmt(result.predictPool.ours)} | ${fmt(result.predict.sklearn)} | **${fmt(result.predictPool.ours / result.predict.sklearn)}×** | |`,
  `| (pool start-up, once per model) (s) | ${fmt(result.predictPool.setup)} | | | |`,
  `| peak RSS (MB) | ${fmt(result.peakRss.ours, 0)} | ${fmt(result.peakRss.sklearn, 0)} | ${fmt(result.peakRss.ours / result.peakRss.sklearn)}× | |`,
  `| accuracy | ${fmt(result.accuracy.ours, 4)} | ${fmt(result.accuracy.sklearn, 4)} | ${fmt((result.accuracy.ours - result.accuracy.sklearn) * 100)} points | ${TARGETS ? "≥ −0.3 points" : ""} |`,
  `| features | ${result.features.ours} | ${result.features.sklearn} | | equal |`,
  `| optimizer iterations | ${result.iterations.ours} | ${result.iterations.sklearn} | | |`,
  `| predictions equal | ${fmt(result.agreement * 100)}% | | | |`,
  "",
].join("\n");
process.stdout.write(`${table}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);

if (values.write) writeBenchmarkSection(`tfidf:${values.dataset}`, table);
