/**
 * Classification metrics, with scikit-learn's definitions: binary metrics are about the second
 * label (the positive class); with more classes, precision/recall/F1 and ROC AUC are macro averages
 * (one-vs-rest for AUC).
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import { log } from "./deterministic-math.js";

/**
 * Metrics of a classifier on labeled data.
 *
 * @example
 * ```ts
 * const m: ClassificationMetrics = classificationMetrics([0, 1], Float64Array.of(0.9, 0.1, 0.2, 0.8), ["Negative", "Positive"]);
 * m.accuracy; // 1
 * m.confusionMatrix; // [[1, 0], [0, 1]]
 * ```
 */
export interface ClassificationMetrics {
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Area under the ROC curve; NaN when only one class is present. */
  readonly rocAuc: number;
  /** Mean negative log-likelihood (probabilities clipped to [ε, 1−ε]). */
  readonly logLoss: number;
  /** `confusionMatrix[true][predicted]`, in label order. */
  readonly confusionMatrix: number[][];
  readonly labels: readonly string[];
  /** Number of examples. */
  readonly support: number;
}

/**
 * ROC AUC of scores for a binary target, ties counted half (the Mann–Whitney statistic).
 *
 * @example
 * ```ts
 * rocAuc([true, false, true], [0.9, 0.4, 0.4]); // 0.75
 * ```
 */
export function rocAuc(positive: ArrayLike<boolean>, score: ArrayLike<number>): number {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]!] === score[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (positive[order[k]!]) {
        pos++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Computes {@link ClassificationMetrics} from true class indices and predicted probabilities.
 *
 * @param truth class index of each example
 * @param proba row-major probabilities, `truth.length × labels.length`
 *
 * @example
 * ```ts
 * classificationMetrics([0, 1], Float64Array.of(0.9, 0.1, 0.2, 0.8), ["Negative", "Positive"]).accuracy; // 1
 * ```
 */
export function classificationMetrics(
  truth: ArrayLike<number>,
  proba: ArrayLike<number>,
  labels: readonly string[],
): ClassificationMetrics {
  const k = labels.length;
  const n = truth.length;
  if (proba.length !== n * k) {
    throw SentiMlopsError.invalidParameterValue(`expected ${n * k} probabilities for ${n} examples × ${k} labels, got ${proba.length}`, { component: "evaluation" });
  }
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const eps = Number.EPSILON;
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[i * k + c]! > proba[i * k + best]!) best = c;
    const t = truth[i]!;
    confusion[t]![best]!++;
    if (best === t) correct++;
    // Renormalize after clipping, as scikit-learn's log_loss does.
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.min(Math.max(proba[i * k + c]!, eps), 1 - eps);
    loss -= log(Math.min(Math.max(proba[i * k + t]!, eps), 1 - eps) / sum);
  }
  const classPrf = (c: number): [number, number, number] => {
    let tp = confusion[c]![c]!;
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < k; j++) {
      predicted += confusion[j]![c]!;
      actual += confusion[c]![j]!;
    }
    const p = predicted === 0 ? 0 : tp / predicted;
    const r = actual === 0 ? 0 : tp / actual;
    tp = p + r === 0 ? 0 : (2 * p * r) / (p + r);
    return [p, r, tp];
  };
  const aucOf = (c: number): number =>
    rocAuc(
      Array.from({ length: n }, (_, i) => truth[i] === c),
      Array.from({ length: n }, (_, i) => proba[i * k + c]!),
    );
  let precision: number, recall: number, f1: number, auc: number;
  if (k === 2) {
    [precision, recall, f1] = classPrf(1);
    auc = aucOf(1);
  } else {
    precision = recall = f1 = auc = 0;
    for (let c = 0; c < k; c++) {
      const [p, r, f] = classPrf(c);
      precision += p / k;
      recall += r / k;
      f1 += f / k;
      auc += aucOf(c) / k;
    }
  }
  return {
    accuracy: n === 0 ? NaN : correct / n,
    precision,
    recall,
    f1,
    rocAuc: auc,
    logLoss: n === 0 ? NaN : loss / n,
    confusionMatrix: confusion,
    labels,
    support: n,
  };
}
