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

// Universal entries must not reach node:* or native packages: test/package/browser-graph.test.ts checks.
export default defineConfig([
  {
    ...common,
    platform: "neutral",
    entry: { index: "src/index.ts", "tfidf/index": "src/tfidf/index.ts" },
  },
  {
    ...common,
    platform: "node",
    entry: { "index.node": "src/index.node.ts", "data/index": "src/data/index.ts" },
  },
  {
    ...common,
    format: ["esm"],
    dts: false,
    platform: "node",
    entry: { "cli/main": "src/cli/main.ts" },
    banner: { js: "#!/usr/bin/env node" },
  },
]);
