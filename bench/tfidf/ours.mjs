// senti-mlops side of bench/tfidf: trains and predicts with the built package, prints one JSON line.
// Usage: node bench/tfidf/ours.mjs TRAIN.csv TEST.csv OPTIONS_JSON
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { predictProba, trainTfidf } from "senti-mlops";
import { createPredictPool } from "senti-mlops/node";

const [trainPath, testPath, rawOptions] = process.argv.slice(2);
const read = (path) => parse(readFileSync(path), { columns: true }).map((r) => ({ text: r.text, label: Number(r.label) }));
const train = read(trainPath);
const test = read(testPath);
const texts = test.map((r) => r.text);

let t0 = performance.now();
const options = JSON.parse(rawOptions);
// A token pattern crosses the command line as { source, flags }.
if (options.tokenPattern) options.tokenPattern = new RegExp(options.tokenPattern.source, options.tokenPattern.flags);
const { model, fit } = await trainTfidf(train, options);
const fitSeconds = (performance.now() - t0) / 1000;
t0 = performance.now();
const proba = await predictProba(model, texts);
const predictSeconds = (performance.now() - t0) / 1000;
// The same predictions on every core: a pool copies the model into worker threads once (timed
// apart, like loading a model), then splits each call between the threads.
t0 = performance.now();
const pool = await createPredictPool(model);
const poolSetupSeconds = (performance.now() - t0) / 1000;
t0 = performance.now();
const pooled = await predictProba(pool, texts);
const pooledSeconds = (performance.now() - t0) / 1000;
await pool.close();
if (JSON.stringify(pooled) !== JSON.stringify(proba)) throw new Error("pooled predictions differ from single-thread ones");
const predictions = proba.map((p) => (p[1] > p[0] ? 1 : 0));
const correct = predictions.filter((p, i) => p === test[i].label).length;
process.stdout.write(
  JSON.stringify({
    fit_s: fitSeconds,
    predict_s: predictSeconds,
    predict_pool_s: pooledSeconds,
    pool_setup_s: poolSetupSeconds,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    accuracy: correct / test.length,
    features: model.vectorizer.size,
    iterations: fit.iterations,
    predictions: predictions.join(""),
  }) + "\n",
);
