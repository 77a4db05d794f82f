import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";

const SRC = fileURLToPath(new URL("./src/", import.meta.url));

/**
 * Tests import the sources, and a source module that imports `#runtime/<feature>` gets Node's binding from
 * the sources too (package.json "imports" maps it into dist/, for the built package). Imports from
 * dist/ (tests of the built package) are left to package.json.
 */
const runtimeFromSources: Plugin = {
  name: "senti-mlops-runtime-from-sources",
  enforce: "pre",
  resolveId(id, importer) {
    if (id.startsWith("#runtime/") && importer?.startsWith(SRC)) return `${SRC}runtime/node/${id.slice("#runtime/".length)}.ts`;
    return null;
  },
};

export default defineConfig({
  plugins: [runtimeFromSources],
  test: {
    include: ["test/**/*.test.ts"],
    // In order: the first prints the run's wall time at the end (teardowns run in reverse, so it is last), the second
    // installs the Python peers into .venv, the third starts the shared MLflow server from it, the fourth installs
    // Debian's Chromium for the browser tests when it is missing.
    globalSetup: ["test/helpers/wall-time.ts", "test/peers/global-setup.ts", "test/peers/mlflow-global-setup.ts", "test/browser/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Parity tests run scikit-learn in a child process; two workers keep both cores busy without thrashing.
    maxWorkers: 2,
  },
});
