/**
 * bench/accuracy's parts that decide its numbers: the lexicon adapters label obvious sentences right
 * (and a score of 0 positive), accuracy is the exact fraction, label names map to the data's 0/1,
 * and the section it writes says why a row was not run. No timing is asserted.
 */
import { describe, expect, it } from "vitest";
import { OUR_MODEL_NAMES, SEED_OPTIONS, TFIDF_KINDS } from "../../bench/accuracy/kinds.js";
import { createLexicon, LEXICON_NAMES, labelFromScore } from "../../bench/accuracy/lexicons.js";
import { accuracy, classOfLabel, seededSubset, timePredictions } from "../../bench/accuracy/measure.js";
import { renderSection, type BenchData } from "../../bench/accuracy/report.js";

const POSITIVE = ["This movie is wonderful, I loved every minute of it.", "A great, funny and beautiful film."];
const NEGATIVE = ["This film is terrible and boring, I hated it.", "An awful, stupid mess of a movie."];
const NEUTRAL = "The table is in the room.";

describe("lexicon adapters", () => {
  for (const name of LEXICON_NAMES) {
    it(`${name}: positive and negative sentences, and 0 for a sentence without sentiment words`, () => {
      const lexicon = createLexicon(name);
      expect(lexicon.version).toMatch(/^\d+\.\d+\.\d+/);
      for (const text of POSITIVE) {
        expect(lexicon.score(text), text).toBeGreaterThan(0);
        expect(labelFromScore(lexicon.score(text))).toBe(1);
      }
      for (const text of NEGATIVE) {
        expect(lexicon.score(text), text).toBeLessThan(0);
        expect(labelFromScore(lexicon.score(text))).toBe(0);
      }
      expect(lexicon.score(NEUTRAL)).toBe(0);
      expect(labelFromScore(lexicon.score(NEUTRAL))).toBe(1);
      expect(labelFromScore(lexicon.score(""))).toBe(1);
    });
  }

  it("labels by the sign of the score, 0 (and -0) positive, NaN refused", () => {
    expect([-3, -1e-9, -0, 0, 1e-9, 2].map(labelFromScore)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(() => labelFromScore(Number.NaN)).toThrow(/NaN/);
  });
});

describe("accuracy", () => {
  it("is the exact fraction of equal labels", () => {
    const result = accuracy([1, 0, 1, 1, 0, 0, 1], [1, 1, 1, 0, 0, 0, 0]);
    expect(result).toEqual({ correct: 4, total: 7, value: 4 / 7 });
    expect(accuracy(Uint8Array.from([0, 1]), [0, 1]).value).toBe(1);
    expect(accuracy([1, 1], [0, 0]).value).toBe(0);
  });

  it("refuses mismatched lengths and empty sets", () => {
    expect(() => accuracy([1], [1, 0])).toThrow(/1 predictions for 2/);
    expect(() => accuracy([], [])).toThrow(/no rows/);
  });

  it("maps the models' label names to the data's 0/1 and refuses others", () => {
    expect(["Negative", "Positive", "NEGATIVE", "POSITIVE", "LABEL_0", "LABEL_1"].map(classOfLabel)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(() => classOfLabel("Neutral")).toThrow(/Neutral/);
  });

  it("timePredictions returns the predictions of the passes and refuses passes that disagree", async () => {
    const texts = ["good", "bad", "good"];
    const t = await timePredictions(texts, (xs) => xs.map((x) => (x === "good" ? 1 : 0)), { minSeconds: 0 });
    expect([...t.predicted]).toEqual([1, 0, 1]);
    expect(t.passes).toBe(1);
    expect(t.seconds).toBeGreaterThanOrEqual(0);
    let call = 0;
    await expect(timePredictions(texts, (xs) => xs.map(() => call++ % 2), { warmupTexts: 0, minSeconds: 10 })).rejects.toThrow(/predicted differently/);
  });
});

describe("seededSubset", () => {
  it("picks the same n distinct rows, ascending, for the same seed", () => {
    const a = seededSubset(25_000, 5_000, 14);
    expect(a).toHaveLength(5_000);
    expect(new Set(a).size).toBe(5_000);
    expect(a.every((x, i) => x >= 0 && x < 25_000 && (i === 0 || a[i - 1]! < x))).toBe(true);
    expect(seededSubset(25_000, 5_000, 14)).toEqual(a);
    expect(seededSubset(25_000, 5_000, 15)).not.toEqual(a);
    expect(seededSubset(3, 5, 14)).toEqual([0, 1, 2]);
  });
});

describe("model kinds and the section", () => {
  it("defines each kind once, by preset name; seed is trainTfidf's defaults", () => {
    expect(new Set(OUR_MODEL_NAMES).size).toBe(OUR_MODEL_NAMES.length);
    expect(OUR_MODEL_NAMES).toEqual(["seed", "strong", "best", "web", "bert-tiny-sst2"]);
    expect(TFIDF_KINDS.map((k) => k.preset)).toEqual(["seed", "strong", "best", "web"]);
    expect(SEED_OPTIONS).toEqual({});
    expect(TFIDF_KINDS.filter((k) => k.fallback).map((k) => k.name)).toEqual(["seed", "strong"]);
  });

  it("shows a row that was not run with its reason, and keeps its data", () => {
    const data: BenchData = {
      runs: [
        {
          id: "r1",
          commit: "abc1234",
          srcChanged: false,
          node: "v20.0.0",
          cpu: "2 × CPU",
          memoryGb: 8,
          loadStart: "1.00 / 1.00 / 1.00",
          loadEnd: "1.00 / 1.00 / 1.00",
          minutes: 1,
          command: "npm run bench:accuracy -- --sets sst2",
          versions: { sentiment: "5.0.2" },
        },
      ],
      cells: [
        { set: "sst2", model: "seed", status: "ok", accuracy: 0.8, correct: 4, total: 5, textsPerSecond: 1000, trainSeconds: 1, features: 10, run: "r1" },
        { set: "sst2", model: "best", status: "skipped", reason: "no preset support", run: "r1" },
        { set: "sst2", model: "sentiment", status: "ok", accuracy: 0.6, correct: 3, total: 5, textsPerSecond: 2000, zeroScores: 1, run: "r1" },
      ],
    };
    const text = renderSection(data);
    expect(text).toContain("| senti-mlops `seed` | 80.00% | 1,000 |");
    expect(text).toContain("| senti-mlops `best` | not run¹ | — |");
    expect(text).toContain("`best`: no preset support (SST-2 dev)");
    expect(text).toContain("--models best --write");
    expect(text).toContain("sentiment 20.00%");
    const json = /<!-- bench:accuracy:data (.*) -->/.exec(text)![1]!;
    expect(JSON.parse(json)).toEqual(data);
  });
});
