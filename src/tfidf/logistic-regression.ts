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
import { exp } from "../evaluation/deterministic-math.js";
import type { CsrMatrix } from "./csr.js";
import { binomialLoss, sigmoid, type BinomialProblem } from "./kernels.js";
import type { ResolvedClassifierOptions } from "./options.js";

/**
 * Serializable state of a fitted classifier.
 *
 * @example
 * ```ts
 * const state: LogisticRegressionState = {
 *   options: resolveClassifierOptions(), classes: 2, features: 3,
 *   coef: Float64Array.of(0.5, -1.2, 0.8), intercept: Float64Array.of(0.1),
 * };
 * const classifier = new LogisticRegression(state);
 * ```
 */
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



/**
 * A fitted logistic-regression classifier.
 *
 * @example
 * ```ts
 * const { classifier } = fitLogisticRegression(matrix, Int32Array.from([0, 1, 1]), 2, resolveClassifierOptions({ C: 4 }));
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
   * Writes the class probabilities of one sparse row into `out[at .. at+classes)`.
   *
   * `weights`, `stride` and `offset` let a caller pass the coefficients interleaved with its own
   * per-feature numbers: feature j's weights are `weights[j * stride + offset ..]` (one for two
   * classes, `classes` otherwise); by default `coef` itself.
   *
   * @example
   * ```ts
   * const out = new Float64Array(2);
   * classifier.probabilitiesOfRow(Int32Array.of(0, 2), Float64Array.of(0.6, 0.8), 0, 2, out, 0);
   * ```
   */
  probabilitiesOfRow(
    indices: Int32Array,
    data: Float64Array,
    start: number,
    end: number,
    out: Float64Array,
    at: number,
    weights: Float64Array = this.coef,
    stride: number = this.classes === 2 ? 1 : this.classes,
    offset = 0,
  ): void {
    if (this.classes === 2) {
      let z = this.intercept[0]!;
      for (let k = start; k < end; k++) z += data[k]! * weights[indices[k]! * stride + offset]!;
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
      const base = indices[k]! * stride + offset;
      for (let c = 0; c < width; c++) out[at + c]! += v * weights[base + c]!;
    }
    for (let c = 0; c < width; c++) if (out[at + c]! > max) max = out[at + c]!;
    let sum = 0;
    for (let c = 0; c < width; c++) sum += out[at + c] = exp(out[at + c]! - max);
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
