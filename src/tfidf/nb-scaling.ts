/**
 * Naive-Bayes log-count ratios, the feature scales of NB-LR (Wang & Manning, "Baselines and
 * Bigrams", 2012). Written here because it is a few lines over the CSR matrix the fit already
 * holds; no JavaScript library computes it on sparse typed arrays.
 *
 * @module
 */
import { log } from "../evaluation/deterministic-math.js";
import type { CsrMatrix } from "./csr.js";

/**
 * The log-count ratio of every feature, laid out like the classifier's weights (feature-major,
 * `features × width`, width 1 for two classes, else the number of classes).
 *
 * For class c: p = α + Σ over rows of class c of the row's values (times the row's weight), q the
 * same over the other rows, r = ln((p / ‖p‖₁) / (q / ‖q‖₁)). With two classes the one column is
 * class 1 against class 0.
 *
 * @example
 * ```ts
 * // Two rows, two features: feature 0 only in the negative row, feature 1 only in the positive one.
 * const x = { rows: 2, cols: 2, indptr: Int32Array.of(0, 1, 2), indices: Int32Array.of(0, 1), data: Float64Array.of(1, 1) };
 * nbLogCountRatios(x, Int32Array.of(0, 1), 2, 1); // Float64Array [ln(1/2), ln(2)]
 * ```
 */
export function nbLogCountRatios(
  x: CsrMatrix,
  y: Int32Array,
  classes: number,
  alpha: number,
  weight?: Float64Array,
): Float64Array {
  const { rows, cols, indptr, indices, data } = x;
  // sums[j·classes + c]: the feature's values summed over the rows of class c.
  const sums = new Float64Array(cols * classes);
  for (let i = 0; i < rows; i++) {
    const c = y[i]!;
    const s = weight ? weight[i]! : 1;
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) sums[indices[k]! * classes + c]! += s * data[k]!;
  }
  const width = classes === 2 ? 1 : classes;
  const all = new Float64Array(cols);
  const classTotal = new Float64Array(classes);
  for (let j = 0; j < cols; j++) {
    for (let c = 0; c < classes; c++) {
      const v = sums[j * classes + c]!;
      all[j]! += v;
      classTotal[c]! += v;
    }
  }
  let grand = 0;
  for (let c = 0; c < classes; c++) grand += classTotal[c]!;
  const out = new Float64Array(cols * width);
  for (let col = 0; col < width; col++) {
    // The positive side: class 1 for two classes, class `col` otherwise; the negative side: the rest.
    const c = classes === 2 ? 1 : col;
    const pNorm = classTotal[c]! + alpha * cols;
    const qNorm = grand - classTotal[c]! + alpha * cols;
    for (let j = 0; j < cols; j++) {
      const p = alpha + sums[j * classes + c]!;
      const q = alpha + all[j]! - sums[j * classes + c]!;
      out[j * width + col] = log(p / pNorm) - log(q / qNorm);
    }
  }
  return out;
}
