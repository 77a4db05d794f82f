// The page of bench/tfidf/browser.ts: trains and predicts with senti-mlops in the page, timed.
import { predictProba, trainTfidf } from "senti-mlops";

window.runBench = async (options) => {
  const { train, texts } = await (await fetch("/data.json")).json();
  let start = performance.now();
  const { model } = await trainTfidf(train, options);
  const trainMs = performance.now() - start;
  start = performance.now();
  const proba = await predictProba(model, texts);
  const predictMs = performance.now() - start;
  return { trainMs, predictMs, first: proba[0], last: proba[proba.length - 1] };
};
window.pageReady = true;
