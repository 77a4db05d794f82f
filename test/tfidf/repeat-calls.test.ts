/**
 * The vectorizer keeps its per-column scratch between calls (allocating it per call made one-review
 * predictions cost ~0.7 ms on an IMDB bigram model): results must not depend on what was
 * vectorized before, and a call made from inside another call's visitor must not disturb it.
 */
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { trainTfidf, type TfidfModel } from "../../src/entries/tfidf.js";
import { dataFile } from "../peers/sklearn.js";

const rows = (parse(readFileSync(dataFile("rt-polarity/train.csv")), { columns: true }) as { text: string; label: string }[]).map((r) => ({
  text: r.text,
  label: Number(r.label),
}));
let model: TfidfModel;
beforeAll(async () => {
  ({ model } = await trainTfidf(rows.slice(0, 3000), { ngramRange: [1, 2] }));
});

describe("TfidfVectorizer across calls", () => {
  it("gives the same rows whatever was vectorized before, one text at a time or in a batch", () => {
    const texts = rows.slice(3000, 3200).map((r) => r.text);
    const batch = model.vectorizer.transform(texts);
    const fresh = decodeRows(batch);
    // Many small calls (the serving pattern), repeated texts included.
    const oneByOne = texts.map((t) => decodeRows(model.vectorizer.transform([t]))[0]);
    expect(oneByOne).toEqual(fresh);
    expect(decodeRows(model.vectorizer.transform(texts))).toEqual(fresh);
    expect(model.predictProba([texts[5]!, texts[5]!])).toEqual([model.predictProba([texts[5]!])[0], model.predictProba([texts[5]!])[0]]);
  });

  it("a call from inside a visitor does not disturb the outer call", () => {
    const texts = ["a great and moving film , great acting", "dull , dull , dull"];
    const expected = model.vectorizer.transform(texts);
    const seen: string[] = [];
    model.vectorizer.forEachRow(texts, (row, indices, data, length) => {
      const inner = model.vectorizer.transform(["something else entirely , great"]);
      expect(inner.rows).toBe(1);
      seen.push(JSON.stringify(sortPairs(indices, data, length)));
      void row;
    });
    expect(seen).toEqual(decodeRows(expected).map((r) => JSON.stringify(r)));
  });
});

function sortPairs(indices: Int32Array, data: Float64Array, length: number): [number, number][] {
  return Array.from({ length }, (_, k) => [indices[k]!, data[k]!] as [number, number]).sort((a, b) => a[0] - b[0]);
}

function decodeRows(m: { rows: number; indptr: Int32Array; indices: Int32Array; data: Float64Array }): [number, number][][] {
  return Array.from({ length: m.rows }, (_, r) => sortPairs(m.indices.subarray(m.indptr[r]!), m.data.subarray(m.indptr[r]!), m.indptr[r + 1]! - m.indptr[r]!));
}
