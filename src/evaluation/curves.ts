/**
 * The ROC and precision-recall curves of a binary classifier's scores, with scikit-learn's
 * definitions (`roc_curve`, `precision_recall_curve`, `average_precision_score`): one point per
 * distinct score, thresholds from the highest score down.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";

/**
 * A curve as parallel arrays: point `i` is `(x[i], y[i])`, reached by predicting positive every
 * example scoring at least `thresholds[i]`.
 *
 * @example
 * ```ts
 * const roc: Curve = rocCurve([true, false], [0.9, 0.2]);
 * roc.x; // false positive rates [0, 0, 1]
 * roc.y; // true positive rates  [0, 1, 1]
 * ```
 */
export interface Curve {
  /** The x coordinate of each point (ROC: false positive rate; precision-recall: recall). */
  readonly x: readonly number[];
  /** The y coordinate of each point (ROC: true positive rate; precision-recall: precision). */
  readonly y: readonly number[];
  /** The score at which each point starts (`Infinity` for the ROC curve's first point, (0, 0)). */
  readonly thresholds: readonly number[];
}

/** True and false positives at each distinct score, from the highest down. */
function cumulativeCounts(positive: ArrayLike<boolean>, score: ArrayLike<number>): { tp: number[]; fp: number[]; thresholds: number[]; pos: number; neg: number } {
  const n = score.length;
  if (positive.length !== n) {
    throw SentiMlopsError.invalidParameterValue(`positive has ${positive.length} entries, score ${n}`, { component: "evaluation" });
  }
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(score[i])) throw SentiMlopsError.invalidParameterValue(`score[${i}] is NaN`, { component: "evaluation" });
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  const tp: number[] = [];
  const fp: number[] = [];
  const thresholds: number[] = [];
  let t = 0;
  let f = 0;
  for (let i = 0; i < n; i++) {
    if (positive[order[i]!]) t++;
    else f++;
    if (i + 1 === n || score[order[i + 1]!] !== score[order[i]!]) {
      tp.push(t);
      fp.push(f);
      thresholds.push(score[order[i]!]!);
    }
  }
  return { tp, fp, thresholds, pos: t, neg: f };
}

/**
 * The ROC curve: false positive rate (x) against true positive rate (y), starting at (0, 0).
 * A rate whose denominator is 0 (no positives or no negatives) is 0 throughout.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when the arrays differ in length or a score is NaN.
 *
 * @example
 * ```ts
 * rocCurve([false, false, true, true], [0.1, 0.4, 0.35, 0.8]);
 * // x: [0, 0, 0.5, 0.5, 1], y: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1]
 * ```
 */
export function rocCurve(positive: ArrayLike<boolean>, score: ArrayLike<number>): Curve {
  const { tp, fp, thresholds, pos, neg } = cumulativeCounts(positive, score);
  return {
    x: [0, ...fp.map((f) => (neg === 0 ? 0 : f / neg))],
    y: [0, ...tp.map((t) => (pos === 0 ? 0 : t / pos))],
    thresholds: [Infinity, ...thresholds],
  };
}

/**
 * A precision-recall curve with its average precision.
 *
 * @example
 * ```ts
 * const { curve, averagePrecision }: PrecisionRecall = precisionRecallCurve([false, true], [0.2, 0.9]);
 * averagePrecision; // 1
 * ```
 */
export interface PrecisionRecall {
  /** Recall (x) against precision (y), from the highest threshold down. */
  readonly curve: Curve;
  /**
   * Σ (Rₙ − Rₙ₋₁) Pₙ over the thresholds, as scikit-learn's `average_precision_score` (and
   * MLflow's `precision_recall_auc`); NaN without positives.
   */
  readonly averagePrecision: number;
}

/**
 * The precision-recall curve: recall (x) against precision (y) at each distinct score from the
 * highest down, and the average precision.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when the arrays differ in length or a score is NaN.
 *
 * @example
 * ```ts
 * const { curve, averagePrecision } = precisionRecallCurve([false, false, true, true], [0.1, 0.4, 0.35, 0.8]);
 * curve.x; // recall    [0.5, 0.5, 1, 1]
 * curve.y; // precision [1, 0.5, 0.667, 0.5]
 * averagePrecision; // 0.8333 (scikit-learn: 0.8333)
 * ```
 */
export function precisionRecallCurve(positive: ArrayLike<boolean>, score: ArrayLike<number>): PrecisionRecall {
  const { tp, fp, thresholds, pos } = cumulativeCounts(positive, score);
  const x = tp.map((t) => (pos === 0 ? 0 : t / pos));
  const y = tp.map((t, i) => (t + fp[i]! === 0 ? 1 : t / (t + fp[i]!)));
  let ap = 0;
  let before = 0;
  for (let i = 0; i < x.length; i++) {
    ap += (x[i]! - before) * y[i]!;
    before = x[i]!;
  }
  return { curve: { x, y, thresholds }, averagePrecision: pos === 0 ? NaN : ap };
}
