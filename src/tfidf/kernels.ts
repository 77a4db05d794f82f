/**
 * The hot loops of the logistic regression. They import only the deterministic exp/log1p, so that
 * worker threads run exactly the code the main thread runs, and every JavaScript engine computes
 * the same bits (see ../evaluation/deterministic-math.ts).
 *
 * @module
 */
import { exp, log1p } from "../evaluation/deterministic-math.js";

/**
 * Rows of a binomial problem: a CSR matrix (row i: `indptr[i] .. indptr[i+1]`), 0/1 targets, sample weights.
 *
 * @example
 * ```ts
 * const problem: BinomialProblem = {
 *   rows: 2, indptr: Int32Array.of(0, 1, 2), indices: Int32Array.of(0, 1), data: Float64Array.of(1, 1),
 *   y: Int32Array.of(0, 1), weight: Float64Array.of(1, 1),
 * };
 * ```
 */
export interface BinomialProblem {
  readonly rows: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float64Array;
  readonly y: Int32Array;
  readonly weight: Float64Array;
}

/**
 * log(1 + e^z) without overflow.
 *
 * @example
 * ```ts
 * log1pExp(0); // Math.LN2
 * log1pExp(1000); // 1000, not Infinity
 * ```
 */
export function log1pExp(z: number): number {
  return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/**
 * 1 / (1 + e^−z) without overflow.
 *
 * @example
 * ```ts
 * sigmoid(0); // 0.5
 * sigmoid(-1000); // 0, without overflow
 * ```
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + exp(-z));
  const e = exp(z);
  return e / (1 + e);
}

/**
 * The binomial loss and its gradient (unscaled, without the penalty), in one pass over the rows:
 * each row's entries are read once for its score and again, from cache, for its gradient.
 * A top-level function over typed-array arguments, which V8 compiles to tight loops.
 *
 * @example
 * ```ts
 * const grad = new Float64Array(features);
 * const { loss, biasGrad } = binomialLoss(problem, params, 0, grad); // grad now holds ∇loss
 * ```
 */
export function binomialLoss(
  problem: BinomialProblem,
  params: Float64Array,
  bias: number,
  grad: Float64Array,
): { loss: number; biasGrad: number } {
  return binomialLossRows(problem.rows, problem.indptr, problem.indices, problem.data, problem.y, problem.weight, params, bias, grad);
}

function binomialLossRows(
  rows: number,
  indptr: Int32Array,
  indices: Int32Array,
  data: Float64Array,
  y: Int32Array,
  weight: Float64Array,
  params: Float64Array,
  bias: number,
  grad: Float64Array,
): { loss: number; biasGrad: number } {
  let loss = 0;
  let biasGrad = 0;
  for (let i = 0; i < rows; i++) {
    const start = indptr[i]!;
    const end = indptr[i + 1]!;
    let z = bias;
    for (let k = start; k < end; k++) z += data[k]! * params[indices[k]!]!;
    const s = weight[i]!;
    const yi = y[i] === 1 ? 1 : 0;
    // log1pExp(z) and sigmoid(z) from one exp(−|z|): the same bits as calling both.
    const e = exp(z > 0 ? -z : z);
    loss += s * ((z > 0 ? z + log1p(e) : log1p(e)) - yi * z);
    const r = s * ((z >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi);
    for (let k = start; k < end; k++) grad[indices[k]!]! += data[k]! * r;
    biasGrad += r;
  }
  return { loss, biasGrad };
}

/**
 * Row boundaries that split a problem into `parts` shards of about equal numbers of entries.
 *
 * @example
 * ```ts
 * shardBoundaries(Int32Array.of(0, 1, 2, 3, 4), 4, 2); // [0, 2, 4]
 * ```
 */
export function shardBoundaries(indptr: Int32Array, rows: number, parts: number): number[] {
  const total = indptr[rows]!;
  const bounds = [0];
  let row = 0;
  for (let p = 1; p < parts; p++) {
    const target = (total * p) / parts;
    while (row < rows && indptr[row]! < target) row++;
    bounds.push(row);
  }
  bounds.push(rows);
  return bounds;
}

/**
 * A copy of rows `start .. end` as a problem of its own (indptr rebased to 0).
 *
 * @example
 * ```ts
 * const [start, end] = shardBoundaries(problem.indptr, problem.rows, 2);
 * const shard = sliceRows(problem, start, end); // shard.indptr[0] === 0
 * ```
 */
export function sliceRows(problem: BinomialProblem, start: number, end: number): BinomialProblem {
  const from = problem.indptr[start]!;
  const to = problem.indptr[end]!;
  const indptr = problem.indptr.slice(start, end + 1);
  for (let i = 0; i < indptr.length; i++) indptr[i]! -= from;
  return {
    rows: end - start,
    indptr,
    indices: problem.indices.slice(from, to),
    data: problem.data.slice(from, to),
    y: problem.y.slice(start, end),
    weight: problem.weight.slice(start, end),
  };
}
