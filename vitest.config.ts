import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // In order: the first prints the run's wall time at the end (teardowns run in reverse, so it is last), the second
    // installs the Python peers into .venv, the third starts the shared MLflow server from it.
    globalSetup: ["test/helpers/wall-time.ts", "test/peers/global-setup.ts", "test/peers/mlflow-global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Parity tests run scikit-learn in a child process; two workers keep both cores busy without thrashing.
    maxWorkers: 2,
  },
});
