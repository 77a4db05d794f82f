/**
 * Fitting logistic regression: the objective (binomial or multinomial, class weights, L2) and its
 * minimization by L-BFGS, optionally over threads.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import { exp, log } from "../evaluation/deterministic-math.js";
import type { CsrMatrix } from "./csr.js";
import { minimizeLbfgs, type LbfgsResult } from "./lbfgs.js";
import { binomialLoss, type BinomialProblem } from "./kernels.js";
import { LogisticRegression } from "./logistic-regression.js";
import { nbLogCountRatios } from "./nb-scaling.js";
import type { ResolvedClassifierOptions } from "./options.js";
import type { ParallelLossFactory } from "./parallel.js";

/**
 * How the optimizer ended.
 *
 * @example
 * ```ts
 * const { report } = fitLogisticRegression(matrix, y, 2, resolveClassifierOptions());
 * if (!report.converged) console.warn(`stopped on ${report.reason} after ${report.iterations} iterations`);
 * ```
 */
export interface FitReport {
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  readonly reason: LbfgsResult["reason"];
  /** Final value of the scaled objective. */
  readonly loss: number;
  /** Threads that evaluated the objective. */
  readonly threads: number;
}

/**
 * Options for {@link fitLogisticRegression} beyond the classifier's own.
 *
 * @example
 * ```ts
 * const hooks: FitHooks = { onIteration: (iteration, loss) => iteration < 50 };
 * fitLogisticRegression(matrix, y, 2, resolveClassifierOptions(), hooks);
 * ```
 */
export interface FitHooks {
  /**
   * Spreads binomial loss evaluations over threads (the Node entry supplies one backed by worker
   * threads). Results equal the single-thread ones up to the order of floating-point sums.
   */
  parallel?: ParallelLossFactory;
  /** Weight of each class (by class index); 1 when omitted. */
  classWeights?: Float64Array;
  /** Called after each L-BFGS iteration; return `false` to stop early. */
  onIteration?: (iteration: number, loss: number) => boolean | void;
}

/**
 * Fits a logistic-regression classifier (L2, L-BFGS, as scikit-learn's `LogisticRegression(solver="lbfgs")`)
 * on the rows of `x` with class indices `y` (0 … classes−1). A module of its own, so that reading
 * and applying a fitted model does not bring the optimizer along.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when fewer than two classes occur.
 *
 * @example
 * ```ts
 * const { classifier, report } = fitLogisticRegression(matrix, Int32Array.from([0, 1, 1]), 2, resolveClassifierOptions({ C: 4 }));
 * ```
 */
export function fitLogisticRegression(
  x: CsrMatrix,
  y: Int32Array,
  classes: number,
  options: ResolvedClassifierOptions,
  hooks: FitHooks = {},
): { classifier: LogisticRegression; report: FitReport } {
  if (y.length !== x.rows) {
    throw SentiMlopsError.invalidParameterValue(`got ${y.length} labels for ${x.rows} rows`, { component: "tfidf" });
  }
  const present = new Set(y);
  if (classes < 2 || present.size < 2) {
    throw SentiMlopsError.invalidParameterValue(
      `training data needs at least two classes, found ${present.size}`,
      { component: "tfidf" },
    );
  }
  const { rows, cols: features, indptr, indices, data } = x;
  const width = classes === 2 ? 1 : classes;
  const intercept = options.fitIntercept;
  const nw = features * width;
  const weight = new Float64Array(rows);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    weight[i] = hooks.classWeights ? hooks.classWeights[y[i]!]! : 1;
    total += weight[i]!;
  }
  const l2 = 1 / (options.C * total);
  const problem: BinomialProblem = { rows, indptr, indices, data, y, weight };
  const single = { evaluate: (p: Float64Array, b: number, g: Float64Array) => binomialLoss(problem, p, b, g), threads: 1 };
  const shards = width === 1 ? hooks.parallel?.(problem, features) : undefined;
  const z = new Float64Array(width);
  const r = new Float64Array(width);
  // With nbScaling the optimizer works on w and the model's weights are w · scale (the penalty is
  // on w): the loss below is evaluated at the model's weights and its gradient scaled back to w.
  const scale = options.nbScaling ? nbLogCountRatios(x, y, classes, options.nbAlpha, hooks.classWeights ? weight : undefined) : null;
  const scaled = scale ? new Float64Array(nw + (intercept ? width : 0)) : null;

  const objective = (w: Float64Array, grad: Float64Array): number => {
    let params = w;
    if (scale) {
      for (let j = 0; j < nw; j++) scaled![j] = w[j]! * scale[j]!;
      for (let j = nw; j < w.length; j++) scaled![j] = w[j]!;
      params = scaled!;
    }
    grad.fill(0);
    let loss = 0;
    if (width === 1) {
      const r = (shards ?? single).evaluate(params, intercept ? params[nw]! : 0, grad);
      loss = r.loss;
      if (intercept) grad[nw] = r.biasGrad;
    } else for (let i = 0; i < rows; i++) {
      const start = indptr[i]!;
      const end = indptr[i + 1]!;
      const s = weight[i]!;
      const label = y[i]!;
      for (let c = 0; c < width; c++) z[c] = intercept ? params[nw + c]! : 0;
      for (let k = start; k < end; k++) {
        const v = data[k]!;
        const base = indices[k]! * width;
        for (let c = 0; c < width; c++) z[c]! += v * params[base + c]!;
      }
      let max = -Infinity;
      for (let c = 0; c < width; c++) if (z[c]! > max) max = z[c]!;
      let sum = 0;
      for (let c = 0; c < width; c++) sum += exp(z[c]! - max);
      const lse = max + log(sum);
      loss += s * (lse - z[label]!);
      for (let c = 0; c < width; c++) r[c] = s * (exp(z[c]! - lse) - (c === label ? 1 : 0));
      for (let k = start; k < end; k++) {
        const v = data[k]!;
        const base = indices[k]! * width;
        for (let c = 0; c < width; c++) grad[base + c]! += v * r[c]!;
      }
      if (intercept) for (let c = 0; c < width; c++) grad[nw + c]! += r[c]!;
    }
    let penalty = 0;
    for (let j = 0; j < nw; j++) {
      const wj = w[j]!;
      penalty += wj * wj;
      grad[j] = (scale ? grad[j]! * scale[j]! : grad[j]!) / total + l2 * wj;
    }
    if (intercept) for (let c = 0; c < width; c++) grad[nw + c]! /= total;
    return loss / total + 0.5 * l2 * penalty;
  };

  let result: LbfgsResult;
  try {
    result = minimizeLbfgs(objective, new Float64Array(nw + (intercept ? width : 0)), {
      maxIter: options.maxIter,
      gtol: options.tol,
      onIteration: hooks.onIteration ? (it, f) => hooks.onIteration!(it, f) : undefined,
    });
  } finally {
    shards?.close();
  }
  const classifier = new LogisticRegression({
    options,
    classes,
    features,
    coef: scale ? result.x.slice(0, nw).map((v, j) => v * scale[j]!) : result.x.slice(0, nw),
    intercept: intercept ? result.x.slice(nw) : new Float64Array(width),
  });
  const report: FitReport = {
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: result.converged,
    reason: result.reason,
    loss: result.f,
    threads: shards?.threads ?? 1,
  };
  return { classifier, report };
}
