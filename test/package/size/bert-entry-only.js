// Informational (no budget of its own): scenario (d) without the root entry, scoring with the
// model's own predictProba, so the report shows what `predict` from "senti-mlops" adds to (d).
// onnxruntime-web and @huggingface/tokenizers external.
import { loadBert } from "senti-mlops/bert";

export async function classify(texts) {
  const model = await loadBert("https://huggingface.co/org/bert-sst2", { dtype: "q8" });
  return model.predictProba(texts);
}
