// The page of test/browser/tfidf.test.ts, bundled by bundle.ts. It imports the package BY NAME,
// as an app would, and exposes what the test calls through page.evaluate on window.
import { decodeTfidfModel, predict, predictProba, trainTfidf } from "senti-mlops/tfidf";
import { createIndexedDbByteStore } from "senti-mlops/adapters";

async function fetchOk(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res;
}

function show(text) {
  const out = document.getElementById("out");
  if (out) out.textContent = text;
}

/** Fetches a model (encodeTfidfModel bytes) and the texts, decodes, predicts. */
window.predictServed = async (modelUrl, textsUrl) => {
  const bytes = new Uint8Array(await (await fetchOk(modelUrl)).arrayBuffer());
  const texts = await (await fetchOk(textsUrl)).json();
  const model = decodeTfidfModel(bytes);
  const probabilities = await predictProba(model, texts);
  const labels = (await predict(model, texts)).map((p) => p.label);
  show(`served model: ${bytes.length} bytes, ${texts.length} texts, first: ${labels[0]} ${probabilities[0]}`);
  return { probabilities, labels, modelLabels: model.labels };
};

/**
 * Trains in the page on the served rows and options (with the served validation rows, if any), then
 * predicts the served texts; also returns the loss of every iteration, the fit report and the metrics.
 */
window.trainInPage = async (dataUrl) => {
  const { train, texts, options, validation } = await (await fetchOk(dataUrl)).json();
  const losses = [];
  const onProgress = (e) => {
    if (e.phase === "optimizing" && e.loss !== undefined) losses.push(e.loss);
  };
  const { model, fit, metrics } = await trainTfidf(train, { ...options, validation, onProgress });
  const probabilities = await predictProba(model, texts);
  const labels = (await predict(model, texts)).map((p) => p.label);
  show(`trained in the page on ${train.length} rows; ${texts.length} texts, first: ${labels[0]} ${probabilities[0]}`);
  return { probabilities, labels, modelLabels: model.labels, losses, fit, metrics };
};

const b64ToBytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const bytesToB64 = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));

/** Writes { key: base64 } into an IndexedDB byte store. */
window.idbWrite = async (dbName, entries) => {
  const store = createIndexedDbByteStore({ dbName });
  for (const [key, b64] of Object.entries(entries)) await store.put(key, b64ToBytes(b64));
  await store.dispose();
  show(`wrote ${Object.keys(entries).length} keys to IndexedDB ${dbName}`);
};

/** Reads every key of an IndexedDB byte store with a new store: { list, values: { key: base64 | null } }. */
window.idbRead = async (dbName, keys) => {
  const store = createIndexedDbByteStore({ dbName });
  const list = await store.list();
  const values = {};
  for (const key of keys) {
    const bytes = await store.get(key);
    values[key] = bytes === null ? null : bytesToB64(bytes);
  }
  await store.dispose();
  show(`read ${list.length} keys back from IndexedDB ${dbName}`);
  return { list, values };
};

window.pageReady = true;
