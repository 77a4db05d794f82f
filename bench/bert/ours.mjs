// senti-mlops side of bench/bert: loadBert (from the built package, "senti-mlops/bert", which binds
// onnxruntime-node under Node) + predict, fp32 onnx/model.onnx, `threads` intra-op threads.
// Usage: node bench/bert/ours.mjs SPEC_JSON   (see common.mjs)
//
// Batching is the library's own: predict sorts the texts by length and pads per bucket, with at
// most spec.batchSize texts (maxBatchSize) and spec.maxTokensPerBatch padded tokens per batch.
// The whole array goes to one predict call.
import { predict } from "senti-mlops";
import { loadBert } from "senti-mlops/bert";
import { measure } from "./common.mjs";

// senti-mlops/bert imports onnxruntime-node on the first load; transformers.js imports it with the
// module. Import it here too, so that neither side's load time includes loading the native binding
// and both sides' thread counts start from a process that already has it.
await import("onnxruntime-node");

// Same guard as the peer: the model folder is local, nothing may be fetched.
globalThis.fetch = (url) => {
  throw new Error(`bench/bert ours tried to fetch ${url}: nothing may be downloaded`);
};

await measure({
  name: "senti-mlops",
  async load(spec) {
    return loadBert(spec.folder, {
      threads: spec.threads,
      dtype: "fp32",
      maxLength: 512,
      maxBatchSize: spec.batchSize,
      maxTokensPerBatch: spec.maxTokensPerBatch,
    });
  },
  async classify(model, texts) {
    return predict(model, texts);
  },
  async dispose(model) {
    await model.dispose();
  },
});
