/** planBatches: every input once, sorted by length, within both limits. */
import { describe, expect, it } from "vitest";
import { planBatches } from "../../src/entries/bert.js";

describe("planBatches", () => {
  const lengths = Array.from({ length: 200 }, (_, i) => 3 + ((i * 37) % 97));

  for (const limits of [
    { maxBatchSize: 1, maxTokensPerBatch: 10_000 },
    { maxBatchSize: 7, maxTokensPerBatch: 10_000 },
    { maxBatchSize: 64, maxTokensPerBatch: 300 },
    { maxBatchSize: 64, maxTokensPerBatch: 50 },
  ]) {
    it(`covers every input once and keeps the limits (${JSON.stringify(limits)})`, () => {
      const batches = planBatches(lengths, limits);
      expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
      const flat = batches.flat();
      for (let i = 1; i < flat.length; i++) expect(lengths[flat[i]!]!).toBeGreaterThanOrEqual(lengths[flat[i - 1]!]!);
      for (const batch of batches) {
        expect(batch.length).toBeLessThanOrEqual(limits.maxBatchSize);
        const longest = Math.max(...batch.map((i) => lengths[i]!));
        // A single input longer than the token limit runs alone.
        if (batch.length > 1) expect(batch.length * longest).toBeLessThanOrEqual(limits.maxTokensPerBatch);
      }
    });
  }

  it("plans nothing for no inputs", () => {
    expect(planBatches([], { maxBatchSize: 4, maxTokensPerBatch: 100 })).toEqual([]);
  });
});

describe("planBatches with callCostTokens (cheapest cuts)", () => {
  /** Padded tokens plus the call cost of each batch. */
  const costOf = (batches: number[][], lengths: number[], callCost: number) =>
    batches.reduce((sum, b) => sum + b.length * Math.max(...b.map((i) => lengths[i]!)) + callCost, 0);

  /** The cheapest plan by brute force over every way to cut the sorted inputs. */
  function bruteForce(lengths: number[], limits: { maxBatchSize: number; maxTokensPerBatch: number }, callCost: number): number {
    const sorted = [...lengths].sort((a, b) => a - b);
    let best = Infinity;
    for (let mask = 0; mask < 1 << Math.max(0, sorted.length - 1); mask++) {
      let cost = 0;
      let start = 0;
      let ok = true;
      for (let i = 1; i <= sorted.length; i++) {
        if (i === sorted.length || mask & (1 << (i - 1))) {
          const size = i - start;
          if (size > limits.maxBatchSize || (size > 1 && size * sorted[i - 1]! > limits.maxTokensPerBatch)) ok = false;
          cost += size * sorted[i - 1]! + callCost;
          start = i;
        }
      }
      if (ok) best = Math.min(best, cost);
    }
    return best;
  }

  it("finds the cheapest cuts within the limits, covering every input once, in length order", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 60; trial++) {
      const lengths = Array.from({ length: 1 + Math.floor(random() * 11) }, () => 4 * (1 + Math.floor(random() * 14)));
      const limits = { maxBatchSize: 1 + Math.floor(random() * 6), maxTokensPerBatch: 40 + Math.floor(random() * 200) };
      const callCost = [0, 2, 4, 16, 64][trial % 5]!;
      const batches = planBatches(lengths, { ...limits, callCostTokens: callCost });
      expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
      const flat = batches.flat();
      for (let i = 1; i < flat.length; i++) expect(lengths[flat[i]!]!).toBeGreaterThanOrEqual(lengths[flat[i - 1]!]!);
      for (const batch of batches) {
        expect(batch.length).toBeLessThanOrEqual(limits.maxBatchSize);
        if (batch.length > 1) expect(batch.length * Math.max(...batch.map((i) => lengths[i]!))).toBeLessThanOrEqual(limits.maxTokensPerBatch);
      }
      expect(costOf(batches, lengths, callCost)).toBe(bruteForce(lengths, limits, callCost));
    }
  });

  it("runs a long input apart rather than pad short ones, and keeps equal lengths together", () => {
    const lengths = [8, 8, 8, 12, 12, 12, 40];
    expect(planBatches(lengths, { maxBatchSize: 8, maxTokensPerBatch: 1000, callCostTokens: 4 })).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(planBatches(lengths, { maxBatchSize: 8, maxTokensPerBatch: 1000 })).toEqual([[0, 1, 2, 3, 4, 5, 6]]);
    expect(planBatches(lengths, { maxBatchSize: 8, maxTokensPerBatch: 1000, callCostTokens: Infinity })).toEqual([[0, 1, 2, 3, 4, 5, 6]]);
  });
});
