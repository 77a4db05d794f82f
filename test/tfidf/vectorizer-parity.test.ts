/**
 * The vectorizer against real scikit-learn (installed in .venv by the test setup): identical
 * vocabulary and feature order, matrix values within 1e-6, on the shared datasets and on a corpus
 * built to exercise Unicode, accents, stop words and every option.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fitTfidfVectorizer, type CsrMatrix, type TfidfVectorizerOptions } from "../../src/entries/tfidf.js";
import { dataFile, sklearnVectorize } from "../peers/sklearn.js";

const readTexts = (csv: string): string[] =>
  (parse(readFileSync(csv), { columns: true }) as { text: string }[]).map((r) => r.text);

/** Index of the first difference between two typed arrays (−1 when equal); fast on millions of items. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Largest |a − b| over two CSR matrices with sorted rows; fails on any structural difference. */
function compareMatrices(ours: CsrMatrix, theirs: CsrMatrix): number {
  expect([ours.rows, ours.cols]).toEqual([theirs.rows, theirs.cols]);
  expect(firstDifference(ours.indptr, theirs.indptr), "first row whose length differs").toBe(-1);
  expect(firstDifference(ours.indices, theirs.indices), "first stored entry whose column differs").toBe(-1);
  let max = 0;
  for (let k = 0; k < ours.data.length; k++) max = Math.max(max, Math.abs(ours.data[k]! - theirs.data[k]!));
  return max;
}

async function checkParity(csv: string, options: TfidfVectorizerOptions): Promise<void> {
  const outdir = mkdtempSync(join(tmpdir(), "senti-sk-"));
  const [theirs, texts] = await Promise.all([sklearnVectorize(csv, options, outdir), Promise.resolve(readTexts(csv))]);
  const { vectorizer, matrix } = fitTfidfVectorizer(texts, options);
  expect(vectorizer.vocabulary.length).toBe(theirs.vocabulary.length);
  const firstTerm = firstDifference(
    vectorizer.vocabulary.map((_, i) => (vectorizer.vocabulary[i] === theirs.vocabulary[i] ? 0 : 1)),
    new Array(theirs.vocabulary.length).fill(0),
  );
  expect(firstTerm === -1 ? null : [firstTerm, vectorizer.vocabulary[firstTerm], theirs.vocabulary[firstTerm]]).toBeNull();
  expect(compareMatrices(matrix, theirs.matrix)).toBeLessThanOrEqual(1e-6);
  if (options.useIdf !== false) {
    let maxIdf = 0;
    for (let i = 0; i < theirs.idf.length; i++) maxIdf = Math.max(maxIdf, Math.abs(vectorizer.idf![i]! - theirs.idf[i]!));
    expect(maxIdf).toBeLessThanOrEqual(1e-12);
  }
  // transform() of the training texts gives the same matrix as fitting did.
  expect(compareMatrices(vectorizer.transform(texts), theirs.matrix)).toBeLessThanOrEqual(1e-6);
}

const BIGRAMS: TfidfVectorizerOptions = { ngramRange: [1, 2], minDf: 2, sublinearTf: true };

describe("TfidfVectorizer matches scikit-learn's TfidfVectorizer", () => {
  it("SST-2 train, default options", () => checkParity(dataFile("sst2/train.csv"), {}));
  it("SST-2 train, ngramRange [1,2], minDf 2, sublinearTf", () => checkParity(dataFile("sst2/train.csv"), BIGRAMS));
  it("IMDB train, default options", () => checkParity(dataFile("imdb/train.csv"), {}), 300_000);
  it("IMDB train, ngramRange [1,2], minDf 2, sublinearTf", () => checkParity(dataFile("imdb/train.csv"), BIGRAMS), 300_000);
  it("rt-polarity, stop words, maxDf/minDf proportions, trigrams only, l1", () =>
    checkParity(dataFile("rt-polarity/train.csv"), {
      stopWords: "english",
      ngramRange: [2, 3],
      minDf: 0.0005,
      maxDf: 0.5,
      norm: "l1",
    }));
  it("Yelp dev, binary tf, no idf, no norm, maxFeatures", () =>
    checkParity(dataFile("yelp-shen2017/dev.csv"), { binary: true, useIdf: false, norm: null, maxFeatures: 3000 }));

  describe("on a Unicode-heavy corpus", () => {
    const dir = mkdtempSync(join(tmpdir(), "senti-unicode-"));
    const csv = join(dir, "unicode.csv");
    const docs = [
      "Café NAÏVE résumé — déjà vu, façade; coöperate",
      "Straße GROSSE ǅungla İstanbul ΣΊΣΥΦΟΣ σίσυφος ΟΔΟΣ",
      "数字 一二三 東京タワー 서울 123 ٣٤٥ ½ ² x² snake_case __init__ a_b",
      "emoji 😀 are not words; 𝐁𝐨𝐥𝐝 math 𝒶𝒷 letters are; 𐐀𐐨 Deseret",
      "Devanagari हिन्दी भाषा and Thai ภาษาไทย with marks",
      "don't won't it's U.S.A. e-mail foo@bar.com https://x.y/z?q=1",
      "ﬁne ﬂower ㎏ ℌ ① Ⅻ ｆｕｌｌ ｗｉｄｔｈ",
      "a b c I O x y z 12 3 4",
      "Combining e\u0301 and a\u0308 vs precomposed é ä",
      "",
      "   ",
      "the and of THE The",
    ];
    writeFileSync(csv, "text,label\n" + docs.map((d, i) => `"${d.replace(/"/g, '""')}",${i % 2}`).join("\n") + "\n");
    it("default options", () => checkParity(csv, {}));
    it("stripAccents unicode", () => checkParity(csv, { stripAccents: "unicode" }));
    it("stripAccents ascii, no lowercase", () => checkParity(csv, { stripAccents: "ascii", lowercase: false }));
    it("english stop words with bigrams and trigrams", () => checkParity(csv, { stopWords: "english", ngramRange: [1, 3] }));
    it("no smoothing, sublinear tf", () => checkParity(csv, { smoothIdf: false, sublinearTf: true }));
  });
});
