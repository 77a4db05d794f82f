// Informational (no budget of its own): scenario (a) without the root entry, scoring with the
// model's own predictProba, so the report shows what `predict` from "senti-mlops" adds to (a).
// Must not contain onnxruntime-web.
import { decodeTfidfModel } from "senti-mlops/tfidf";

export async function classify(url, texts) {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const model = decodeTfidfModel(bytes);
  return model.predictProba(texts).map((row) => model.labels[row.indexOf(Math.max(...row))]);
}
