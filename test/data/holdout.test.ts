import { describe, expect, it } from "vitest";
import { holdoutSplit, isHeldOut } from "../../src/entries/data.js";

const rows = Array.from({ length: 5000 }, (_, i) => ({ text: `review number ${i} with some words`, label: i % 2 }));

describe("holdoutSplit", () => {
  it("holds out about the fraction, by text alone: reordering or growing the data keeps every text on its side", () => {
    const { train, heldOut } = holdoutSplit(rows, { fraction: 0.2, seed: 42 });
    expect(train.length + heldOut.length).toBe(rows.length);
    expect(heldOut.length / rows.length).toBeGreaterThan(0.18);
    expect(heldOut.length / rows.length).toBeLessThan(0.22);
    const held = new Set(heldOut.map((r) => r.text));
    const reordered = holdoutSplit([...rows].reverse().concat({ text: "a new review", label: 1 }), { fraction: 0.2, seed: 42 });
    expect(new Set(reordered.heldOut.map((r) => r.text).filter((t) => t !== "a new review"))).toEqual(held);
    expect(heldOut.every((r) => isHeldOut(r.text, { fraction: 0.2, seed: 42 }))).toBe(true);
  });

  it("another seed holds out other texts; duplicates stay together", () => {
    const a = new Set(holdoutSplit(rows, { fraction: 0.2, seed: 1 }).heldOut.map((r) => r.text));
    const b = new Set(holdoutSplit(rows, { fraction: 0.2, seed: 2 }).heldOut.map((r) => r.text));
    const shared = [...a].filter((t) => b.has(t)).length;
    expect(shared / a.size).toBeLessThan(0.35);
    const dup = holdoutSplit([...rows, ...rows], { fraction: 0.2, seed: 1 });
    expect(dup.heldOut.length).toBe(2 * a.size);
  });

  it("refuses a fraction outside (0, 1), a fractional seed, and splits that leave a side empty", () => {
    expect(() => holdoutSplit(rows, { fraction: 1 })).toThrow(/between 0 and 1/);
    expect(() => holdoutSplit(rows, { fraction: 0.2, seed: 1.5 })).toThrow(/integer/);
    expect(() => holdoutSplit(rows.slice(0, 1), { fraction: 0.5 })).toThrow(/both need at least one/);
  });
});
