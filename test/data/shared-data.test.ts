/**
 * Reads the project's shared data sets (`../shared/data`, beside the repository). Needs them present;
 * they are read in place, never copied.
 */
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readCsv, type LabeledText } from "../../src/entries/data.js";

const SHARED = resolve(import.meta.dirname, "../../../shared/data");

async function countLabels(rows: AsyncIterable<LabeledText>): Promise<{ total: number; byLabel: Record<string, number> }> {
  const byLabel: Record<string, number> = {};
  let total = 0;
  for await (const { text, label } of rows) {
    expect(typeof text).toBe("string");
    byLabel[label] = (byLabel[label] ?? 0) + 1;
    total++;
  }
  return { total, byLabel };
}

describe("shared data sets", () => {
  it("reads SST-2 dev: 872 rows, 428 negative, 444 positive", async () => {
    expect(await countLabels(readCsv(join(SHARED, "sst2/dev.csv")))).toEqual({ total: 872, byLabel: { 0: 428, 1: 444 } });
  });

  it("reads IMDB test: 25,000 rows, half of each label", async () => {
    expect(await countLabels(readCsv(join(SHARED, "imdb/test.csv")))).toEqual({ total: 25_000, byLabel: { 0: 12_500, 1: 12_500 } });
  });
});
