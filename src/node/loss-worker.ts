/**
 * Worker thread for {@link createWorkerLoss}: holds one shard of the rows and evaluates the
 * binomial loss on it whenever the main thread bumps the generation counter.
 *
 * Shared memory layout (set up by the main thread):
 * - `control` Int32Array [generation, done, stop, ready]
 * - `params` Float64Array: the weights, written by the main thread before each generation
 * - `grad` Float64Array: this shard's gradient, written here
 * - `result` Float64Array [loss, biasGrad]
 */
import { workerData } from "node:worker_threads";
import { binomialLoss, type BinomialProblem } from "../tfidf/kernels.js";

interface LossWorkerData {
  problem: BinomialProblem;
  control: SharedArrayBuffer;
  params: SharedArrayBuffer;
  grad: SharedArrayBuffer;
  result: SharedArrayBuffer;
}

const data = workerData as LossWorkerData;
const control = new Int32Array(data.control);
const params = new Float64Array(data.params);
const grad = new Float64Array(data.grad);
const result = new Float64Array(data.result);
const bias = params.length - 1;

let seen = 0;
Atomics.store(control, 3, 1);
Atomics.notify(control, 3);
for (;;) {
  Atomics.wait(control, 0, seen);
  if (Atomics.load(control, 2) === 1) break;
  seen = Atomics.load(control, 0);
  grad.fill(0);
  const r = binomialLoss(data.problem, params, params[bias]!, grad);
  result[0] = r.loss;
  result[1] = r.biasGrad;
  Atomics.store(control, 1, seen);
  Atomics.notify(control, 1);
}
