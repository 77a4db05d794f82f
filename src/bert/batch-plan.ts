/**
 * Length-bucketed batching: inputs sorted by token count and cut into batches, so each batch is
 * padded to its own longest input rather than the longest of all.
 *
 * @module
 */

/**
 * Limits of one batch.
 *
 * @example
 * ```ts
 * const limits: BatchLimits = { maxBatchSize: 32, maxTokensPerBatch: 8192 };
 * ```
 */
export interface BatchLimits {
  /** Inputs per batch at most. */
  readonly maxBatchSize: number;
  /**
   * Padded tokens per batch at most (batch size × longest input). An input longer than this still
   * runs, alone.
   */
  readonly maxTokensPerBatch: number;
}

/**
 * Plans batches for inputs of the given token counts: indices sorted by length (ties in input
 * order), then cut greedily whenever the next input would exceed either limit. Every index appears
 * in exactly one batch.
 *
 * @example
 * ```ts
 * planBatches([5, 50, 7, 6], { maxBatchSize: 2, maxTokensPerBatch: 1000 }); // [[0, 3], [2, 1]]
 * planBatches([5, 50, 7, 6], { maxBatchSize: 8, maxTokensPerBatch: 24 }); // [[0, 3, 2], [1]]
 * ```
 */
export function planBatches(lengths: readonly number[], limits: BatchLimits): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const index of order) {
    // Sorted ascending, so this input is the longest of the batch it joins.
    const padded = (current.length + 1) * lengths[index]!;
    if (current.length > 0 && (current.length >= limits.maxBatchSize || padded > limits.maxTokensPerBatch)) {
      batches.push(current);
      current = [];
    }
    current.push(index);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
