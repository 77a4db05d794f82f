import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startMlflowServer } from "./mlflow-server.js";

/**
 * Starts ONE real `mlflow server` for the whole test run (after global-setup.ts has installed the
 * venv) and provides its URL as `inject("mlflowUrl")`. Tests that need a server of their own (a
 * given database, a restart) call startMlflowServer() themselves.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startMlflowServer({ workers: 2 });
  process.stderr.write(`[peers] mlflow server at ${server.url} (${server.backendStoreUri})\n`);
  project.provide("mlflowUrl", server.url);
  return () => server.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    mlflowUrl: string;
  }
}
