// Scenario (a), budget 16 kB gzipped: a TF-IDF-only page. It fetches a model file encoded with
// encodeTfidfModel, decodes it and scores texts with `predict`, all from the `senti-mlops/tfidf`
// entry (README: "`encodeTfidfModel`/`decodeTfidfModel` work on bytes, for browsers"). Must not
// contain onnxruntime-web. Bundled by scripts/size-report.mjs.
import { decodeTfidfModel, predict } from "senti-mlops/tfidf";

export async function classify(url, texts) {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  return predict(decodeTfidfModel(bytes), texts);
}
