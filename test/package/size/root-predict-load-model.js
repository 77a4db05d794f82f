// Scenario (b), budget 30 kB gzipped (the initial load; chunks behind import() are reported apart):
// the root entry with only `predict` and `loadModel` — a page that loads a TF-IDF model by URL.
// YAML and the other model-folder parts should be loaded only when a folder is actually read.
// Must not contain onnxruntime-web.
import { loadModel, predict } from "senti-mlops";

export async function classify(url, texts) {
  const model = await loadModel(url);
  return predict(model, texts);
}
