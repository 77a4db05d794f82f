import { defineConfig, type Options } from "tsup";

const common: Options = {
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  target: "es2022",
  outDir: "dist",
  splitting: true,
  treeshake: true,
};

// All library entries are built together so that they share chunks: one TfidfModel class (and one
// declaration of it) whether it comes from "senti-mlops" in Node or from "senti-mlops/tfidf".
// Separate builds gave each its own copy: `instanceof` failed across entries and the .d.ts classes
// (with #private) were not assignable to each other. Chunks only hold modules reachable from the
// same entries, so universal entries still reach no node:* or native packages:
// test/package/browser-graph.test.ts checks.
export default defineConfig([
  {
    ...common,
    platform: "node",
    entry: {
      index: "src/index.ts",
      "tfidf/index": "src/tfidf/index.ts",
      "tracking/index": "src/tracking/index.ts",
      "tracking/index.node": "src/tracking/index.node.ts",
      "index.node": "src/index.node.ts",
      "data/index": "src/data/index.ts",
      "registry/index": "src/registry/index.ts",
      "adapters/index": "src/adapters/index.ts",
      "adapters/index.node": "src/adapters/index.node.ts",
      "bert/index.node": "src/bert/index.node.ts",
      "bert/index.web": "src/bert/index.web.ts",
      "tfidf/index.node": "src/tfidf/index.node.ts",
      // The CLI (bin/senti-mlops.js imports it), built here so that it shares the library's chunks.
      "cli/main": "src/cli/main.ts",
      // Worker threads, started by src/node/worker-script.ts as new URL("./<name>.js", import.meta.url).
      "tfidf-loss-worker": "src/node/loss-worker.ts",
      "tfidf-count-worker": "src/node/count-worker.ts",
      "tfidf-predict-worker": "src/node/predict-worker.ts",
    },
    shims: true,
  },
]);
