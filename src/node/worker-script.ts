/**
 * Starts one of the package's worker threads: the built file beside this module, or, when the
 * sources run directly (under the test runner), the TypeScript source through tsx.
 *
 * @module
 */
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * @param built file name of the built worker, next to the built chunk that holds this module
 * @param source file name of the TypeScript source, next to this file
 */
export function startWorker(built: string, source: string, options: WorkerOptions = {}): Worker {
  const here = import.meta.url;
  if (!/\.ts$/.test(here)) return new Worker(new URL(`./${built}`, here), options);
  const url = new URL(`./${source}`, here).href;
  const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
