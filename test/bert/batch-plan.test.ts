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
