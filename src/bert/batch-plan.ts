/**
 * Length-bucketed batching: inputs sorted by token count and cut into batches, so each batch is
 * padded to its own longest input rather than the longest of all.
 *
 * @module
 */

/**
 * Limits of one batch, and what a batch costs beyond its padded tokens.
 *
 * @example
 * ```ts
 * const limits: BatchLimits = { maxBatchSize: 32, maxTokensPerBatch: 8192, callCostTokens: 4 };
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
  /**
   * What one batch costs on top of its padded tokens, counted in tokens (the runtime's fixed cost
   * of a call over its cost per token). Finite: batches are cut to minimise padded tokens plus this
   * per batch, so a long input does not pad shorter ones when a call of its own costs less.
   * Infinity (or absent): as few batches as the limits allow.
   */
  readonly callCostTokens?: number;
}

/** Greedy: sorted inputs fill each batch up to the limits. */
function fewestBatches(order: readonly number[], lengths: readonly number[], limits: BatchLimits): number[][] {
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

/**
 * Cheapest cuts of the sorted inputs into consecutive batches: cost(batch) = size × longest +
 * `callCost`, within the limits (dynamic programming, O(inputs × maxBatchSize)). Among equally
 * cheap plans, the one with fewer batches.
 */
function cheapestBatches(order: readonly number[], lengths: readonly number[], limits: BatchLimits, callCost: number): number[][] {
  const n = order.length;
  const cost = new Float64Array(n + 1).fill(Infinity);
  const count = new Int32Array(n + 1);
  const start = new Int32Array(n + 1);
  cost[0] = 0;
  for (let end = 1; end <= n; end++) {
    const longest = lengths[order[end - 1]!]!;
    for (let size = 1; size <= Math.min(limits.maxBatchSize, end); size++) {
      if (size > 1 && size * longest > limits.maxTokensPerBatch) break;
      const from = end - size;
      const total = cost[from]! + size * longest + callCost;
      if (total < cost[end]! || (total === cost[end]! && count[from]! + 1 < count[end]!)) {
        cost[end] = total;
        count[end] = count[from]! + 1;
        start[end] = from;
      }
    }
  }
  const batches: number[][] = [];
  for (let end = n; end > 0; end = start[end]!) batches.push(order.slice(start[end]!, end));
  return batches.reverse();
}

/**
 * Plans batches for inputs of the given token counts: indices sorted by length (ties in input
 * order), then cut into consecutive batches within both limits. Without a finite
 * `limits.callCostTokens`, each batch is filled until the next input would exceed a limit; with
 * one, the cuts minimise the padded tokens plus `callCostTokens` per batch. Every index appears in
 * exactly one batch.
 *
 * @example
 * ```ts
 * planBatches([5, 50, 7, 6], { maxBatchSize: 2, maxTokensPerBatch: 1000 }); // [[0, 3], [2, 1]]
 * planBatches([5, 50, 7, 6], { maxBatchSize: 8, maxTokensPerBatch: 24 }); // [[0, 3, 2], [1]]
 * planBatches([5, 50, 7, 6], { maxBatchSize: 8, maxTokensPerBatch: 1000, callCostTokens: 4 }); // [[0, 3, 2], [1]]
 * ```
 */
export function planBatches(lengths: readonly number[], limits: BatchLimits): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const callCost = limits.callCostTokens;
  return callCost !== undefined && Number.isFinite(callCost) ? cheapestBatches(order, lengths, limits, callCost) : fewestBatches(order, lengths, limits);
}
