// transformers.js side of bench/bert: @huggingface/transformers' text-classification pipeline on a local
// folder, offline, fp32 onnx/model.onnx, ONNX Runtime (onnxruntime-node) with `threads` intra-op threads.
// Usage: node bench/bert/peer.mjs SPEC_JSON   (see common.mjs; spec.peerOrder "sorted" is a profiling aid)
//
// Batching: the pipeline has none of its own: one call tokenizes the whole array it is given,
// pads it to its longest text (truncation at the tokenizer's model_max_length, 512) and runs it as
// one batch. So the caller cuts the texts into consecutive chunks of `batchSize`, in input order, the
// way an application would, and awaits one chunk after the other.
import { basename, dirname } from "node:path";
import { env, pipeline } from "@huggingface/transformers";
import { measure } from "./common.mjs";

// Offline only: no hub, and any fetch at all is an error (local files are read through fs).
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useBrowserCache = false;
env.fetch = (url) => {
  throw new Error(`bench/bert peer tried to fetch ${url}: nothing may be downloaded`);
};

await measure({
  name: "transformers.js",
  async load(spec) {
    env.localModelPath = `${dirname(spec.folder)}/`;
    const pipe = await pipeline("text-classification", basename(spec.folder), {
      device: "cpu",
      dtype: "fp32", // → onnx/model.onnx (q8 would be onnx/model_quantized.onnx)
      session_options: { intraOpNumThreads: spec.threads, interOpNumThreads: 1 },
    });
    const session = pipe.model.sessions.model;
    if (session.config?.dtype !== "fp32") throw new Error(`peer loaded dtype ${session.config?.dtype}, wanted fp32`);
    return pipe;
  },
  async classify(pipe, texts, spec) {
    const order = texts.map((_, i) => i);
    if (spec.peerOrder === "sorted") {
      const lengths = texts.map((t) => t.length);
      order.sort((a, b) => lengths[a] - lengths[b]);
    }
    const out = new Array(texts.length);
    for (let i = 0; i < order.length; i += spec.batchSize) {
      const idx = order.slice(i, i + spec.batchSize);
      const res = await pipe(idx.map((j) => texts[j]));
      idx.forEach((j, k) => (out[j] = res[k]));
    }
    return out;
  },
  async report(pipe, texts, spec) {
    // Token counts (with [CLS]/[SEP], truncated at 512) so run.ts can show how much padding each
    // batching scheme runs. Not timed.
    const lengths = texts.map((t) => pipe.tokenizer(t, { truncation: true }).input_ids.dims[1]);
    const full = texts.map((t) => pipe.tokenizer(t).input_ids.dims[1]);
    return { token_lengths: lengths, full_lengths: full, dtype: pipe.model.sessions.model.config.dtype, max_length: pipe.tokenizer.model_max_length };
  },
  async dispose(pipe) {
    await pipe.dispose();
  },
});
