import { readdirSync } from "node:fs";
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
// declaration of it) whichever entry it comes from. Separate builds gave each its own copy:
// `instanceof` failed across entries and the .d.ts classes (with #private) were not assignable to
// each other.
//
// `#runtime/<feature>` stays an import: package.json "imports" resolves it when the package is
// loaded, to dist/runtime/node/<feature>.* under the `node` condition and dist/runtime/web/* otherwise
// (built here as entries, sharing the same chunks). test/package/browser-graph.test.ts checks that the web side
// reaches no node:* or native package.
export default defineConfig([
  {
    ...common,
    platform: "node",
    external: [/^#runtime\//],
    entry: {
      index: "src/index.ts",
      tfidf: "src/entries/tfidf.ts",
      bert: "src/entries/bert.ts",
      tracking: "src/entries/tracking.ts",
      registry: "src/entries/registry.ts",
      stores: "src/entries/stores.ts",
      models: "src/entries/models.ts",
      adapters: "src/entries/adapters.ts",
      data: "src/entries/data.ts",
      node: "src/entries/node.ts",
      ...Object.fromEntries(
        ["node", "web"].flatMap((runtime) =>
          // One entry per feature module of each binding (src/runtime/<runtime>/<feature>.ts).
          readdirSync(`src/runtime/${runtime}`)
            .filter((file) => file.endsWith(".ts"))
            .map((file) => [`runtime/${runtime}/${file.slice(0, -3)}`, `src/runtime/${runtime}/${file}`]),
        ),
      ),
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
