// bench/server's multi-process variant of the Express service: node:cluster runs
// examples/express-server/dist/main.js, unchanged, in BENCH_WORKERS worker processes that share
// its PORT (the primary accepts connections and hands them to the workers round-robin; a
// keep-alive connection then stays with its worker). The service's configuration comes from the
// environment as usual; BENCH_SERVER_MAIN names another build's main.js. Once every worker
// listens, the primary writes one line on stderr: `[cluster] N workers listening`. SIGTERM/SIGINT are passed to the workers (each drains as the
// service does); the primary exits when they have, with 1 if any did not exit 0.
//
// The service has no such option itself: with more than one process, training jobs and model
// swaps would each happen in one worker only. The benchmark needs no training (no API_TOKEN).
import cluster from "node:cluster";
import { fileURLToPath, pathToFileURL } from "node:url";

const MAIN = process.env.BENCH_SERVER_MAIN ?? fileURLToPath(new URL("../../examples/express-server/dist/main.js", import.meta.url));

if (cluster.isPrimary) {
  const workers = Number(process.env.BENCH_WORKERS ?? "2");
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`BENCH_WORKERS must be a positive integer, got ${process.env.BENCH_WORKERS}`);
  let listening = 0;
  let failed = false;
  let stopping = false;
  cluster.on("listening", () => {
    if (++listening === workers) process.stderr.write(`[cluster] ${workers} workers listening\n`);
  });
  cluster.on("exit", (worker, code, signal) => {
    if (code !== 0) failed = true;
    if (!stopping) {
      // A worker that dies outside a shutdown fails the run: stop the others.
      process.stderr.write(`[cluster] worker ${worker.process.pid} exited (${signal ?? code}); stopping\n`);
      stop("SIGTERM");
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
  });
  const stop = (signal) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  await import(pathToFileURL(MAIN).href);
}
