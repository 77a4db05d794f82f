// Scenario (d), budget 15 kB gzipped: the BERT entry as its README example uses it (loadBert from
// "senti-mlops/bert", predict from "senti-mlops"), with onnxruntime-web and @huggingface/tokenizers
// external — the page's own dependencies, not counted against senti-mlops.
import { loadBert } from "senti-mlops/bert";
import { predict } from "senti-mlops";

export async function classify(texts) {
  const model = await loadBert("https://huggingface.co/org/bert-sst2", { dtype: "q8" });
  return predict(model, texts);
}
