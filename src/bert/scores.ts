/**
 * From logits to probabilities: softmax across labels for single-label classifiers, an independent
 * sigmoid per label for multi-label ones (`problem_type: "multi_label_classification"`).
 *
 * @module
 */

/**
 * Probabilities of one logits row, computed in double precision.
 *
 * @example
 * ```ts
 * scoresOf([-2.46, 2.28], "softmax"); // [0.0087, 0.9913]
 * scoresOf([0, 2], "sigmoid"); // [0.5, 0.8808]
 * ```
 */
export function scoresOf(logits: ArrayLike<number>, activation: "softmax" | "sigmoid"): number[] {
  const n = logits.length;
  const out = new Array<number>(n);
  if (activation === "sigmoid") {
    for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-logits[i]!));
    return out;
  }
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    out[i] = Math.exp(logits[i]! - max);
    sum += out[i]!;
  }
  for (let i = 0; i < n; i++) out[i] = out[i]! / sum;
  return out;
}
