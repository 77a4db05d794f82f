// Where the time goes, for each side of bench/bert: one warm pass split into ONNX Runtime's
// session.run (timed by wrapping the session) and everything else (tokenization, padding and tensor
// building, post-processing), plus the padded tokens each side feeds the model, and a
// tokenization-only pass. Usage: node bench/bert/profile.mjs ours|peer SPEC_JSON  (spec: common.mjs)
//
// ours: loadBert with `runtime` = onnxruntime-node whose sessions are wrapped (loadBert's documented
// injection point); peer: the pipeline's own session object with its run() wrapped.
import { readSpec, readTexts } from "./common.mjs";

const side = process.argv[2];
process.argv.splice(2, 1);
const spec = readSpec();
const texts = readTexts(spec.data, spec.n);

const stats = { runs: 0, run_ms: 0, padded_tokens: 0, shapes: {} };
function timed(session) {
  const run = session.run.bind(session);
  session.run = async (feeds, ...rest) => {
    const dims = Object.values(feeds)[0].dims;
    const t0 = performance.now();
    const out = await run(feeds, ...rest);
    stats.run_ms += performance.now() - t0;
    stats.runs++;
    stats.padded_tokens += dims[0] * dims[1];
    const key = dims.join("x");
    stats.shapes[key] = (stats.shapes[key] ?? 0) + 1;
    return out;
  };
  return session;
}
const reset = () => Object.assign(stats, { runs: 0, run_ms: 0, padded_tokens: 0, shapes: {} });

let classify;
let tokenizeAll;
if (side === "ours") {
  const ort = await import("onnxruntime-node");
  const { predict } = await import("senti-mlops");
  const { loadBert } = await import("senti-mlops/bert");
  const runtime = {
    ...ort,
    InferenceSession: { create: async (...args) => timed(await ort.InferenceSession.create(...args)) },
  };
  const model = await loadBert(spec.folder, {
    runtime,
    threads: spec.threads,
    dtype: "fp32",
    maxLength: 512,
    maxBatchSize: spec.batchSize,
    maxTokensPerBatch: spec.maxTokensPerBatch,
  });
  classify = () => predict(model, texts);
  // What loadBert's tokenizer library costs on its own: @huggingface/tokenizers over the same texts.
  const { Tokenizer } = await import("@huggingface/tokenizers");
  const { readFileSync } = await import("node:fs");
  const tok = new Tokenizer(
    JSON.parse(readFileSync(`${spec.folder}/tokenizer.json`, "utf8")),
    JSON.parse(readFileSync(`${spec.folder}/tokenizer_config.json`, "utf8")),
  );
  tokenizeAll = () => texts.map((t) => tok.encode(t).ids.length);
} else {
  const { basename, dirname } = await import("node:path");
  const { env, pipeline } = await import("@huggingface/transformers");
  env.allowRemoteModels = false;
  env.localModelPath = `${dirname(spec.folder)}/`;
  env.fetch = (url) => {
    throw new Error(`profile tried to fetch ${url}`);
  };
  const pipe = await pipeline("text-classification", basename(spec.folder), {
    device: "cpu",
    dtype: "fp32",
    session_options: { intraOpNumThreads: spec.threads, interOpNumThreads: 1 },
  });
  timed(pipe.model.sessions.model);
  classify = async () => {
    const out = [];
    for (let i = 0; i < texts.length; i += spec.batchSize) out.push(...(await pipe(texts.slice(i, i + spec.batchSize))));
    return out;
  };
  tokenizeAll = () => {
    const lengths = [];
    for (let i = 0; i < texts.length; i += spec.batchSize) {
      lengths.push(pipe.tokenizer(texts.slice(i, i + spec.batchSize), { padding: true, truncation: true }).input_ids.dims[1]);
    }
    return lengths;
  };
}

await classify(); // warm-up
reset();
let t0 = performance.now();
await classify();
const totalMs = performance.now() - t0;
const pass = { ...stats };
tokenizeAll(); // warm-up
t0 = performance.now();
tokenizeAll();
const tokenizeMs = performance.now() - t0;
process.stdout.write(
  JSON.stringify({
    side,
    texts: texts.length,
    total_ms: totalMs,
    session_run_ms: pass.run_ms,
    other_ms: totalMs - pass.run_ms,
    runs: pass.runs,
    padded_tokens: pass.padded_tokens,
    tokenize_only_ms: tokenizeMs,
    shapes: pass.shapes,
  }) + "\n",
);
process.exit(0);
