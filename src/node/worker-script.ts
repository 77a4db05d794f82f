/**
 * Starts one of the package's worker threads: the built file beside this module, or, when the
 * sources run directly (under the test runner), the TypeScript source through tsx.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * @param built file name of the built worker, next to the built chunk that holds this module
 * @param source file name of the TypeScript source, next to this file
 *
 * @example
 * ```ts
 * const worker = startWorker("tfidf-predict-worker.js", "predict-worker.ts", { workerData: { model: bytes } });
 * ```
 */
export function startWorker(built: string, source: string, options: WorkerOptions = {}): Worker {
  const here = import.meta.url;
  if (!/\.ts$/.test(here)) {
    // Workers are built at the root of dist/; this module may sit there or one folder below.
    const candidates = [new URL(`./${built}`, here), new URL(`../${built}`, here)];
    const file = candidates.find((url) => existsSync(fileURLToPath(url)));
    if (!file) throw new Error(`worker script ${built} not found beside ${fileURLToPath(here)}`);
    return new Worker(file, options);
  }
  const url = new URL(`./${source}`, here).href;
  const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
