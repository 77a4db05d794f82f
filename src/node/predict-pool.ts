/**
 * Batch prediction on several threads: a TF-IDF model copied into worker threads once, then each
 * call split between this thread and the workers.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { SentiMlopsError } from "../errors.js";
import { encodeTfidfModel } from "../tfidf/model-format.js";
import type { TfidfModel } from "../tfidf/model.js";
import type { SentimentModel } from "../types.js";
import { startWorker } from "./worker-script.js";

/**
 * Options of {@link createPredictPool}.
 *
 * @example
 * ```ts
 * const pool = await createPredictPool(model, { threads: 4, minTexts: 1000 });
 * ```
 */
export interface PredictPoolOptions {
  /** Threads in all, this one included. @default os.availableParallelism() */
  threads?: number;
  /** Calls with fewer texts run on this thread only. @default 2048 */
  minTexts?: number;
}

/**
 * A model whose predictions are spread over threads; {@link PredictPool.close} stops them.
 *
 * @example
 * ```ts
 * const pool: PredictPool = await createPredictPool(model);
 * const proba = await pool.predictProba(["great film", "awful"]); // [[0.1, 0.9], [0.8, 0.2]]
 * await pool.close();
 * ```
 */
export interface PredictPool extends SentimentModel {
  readonly kind: "tfidf";
  /** Threads in use, this one included. */
  readonly threads: number;
  /** Probabilities of every text, row-major (`texts.length × labels.length`). */
  probabilities(texts: readonly string[]): Promise<Float64Array>;
  predictProba(texts: readonly string[]): Promise<number[][]>;
  /** Stops the worker threads; the pool then predicts on this thread only. */
  close(): Promise<void>;
}

interface Pending {
  resolve: (proba: Float64Array) => void;
  reject: (error: unknown) => void;
}

/**
 * Starts `threads − 1` worker threads holding a copy of `model` and resolves when they are ready.
 * Each call then scores one share of the texts here and the others in the workers, which is about
 * `threads` times faster on large batches. Results equal `model.probabilities(texts)` exactly.
 *
 * @example
 * ```ts
 * const pool = await createPredictPool(model, { threads: 2 });
 * await predict(pool, texts); // same as predict(model, texts), on two cores
 * await pool.close();
 * ```
 */
export async function createPredictPool(model: TfidfModel, options: PredictPoolOptions = {}): Promise<PredictPool> {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const minTexts = options.minTexts ?? 2048;
  const bytes = threads > 1 ? encodeTfidfModel(model) : new Uint8Array(0);
  let nextId = 0;
  const workers = await Promise.all(
    Array.from({ length: threads - 1 }, () => {
      const worker = startWorker("tfidf-predict-worker.js", "predict-worker.ts", { workerData: { model: bytes } });
      const pending = new Map<number, Pending>();
      const failAll = (error: unknown): void => {
        for (const p of pending.values()) p.reject(error);
        pending.clear();
      };
      worker.on("error", failAll);
      worker.on("exit", (code) => failAll(new SentiMlopsError("INTERNAL_ERROR", `prediction worker exited (${code})`, { component: "tfidf" })));
      return new Promise<{ worker: Worker; pending: Map<number, Pending> }>((resolve, reject) => {
        worker.once("error", reject);
        worker.once("message", () => {
          worker.on("message", (m: { id: number; proba?: Float64Array; error?: unknown }) => {
            const p = pending.get(m.id);
            pending.delete(m.id);
            // An idle pool must not keep the process alive; a busy one must (see the request side).
            if (pending.size === 0) worker.unref();
            if (m.proba) p?.resolve(m.proba);
            else p?.reject(m.error);
          });
          worker.unref();
          resolve({ worker, pending });
        });
      });
    }),
  );
  let open = workers.length > 0;
  const k = model.labels.length;

  const probabilities = async (texts: readonly string[]): Promise<Float64Array> => {
    if (!open || texts.length < minTexts) return model.probabilities(texts);
    const share = Math.ceil(texts.length / (workers.length + 1));
    const parts = workers.map(({ worker, pending }, i) => {
      const slice = texts.slice(share * (i + 1), share * (i + 2));
      const id = nextId++;
      return new Promise<Float64Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, texts: slice });
      });
    });
    const mine = model.probabilities(texts.slice(0, share));
    const out = new Float64Array(texts.length * k);
    out.set(mine);
    let at = mine.length;
    for (const part of await Promise.all(parts)) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  };

  return {
    kind: "tfidf",
    labels: model.labels,
    get threads() {
      return open ? workers.length + 1 : 1;
    },
    probabilities,
    async predictProba(texts) {
      const flat = await probabilities(texts);
      return Array.from({ length: texts.length }, (_, i) => Array.from(flat.subarray(i * k, i * k + k)));
    },
    async close() {
      open = false;
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
