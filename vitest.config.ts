import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // In order: the first installs the Python peers into .venv, the second starts the shared MLflow server from it.
    globalSetup: ["test/peers/global-setup.ts", "test/peers/mlflow-global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Parity tests run scikit-learn in a child process; two workers keep both cores busy without thrashing.
    maxWorkers: 2,
  },
});
