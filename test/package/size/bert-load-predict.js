// Scenario (d), budget 15 kB gzipped: a BERT page on the BERT entry (loadBert and predict from
// "senti-mlops/bert"), with onnxruntime-web and @huggingface/tokenizers external — the page's own
// dependencies, not counted against senti-mlops.
import { loadBert, predict } from "senti-mlops/bert";

export async function classify(texts) {
  const model = await loadBert("https://huggingface.co/org/bert-sst2", { dtype: "q8" });
  return predict(model, texts);
}
