import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { ensurePythonEnv } from "./python-env.js";

/** Installs the Python peers once per test run, before any worker starts. */
export default function setup(project: TestProject): void {
  const python = ensurePythonEnv((line) => process.stderr.write(`[peers] ${line}\n`));
  project.provide("python", python);
}

declare module "vitest" {
  export interface ProvidedContext {
    python: string;
  }
}
