import { fileURLToPath } from "node:url";
import { playwright } from "@vitest/browser-playwright";
import { configDefaults, defineConfig, type Plugin } from "vitest/config";
import { browserCommands } from "./test/browser/commands.js";
import { CHROMIUM_PATH } from "./test/browser/chromium.js";

const SRC = fileURLToPath(new URL("./src/", import.meta.url));

/** The browser project's tests: the store suites (and later others) run inside Chromium. */
const BROWSER_SUITES = "test/browser/suites/**/*.test.ts";

/**
 * Tests import the sources, and a source module that imports `#runtime/<feature>` gets the binding of the
 * project's runtime from the sources too: `src/runtime/node/<feature>.ts` in the node project,
 * `src/runtime/web/<feature>.ts` in the browser project (package.json "imports" maps it into dist/, for the
 * built package). Imports from dist/ (tests of the built package) and from test files are left to package.json,
 * which each project resolves with its own conditions (node, or the browser's).
 */
function runtimeFromSources(runtime: "node" | "web"): Plugin {
  return {
    name: `senti-mlops-runtime-from-sources-${runtime}`,
    enforce: "pre",
    resolveId(id, importer) {
      if (id.startsWith("#runtime/") && importer?.startsWith(SRC)) return `${SRC}runtime/${runtime}/${id.slice("#runtime/".length)}.ts`;
      return null;
    },
  };
}

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Parity tests run scikit-learn in a child process; two workers keep both cores busy without thrashing.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        plugins: [runtimeFromSources("node")],
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, BROWSER_SUITES],
          // In order: the first prints the run's wall time at the end (teardowns run in reverse, and this project's
          // after the browser project's, so it is last), the second installs the Python peers into .venv, the third
          // starts the shared MLflow server from it, the fourth installs Debian's Chromium for the browser tests when
          // it is missing.
          globalSetup: ["test/helpers/wall-time.ts", "test/peers/global-setup.ts", "test/peers/mlflow-global-setup.ts", "test/browser/global-setup.ts"],
        },
      },
      {
        extends: true,
        plugins: [runtimeFromSources("web")],
        test: {
          name: "browser",
          include: [BROWSER_SUITES],
          // Before the browser launches: the Python peers (the commands start `mlflow server` from .venv) and
          // Debian's Chromium. Both are no-ops when already installed (e.g. by the node project's setup).
          globalSetup: ["test/peers/global-setup.ts", "test/browser/global-setup.ts"],
          // After the node project's files, not beside them: two cores, and the node project's timing-sensitive tests.
          sequence: { groupOrder: 1 },
          browser: {
            enabled: true,
            // Debian's Chromium (never a downloaded browser), as the other browser tests drive it (test/browser/chromium.ts).
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: ["--no-sandbox"] } }),
            instances: [{ browser: "chromium" }],
            headless: true,
            // Store suites have nothing to see: no screenshot folders beside the tests when one fails.
            screenshotFailures: false,
            // Node-side helpers the page calls through `commands` (vitest/browser): the MLflow oracle runs.
            commands: browserCommands,
          },
        },
      },
    ],
  },
});
