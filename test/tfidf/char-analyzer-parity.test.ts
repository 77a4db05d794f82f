/**
 * The char and char_wb analyzers against real scikit-learn (installed in .venv by the test setup):
 * identical vocabulary and feature order, idf within 1e-12, matrix values within 1e-6, and
 * identical `build_analyzer()` output, on a corpus built for the edge cases (astral characters,
 * Python-only whitespace, whitespace runs, words shorter than n, empty texts) and on SST-2.
 * Also: counting in shares, option validation, older options without `analyzer`, and trainTfidf
 * with char_wb through the model file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../../src/index.js";
import {
  TfidfVectorizer,
  fitTfidfVectorizer,
  createTfidfFitter,
  decodeTfidfModel,
  encodeTfidfModel,
  predictProba,
  resolveVectorizerOptions,
  trainTfidf,
  type CsrMatrix,
  type TfidfVectorizerOptions,
} from "../../src/entries/tfidf.js";
import { dataFile, sklearnAnalyze, sklearnVectorize } from "../peers/sklearn.js";

const readRows = (csv: string): { text: string; label: number }[] =>
  (parse(readFileSync(csv), { columns: true }) as { text: string; label: string }[]).map((r) => ({ text: r.text, label: Number(r.label) }));

/** Index of the first difference between two arrays (−1 when equal). */
function firstDifference(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
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

function writeCsv(texts: readonly string[]): string {
  const csv = join(mkdtempSync(join(tmpdir(), "senti-char-")), "texts.csv");
  writeFileSync(csv, "text,label\n" + texts.map((t, i) => `"${t.replace(/"/g, '""')}",${i % 2}`).join("\n") + "\n");
  return csv;
}

/**
 * scikit-learn keeps the maxFeatures most frequent terms with numpy's default (unstable) argsort,
 * so which of several terms tied at the cut it keeps is up to numpy's sort; we keep the
 * alphabetically first. Parity is only defined without a tie at the cut: this moves `maxFeatures`
 * up to the nearest count where the term frequencies strictly drop.
 */
function untied(texts: readonly string[], options: TfidfVectorizerOptions): TfidfVectorizerOptions {
  if (options.maxFeatures == null) return options;
  const { matrix } = fitTfidfVectorizer(texts, { ...options, maxFeatures: null, useIdf: false, sublinearTf: false, norm: null });
  const tfs = new Float64Array(matrix.cols);
  for (let k = 0; k < matrix.indices.length; k++) tfs[matrix.indices[k]!]! += matrix.data[k]!;
  const sorted = Array.from(tfs).sort((a, b) => b - a);
  let limit = options.maxFeatures;
  while (limit < sorted.length && sorted[limit - 1] === sorted[limit]) limit++;
  return { ...options, maxFeatures: limit };
}

async function checkParity(texts: readonly string[], requested: TfidfVectorizerOptions, csv = writeCsv(texts)): Promise<void> {
  const options = untied(texts, requested);
  const theirs = await sklearnVectorize(csv, options, mkdtempSync(join(tmpdir(), "senti-sk-")));
  // The texts as the peer read them (csv-parse and Python's csv agree on quoted fields).
  expect(readRows(csv).map((r) => r.text)).toEqual(texts);
  const { vectorizer, matrix } = fitTfidfVectorizer(texts, options);
  const first = firstDifference(vectorizer.vocabulary, theirs.vocabulary);
  expect(first === -1 ? null : [first, vectorizer.vocabulary[first], theirs.vocabulary[first]], "first differing term").toBeNull();
  expect(compareMatrices(matrix, theirs.matrix)).toBeLessThanOrEqual(1e-6);
  if (options.useIdf !== false) {
    let maxIdf = 0;
    for (let i = 0; i < theirs.idf.length; i++) maxIdf = Math.max(maxIdf, Math.abs(vectorizer.idf![i]! - theirs.idf[i]!));
    expect(maxIdf).toBeLessThanOrEqual(1e-12);
  }
  // transform() (the prediction path) of the training texts gives the fitted matrix.
  expect(compareMatrices(vectorizer.transform(texts), theirs.matrix)).toBeLessThanOrEqual(1e-6);
  // So does a vectorizer rebuilt from its state (the index built from the vocabulary strings).
  const rebuilt = new TfidfVectorizer({ options: vectorizer.options, vocabulary: vectorizer.vocabulary, idf: vectorizer.idf });
  expect(compareMatrices(rebuilt.transform(texts), theirs.matrix)).toBeLessThanOrEqual(1e-6);
}

async function checkAnalyze(texts: readonly string[], options: TfidfVectorizerOptions): Promise<void> {
  const theirs = await sklearnAnalyze(texts, options, mkdtempSync(join(tmpdir(), "senti-sk-")));
  const vectorizer = new TfidfVectorizer({ options: resolveVectorizerOptions(options), vocabulary: ["x"], idf: null });
  texts.forEach((text, i) => expect(vectorizer.analyze(text), JSON.stringify(text)).toEqual(theirs[i]));
}

const EDGE_CASES = [
  "Hello world",
  "Café NAÏVE résumé — déjà vu, façade; coöperate",
  "emoji 😀😀 x😀y 👍🏽 thumbs; 𝐁𝐨𝐥𝐝 𝒶𝒷 math; 𐐀𐐨 Deseret; \uffff\u{10000} order",
  "tabs\tand\t\ttabs, new\nlines\n\n\nand   many    spaces  ",
  "   leading and trailing   ",
  "\t",
  " ",
  "",
  "a b c I O x y z",
  "ab cd e fg h",
  "one\r\ntwo\rthree",
  // Python's whitespace is not JavaScript's: \x1c-\x1f and \x85 are whitespace in Python, \ufeff is not.
  "py\x1cspace\x1d\x1ehere\x1f\x85there nbsp\u00a0x ideo\u3000y bom\ufeffz thin\u2009\u2009gap line\u2028sep",
  "Straße GROSSE ǅungla İstanbul ΣΊΣΥΦΟΣ σίσυφος",
  "数字 東京タワー 서울 ٣٤٥ ½ ² ﬁne ㎏",
  "Combining e\u0301 and a\u0308 vs precomposed é ä",
  "don't won't it's U.S.A. e-mail foo@bar.com https://x.y/z?q=1",
  "aaaa aaaa aaaa bbbb",
];

describe("char analyzers match scikit-learn's TfidfVectorizer", () => {
  describe("on an edge-case corpus", () => {
    const csv = writeCsv(EDGE_CASES);
    const cases: [string, TfidfVectorizerOptions][] = [
      ["char (1,1)", { analyzer: "char" }],
      ["char (2,5)", { analyzer: "char", ngramRange: [2, 5] }],
      ["char (3,3)", { analyzer: "char", ngramRange: [3, 3] }],
      ["char (1,4), minDf 2, sublinearTf", { analyzer: "char", ngramRange: [1, 4], minDf: 2, sublinearTf: true }],
      ["char (2,3), lowercase false", { analyzer: "char", ngramRange: [2, 3], lowercase: false }],
      ["char (1,3), stripAccents ascii", { analyzer: "char", ngramRange: [1, 3], stripAccents: "ascii" }],
      ["char (2,4), maxDf 0.5, maxFeatures 150, l1", { analyzer: "char", ngramRange: [2, 4], maxDf: 0.5, maxFeatures: 150, norm: "l1" }],
      ["char_wb (1,1)", { analyzer: "char_wb" }],
      ["char_wb (2,5)", { analyzer: "char_wb", ngramRange: [2, 5] }],
      ["char_wb (3,3)", { analyzer: "char_wb", ngramRange: [3, 3] }],
      ["char_wb (4,6): padded words shorter than n", { analyzer: "char_wb", ngramRange: [4, 6] }],
      ["char_wb (2,5), minDf 2", { analyzer: "char_wb", ngramRange: [2, 5], minDf: 2 }],
      ["char_wb (2,4), lowercase false", { analyzer: "char_wb", ngramRange: [2, 4], lowercase: false }],
      ["char_wb (1,3), stripAccents unicode", { analyzer: "char_wb", ngramRange: [1, 3], stripAccents: "unicode" }],
      ["char_wb (3,5), binary, no idf, maxFeatures 100", { analyzer: "char_wb", ngramRange: [3, 5], binary: true, useIdf: false, maxFeatures: 100 }],
    ];
    for (const [name, options] of cases) {
      it(`${name}: vocabulary, idf and matrix`, () => checkParity(EDGE_CASES, options, csv));
    }
    for (const [name, options] of cases.slice(0, 4).concat(cases.slice(7, 11))) {
      it(`${name}: analyze() equals build_analyzer()`, () => checkAnalyze(EDGE_CASES, options));
    }
  });

  describe("on SST-2 (first 2000 rows of train)", () => {
    const texts = readRows(dataFile("sst2/train.csv"))
      .slice(0, 2000)
      .map((r) => r.text);
    it("char_wb (2,5), minDf 2, sublinearTf", () => checkParity(texts, { analyzer: "char_wb", ngramRange: [2, 5], minDf: 2, sublinearTf: true }));
    it("char (1,3)", () => checkParity(texts, { analyzer: "char", ngramRange: [1, 3] }));
    it("char (3,3), lowercase false, maxFeatures 5000", () =>
      checkParity(texts, { analyzer: "char", ngramRange: [3, 3], lowercase: false, maxFeatures: 5000 }));
    it("char_wb (3,3), stripAccents unicode, maxDf 0.3", () =>
      checkParity(texts, { analyzer: "char_wb", ngramRange: [3, 3], stripAccents: "unicode", maxDf: 0.3 }));
    it("char_wb (1,4): analyze() equals build_analyzer()", () => checkAnalyze(texts.slice(0, 300), { analyzer: "char_wb", ngramRange: [1, 4] }));
  });
});

describe("char analyzers downstream", () => {
  const rows = readRows(dataFile("sst2/train.csv")).slice(0, 6000);
  const texts = rows.map((r) => r.text);

  for (const options of [
    { analyzer: "char_wb", ngramRange: [2, 5], minDf: 2 },
    { analyzer: "char", ngramRange: [1, 4], maxFeatures: 20000, sublinearTf: true },
  ] as TfidfVectorizerOptions[]) {
    it(`merging counts equals counting everything in one fitter: ${JSON.stringify(options)}`, () => {
      const whole = createTfidfFitter(options);
      for (const t of texts) whole.add(t);
      const first = createTfidfFitter(options);
      const second = createTfidfFitter(options);
      texts.slice(0, 2500).forEach((t) => first.add(t));
      texts.slice(2500).forEach((t) => second.add(t));
      first.merge(second.counts());
      const a = whole.finish();
      const b = first.finish();
      expect(b.vectorizer.vocabulary).toEqual(a.vectorizer.vocabulary);
      expect(b.vectorizer.idf).toEqual(a.vectorizer.idf);
      expect(b.matrix.indptr).toEqual(a.matrix.indptr);
      expect(b.matrix.indices).toEqual(a.matrix.indices);
      expect(b.matrix.data).toEqual(a.matrix.data);
    });
  }

  it("forEachRow gives transform's rows, for unseen texts too", () => {
    const { vectorizer } = fitTfidfVectorizer(texts.slice(0, 1000), { analyzer: "char_wb", ngramRange: [2, 4] });
    const unseen = [...texts.slice(5000, 5050), "", "   ", "zzzz 😀 qqq", "\u{1d400}\u{1d401}"];
    const matrix = vectorizer.transform(unseen);
    vectorizer.forEachRow(unseen, (r, indices, data, length) => {
      const row = new Map<number, number>();
      for (let k = 0; k < length; k++) row.set(indices[k]!, data[k]!);
      const expected = new Map<number, number>();
      for (let k = matrix.indptr[r]!; k < matrix.indptr[r + 1]!; k++) expected.set(matrix.indices[k]!, matrix.data[k]!);
      expect(row).toEqual(expected);
    });
    expect(matrix.indptr[unseen.length - 3 + 1]! - matrix.indptr[unseen.length - 3]!).toBe(0); // "   " has no n-grams
  });

  it("trainTfidf with char_wb: the model file round-trips to the same probabilities, on worker threads as on one", async () => {
    const options = { analyzer: "char_wb", ngramRange: [2, 5], minDf: 2, sublinearTf: true, C: 4 } as const;
    const { model } = await trainTfidf(rows, options); // ≥ 4096 rows: counted on worker threads
    const { model: single } = await trainTfidf(rows, { ...options, threads: 1 });
    expect(model.vectorizer.options.analyzer).toBe("char_wb");
    expect(model.vectorizer.vocabulary).toEqual(single.vectorizer.vocabulary);
    expect(model.vectorizer.idf).toEqual(single.vectorizer.idf);
    expect(model.vectorizer.vocabulary.some((t) => t.startsWith(" ") && t.endsWith(" "))).toBe(true);

    const test = readRows(dataFile("sst2/train.csv"))
      .slice(6000, 6500)
      .map((r) => r.text);
    const decoded = decodeTfidfModel(encodeTfidfModel(model));
    expect(decoded.vectorizer.options).toEqual(model.vectorizer.options);
    expect(decoded.vectorizer.vocabulary).toEqual(model.vectorizer.vocabulary);
    const expected = await predictProba(model, test);
    expect(await predictProba(decoded, test)).toEqual(expected);
    const fromSingle = await predictProba(single, test);
    let max = 0;
    fromSingle.forEach((p, i) => p.forEach((v, k) => (max = Math.max(max, Math.abs(v - expected[i]![k]!)))));
    expect(max).toBeLessThan(1e-6);
  }, 300_000);

  it("options without analyzer (model files written before char analyzers) mean the word analyzer", () => {
    const { analyzer: _, ...old } = resolveVectorizerOptions({ ngramRange: [1, 2] });
    const vectorizer = new TfidfVectorizer({ options: old as never, vocabulary: ["good", "good movie", "movie"], idf: null });
    expect(vectorizer.options.analyzer).toBe("word");
    expect(Array.from(vectorizer.transform(["a good movie"]).indices)).toEqual([0, 1, 2]);
  });
});

describe("analyzer validation", () => {
  const rejects = (options: unknown, message: RegExp): void => {
    let error: unknown;
    try {
      resolveVectorizerOptions(options as TfidfVectorizerOptions);
    } catch (e) {
      error = e;
    }
    expect(hasErrorCode(error, "INVALID_PARAMETER_VALUE"), String(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  };
  it("names a bad analyzer", () => {
    rejects({ analyzer: "chars" }, /analyzer must be "word", "char" or "char_wb", got "chars"/);
    rejects({ analyzer: 3 }, /analyzer must be .*got 3/);
  });
  it("refuses stopWords and tokenPattern with a char analyzer (scikit-learn would ignore them)", () => {
    rejects({ analyzer: "char", stopWords: "english" }, /stopWords applies to the word analyzer only.*"english".*"char"/);
    rejects({ analyzer: "char_wb", stopWords: ["a"] }, /stopWords applies to the word analyzer only/);
    rejects({ analyzer: "char_wb", tokenPattern: /\w+/ }, /tokenPattern applies to the word analyzer only.*\/\\w\+\/.*"char_wb"/);
  });
  it("defaults to word and keeps the analyzer in resolved options", () => {
    expect(resolveVectorizerOptions().analyzer).toBe("word");
    expect(resolveVectorizerOptions({ analyzer: "char_wb" }).analyzer).toBe("char_wb");
  });
});
