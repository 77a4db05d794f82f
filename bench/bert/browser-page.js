// The page of bench/bert/browser.ts: senti-mlops and transformers.js side by side in one Chromium
// page, bundled with Vite (test/browser/bert-bundlers.ts) as an app would bundle them. The runner
// drives it through page.evaluate on window.bench.
//
// Both sides read the same model folder from the page's own server (/models/bert-tiny-sst2/, fp32
// onnx/model.onnx) and run on their own onnxruntime-web, each from its files served beside the
// page: senti-mlops on the one it binds (onnxruntime-web/wasm, 1.30.0), `wasmPaths: "/ort/"`;
// transformers.js on the build it ships (1.31.0-dev, asyncify), from /tjs-ort/ (the files its
// default CDN URL points at). Explicit paths on both sides: this page bundles transformers.js,
// whose CommonJS-style code makes Vite put shared helpers in the entry chunk that
// onnxruntime-web's chunk then imports, so without them worker threads could not start (see
// src/bert/ort-web.ts). Thread counts are per page (onnxruntime-web reads them once), so the runner
// loads a fresh page for each thread count.
import { loadBert } from "senti-mlops/bert";
import { env, pipeline } from "@huggingface/transformers";

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = "/models/";
env.useBrowserCache = false;

const sides = {};
const MODEL = "bert-tiny-sst2";

function show(text) {
  document.getElementById("out").textContent = text;
}

/** P(POSITIVE) from a top-1 { label, score }. */
const positive = ({ label, score }) => (String(label).toUpperCase() === "POSITIVE" ? score : 1 - score);

window.bench = {
  isolated: () => globalThis.crossOriginIsolated === true,
  cores: () => navigator.hardwareConcurrency,

  async load(side, threads, options = {}) {
    const t0 = performance.now();
    if (side === "ours") {
      sides.ours = await loadBert(`/models/${MODEL}`, { threads, dtype: "fp32", wasmPaths: "/ort/", ...options });
    } else {
      const wasm = env.backends.onnx.wasm;
      wasm.numThreads = threads;
      wasm.wasmPaths = { mjs: "/tjs-ort/ort-wasm-simd-threaded.asyncify.mjs", wasm: "/tjs-ort/ort-wasm-simd-threaded.asyncify.wasm" };
      sides.peer = await pipeline("text-classification", MODEL, { device: "wasm", dtype: "fp32" });
    }
    show(`${side} loaded`);
    return performance.now() - t0;
  },

  /** Classifies `texts` in calls of `batch` texts (in input order); returns ms and P(POSITIVE) per text. */
  async run(side, texts, batch) {
    const out = [];
    const t0 = performance.now();
    for (let i = 0; i < texts.length; i += batch) {
      const chunk = texts.slice(i, i + batch);
      if (side === "ours") {
        const probabilities = await sides.ours.predictProba(chunk);
        const p = sides.ours.labels.indexOf("POSITIVE");
        for (const row of probabilities) out.push(row[p]);
      } else {
        for (const r of await sides.peer(chunk)) out.push(positive(r));
      }
    }
    return { ms: performance.now() - t0, positive: out };
  },
};
window.pageReady = true;
show("ready");
