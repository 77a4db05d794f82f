/**
 * A {@link ParallelLossFactory} on Node worker threads: the main thread evaluates one shard of the
 * rows, each worker another, over shared memory, synchronized with `Atomics` (no message per
 * evaluation). On a 2-core machine this nearly halves the time of each L-BFGS evaluation.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { binomialLoss, shardBoundaries, sliceRows, type BinomialProblem } from "../tfidf/kernels.js";
import type { ParallelLoss, ParallelLossFactory } from "../tfidf/parallel.js";
import { startWorker } from "./worker-script.js";

/**
 * Options of {@link createWorkerLoss}.
 *
 * @example
 * ```ts
 * const parallel = createWorkerLoss({ threads: 4, minEntries: 1_000_000 });
 * ```
 */
export interface WorkerLossOptions {
  /** Threads in all, the caller's included. @default os.availableParallelism() */
  threads?: number;
  /** Below this many stored entries the problem stays on one thread. @default 500_000 */
  minEntries?: number;
}

const READY_TIMEOUT_MS = 10_000;

/**
 * Creates the factory; pass it as `parallel` to `fitLogisticRegression`, or let the Node entry's
 * `trainTfidf` do so (its `threads` option).
 *
 * @example
 * ```ts
 * const { classifier, report } = fitLogisticRegression(x, y, 2, options, { parallel: createWorkerLoss({ threads: 2 }) });
 * report.threads; // 2
 * ```
 */
export function createWorkerLoss(options: WorkerLossOptions = {}): ParallelLossFactory {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const minEntries = options.minEntries ?? 500_000;
  return (problem: BinomialProblem, features: number): ParallelLoss | undefined => {
    if (threads < 2 || problem.indptr[problem.rows]! < minEntries) return undefined;
    const bounds = shardBoundaries(problem.indptr, problem.rows, threads);
    // The first shard stays here and starts at row 0, so it needs no copy.
    const own: BinomialProblem = { ...problem, rows: bounds[1]! };
    const paramsBuffer = new SharedArrayBuffer((features + 1) * 8);
    const params = new Float64Array(paramsBuffer);
    const shards = bounds.slice(1, -1).map((start, i) => {
      const control = new Int32Array(new SharedArrayBuffer(16));
      const grad = new Float64Array(new SharedArrayBuffer(features * 8));
      const result = new Float64Array(new SharedArrayBuffer(16));
      const problemShard = sliceRows(problem, start, bounds[i + 2]!);
      const worker = startWorker("tfidf-loss-worker.js", "loss-worker.ts", {
        workerData: { problem: problemShard, control: control.buffer, params: paramsBuffer, grad: grad.buffer, result: result.buffer },
        transferList: [problemShard.indptr.buffer, problemShard.indices.buffer, problemShard.data.buffer, problemShard.y.buffer, problemShard.weight.buffer] as ArrayBuffer[],
      });
      worker.unref();
      let failure: unknown;
      worker.on("error", (e) => (failure = e));
      return { worker, control, grad, result, generation: 0, failed: () => failure };
    });
    // Wait (blocking, bounded) until every worker has loaded; if one cannot start, stay on one thread.
    const started = shards.every((s) => Atomics.wait(s.control, 3, 0, READY_TIMEOUT_MS) !== "timed-out" || Atomics.load(s.control, 3) === 1);
    if (!started) {
      for (const s of shards) void s.worker.terminate();
      return undefined;
    }
    return {
      threads,
      evaluate(weights, bias, grad) {
        params.set(weights.subarray(0, features));
        params[features] = bias;
        for (const s of shards) {
          Atomics.store(s.control, 0, ++s.generation);
          Atomics.notify(s.control, 0);
        }
        const mine = binomialLoss(own, params, bias, grad);
        let loss = mine.loss;
        let biasGrad = mine.biasGrad;
        for (const s of shards) {
          // Wait on the value just compared: reading it again could see the worker's answer and then
          // wait for a change that never comes.
          for (let seen = Atomics.load(s.control, 1); seen !== s.generation; seen = Atomics.load(s.control, 1)) {
            if (Atomics.wait(s.control, 1, seen, 60_000) === "timed-out" || s.failed()) {
              throw new Error(`loss worker did not answer: ${String(s.failed() ?? "timed out")}`);
            }
          }
          loss += s.result[0]!;
          biasGrad += s.result[1]!;
          const g = s.grad;
          for (let j = 0; j < features; j++) grad[j]! += g[j]!;
        }
        return { loss, biasGrad };
      },
      close() {
        for (const s of shards) {
          Atomics.store(s.control, 2, 1);
          Atomics.store(s.control, 0, ++s.generation);
          Atomics.notify(s.control, 0);
          void s.worker.terminate();
        }
      },
    };
  };
}
