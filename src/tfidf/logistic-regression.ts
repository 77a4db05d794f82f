/**
 * L2-regularized logistic regression on sparse rows, fitted by L-BFGS.
 *
 * Minimizes the objective scikit-learn's `LogisticRegression(solver="lbfgs")` minimizes, scaled the
 * same way: mean(sᵢ · loss(xᵢ)) + ‖W‖² / (2 · C · Σsᵢ), with an unpenalized intercept and class
 * weights folded into the sample weights sᵢ. Two classes use one weight vector (binomial); more use
 * one per class (multinomial, softmax). Weights are stored feature-major: W[j·k + c].
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import type { CsrMatrix } from "./csr.js";
import { minimizeLbfgs, type LbfgsResult } from "./lbfgs.js";
import { binomialLoss, sigmoid, type BinomialProblem } from "./kernels.js";
import type { ResolvedClassifierOptions } from "./options.js";
import type { ParallelLossFactory } from "./parallel.js";

/** Serializable state of a fitted classifier. */
export interface LogisticRegressionState {
  readonly options: ResolvedClassifierOptions;
  /** Number of classes (≥ 2). */
  readonly classes: number;
  /** Number of features. */
  readonly features: number;
  /** Weights, feature-major: `features × (classes === 2 ? 1 : classes)`. */
  readonly coef: Float64Array;
  /** Intercepts, one per weight column. */
  readonly intercept: Float64Array;
}

/** How the optimizer ended. */
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

/** Options for {@link LogisticRegression.fit} beyond the classifier's own. */
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
 * A fitted logistic-regression classifier.
 *
 * @example
 * ```ts
 * const { classifier } = LogisticRegression.fit(matrix, Int32Array.from([0, 1, 1]), 2, resolveClassifierOptions({ C: 4 }));
 * classifier.predictProba(matrix); // Float64Array of rows × 2 probabilities
 * ```
 */
export class LogisticRegression implements LogisticRegressionState {
  readonly options: ResolvedClassifierOptions;
  readonly classes: number;
  readonly features: number;
  readonly coef: Float64Array;
  readonly intercept: Float64Array;

  constructor(state: LogisticRegressionState) {
    const width = state.classes === 2 ? 1 : state.classes;
    if (state.coef.length !== state.features * width || state.intercept.length !== width) {
      throw SentiMlopsError.invalidParameterValue(
        `classifier weights do not fit ${state.features} features × ${state.classes} classes`,
        { component: "tfidf" },
      );
    }
    this.options = state.options;
    this.classes = state.classes;
    this.features = state.features;
    this.coef = state.coef;
    this.intercept = state.intercept;
  }

  /**
   * Fits on the rows of `x` with class indices `y` (0 … classes−1).
   *
   * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when fewer than two classes occur.
   */
  static fit(
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

    const objective = (params: Float64Array, grad: Float64Array): number => {
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
        for (let c = 0; c < width; c++) sum += Math.exp(z[c]! - max);
        const lse = max + Math.log(sum);
        loss += s * (lse - z[label]!);
        for (let c = 0; c < width; c++) r[c] = s * (Math.exp(z[c]! - lse) - (c === label ? 1 : 0));
        for (let k = start; k < end; k++) {
          const v = data[k]!;
          const base = indices[k]! * width;
          for (let c = 0; c < width; c++) grad[base + c]! += v * r[c]!;
        }
        if (intercept) for (let c = 0; c < width; c++) grad[nw + c]! += r[c]!;
      }
      let penalty = 0;
      for (let j = 0; j < nw; j++) {
        const w = params[j]!;
        penalty += w * w;
        grad[j] = grad[j]! / total + l2 * w;
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
      coef: result.x.slice(0, nw),
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

  /**
   * Writes the class probabilities of one sparse row into `out[at .. at+classes)`.
   */
  probabilitiesOfRow(indices: Int32Array, data: Float64Array, start: number, end: number, out: Float64Array, at: number): void {
    const coef = this.coef;
    if (this.classes === 2) {
      let z = this.intercept[0]!;
      for (let k = start; k < end; k++) z += data[k]! * coef[indices[k]!]!;
      const p = sigmoid(z);
      out[at] = 1 - p;
      out[at + 1] = p;
      return;
    }
    const width = this.classes;
    let max = -Infinity;
    for (let c = 0; c < width; c++) out[at + c] = this.intercept[c]!;
    for (let k = start; k < end; k++) {
      const v = data[k]!;
      const base = indices[k]! * width;
      for (let c = 0; c < width; c++) out[at + c]! += v * coef[base + c]!;
    }
    for (let c = 0; c < width; c++) if (out[at + c]! > max) max = out[at + c]!;
    let sum = 0;
    for (let c = 0; c < width; c++) sum += out[at + c] = Math.exp(out[at + c]! - max);
    for (let c = 0; c < width; c++) out[at + c]! /= sum;
  }

  /** Class probabilities of every row of `x`, row-major (`rows × classes`). */
  predictProba(x: CsrMatrix): Float64Array {
    const out = new Float64Array(x.rows * this.classes);
    for (let i = 0; i < x.rows; i++) {
      this.probabilitiesOfRow(x.indices, x.data, x.indptr[i]!, x.indptr[i + 1]!, out, i * this.classes);
    }
    return out;
  }
}
