/**
 * PUNCTUATION_TOKENS (scikit-learn's `(?u)\w+|[^\w\s]`) and its scanner: the scanner gives exactly
 * the tokens of the regular expression (String.matchAll) on a corpus built for the edge cases and
 * on SST-2; the vectorizer matches real scikit-learn with that token_pattern; a `web` model trained
 * through the scanner predicts exactly what one trained through the regular expression predicts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  PUNCTUATION_TOKENS,
  fitTfidfVectorizer,
  resolveVectorizerOptions,
  trainTfidf,
  type CsrMatrix,
  type TfidfVectorizerOptions,
} from "../../src/entries/tfidf.js";
import { createAnalyzer } from "../../src/tfidf/analyzer.js";
import { TokenTable } from "../../src/tfidf/token-table.js";
import { dataFile, sklearnVectorize } from "../peers/sklearn.js";

const readRows = (csv: string): { text: string; label: number }[] =>
  (parse(readFileSync(csv), { columns: true }) as { text: string; label: string }[]).map((r) => ({ text: r.text, label: Number(r.label) }));

/** The same tokens through String.matchAll: another source, so createTokenIds does not take the scanner. */
const VIA_REGEX = new RegExp(`(?:${PUNCTUATION_TOKENS.source})`, "u");

/** Texts for the edge cases; every one is valid UTF-8 (scikit-learn reads them from a CSV). */
const EDGE = [
  "",
  "   ",
  "I loved it!!! :) :-( ;)",
  "don't won't it's 'quoted' \"double\" rock'n'roll",
  "<br /><br />Great movie.<br />10/10 would watch again",
  "emoji 😀😀 👍🏽 family 👨‍👩‍👧 flags 🇫🇷 and ❤️ text",
  "𝐁𝐨𝐥𝐝 math 𝒶𝒷 letters, 𝐀 alone, 𝐀😀𝐀 mixed, 𐐀𐐨 Deseret, 𝟙𝟚 digits",
  "Combining e\u0301 and a\u0308 vs precomposed é ä; \u0301 alone",
  "bom\ufeffin the middle \ufeff alone",
  "file\x1cgroup\x1drecord\x1eunit\x1fseparators",
  "next\x85line and\u2028line\u2029para",
  "nbsp\u00a0space\u202fnarrow\u3000ideographic\u2000en\u200aHair\u1680ogham",
  "tabs\tand\nnewlines\r\nand\vvertical\fform",
  "zero\u200bwidth space is not whitespace\u200d",
  "snake_case __init__ a_b _ __ x1 1x 123 ٣٤٥ ½ ² x² Ⅻ",
  "数字 一二三 東京タワー 서울 हिन्दी ภาษาไทย",
  "a b c I O x y z 1 2 3 . , ! ? - -- ...",
  "MiXeD CaSe ÉCOLE Straße İstanbul ΣΊΣΥΦΟΣ",
  "e-mail foo@bar.com https://x.y/z?q=1&r=2#frag $5.99 50% #hashtag @user",
  "\u00ad soft hyphen \u2019 curly \u201cquotes\u201d \u2014 dash",
];

/** The tokens of the regular expression path. */
function regexTokens(text: string): string[] {
  return Array.from(text.matchAll(new RegExp(PUNCTUATION_TOKENS.source, "gu")), (m) => m[0]);
}

describe("PUNCTUATION_TOKENS", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is scikit-learn's pattern with Python's whitespace (not JavaScript's \\s)", () => {
    expect(PUNCTUATION_TOKENS.flags).toBe("u");
    expect(regexTokens("a\x1cb\x85c\ufeffd\u00a0e")).toEqual(["a", "b", "c", "\ufeff", "d", "e"]);
    expect(regexTokens("I loved it! 😀 𝐀𝐁")).toEqual(["I", "loved", "it", "!", "😀", "𝐀𝐁"]);
  });

  it("the scanner gives the regular expression's tokens on the edge cases (and lone surrogates)", () => {
    const scan = vi.spyOn(TokenTable.prototype, "scanPunctuation");
    const analyze = createAnalyzer(resolveVectorizerOptions({ tokenPattern: PUNCTUATION_TOKENS, lowercase: false }));
    const texts = [...EDGE, "\ud800x", "x\udc00y", "end\ud83d", "\udc00\ud800", EDGE.join(" ")];
    for (const text of texts) expect(analyze(text, []), JSON.stringify(text)).toEqual(regexTokens(text));
    expect(scan).toHaveBeenCalledTimes(texts.length);
  });

  it("the scanner gives the regular expression's tokens on 2000 SST-2 rows, lowercased and not", () => {
    const texts = readRows(dataFile("sst2/train.csv"))
      .slice(0, 2000)
      .map((r) => r.text);
    for (const lowercase of [true, false]) {
      const analyze = createAnalyzer(resolveVectorizerOptions({ tokenPattern: PUNCTUATION_TOKENS, lowercase }));
      const viaRegex = createAnalyzer(resolveVectorizerOptions({ tokenPattern: VIA_REGEX, lowercase }));
      for (const text of texts) {
        const tokens = analyze(text, []);
        expect(tokens).toEqual(viaRegex(text, []));
        expect(tokens).toEqual(regexTokens(lowercase ? text.toLowerCase() : text));
      }
    }
  });

  it("stop words are dropped on the scanner path", () => {
    const analyze = createAnalyzer(resolveVectorizerOptions({ tokenPattern: PUNCTUATION_TOKENS, stopWords: "english" }));
    const viaRegex = createAnalyzer(resolveVectorizerOptions({ tokenPattern: VIA_REGEX, stopWords: "english" }));
    const text = "The movie, I think, was a GREAT one!";
    expect(analyze(text, [])).toEqual(["movie", ",", "think", ",", "great", "!"]);
    expect(analyze(text, [])).toEqual(viaRegex(text, []));
  });

  it("takes the scanner for the pattern given with g, and matchAll for other flags or sources", () => {
    const scan = vi.spyOn(TokenTable.prototype, "scanPunctuation");
    createAnalyzer(resolveVectorizerOptions({ tokenPattern: new RegExp(PUNCTUATION_TOKENS.source, "gu") }))("a!", []);
    expect(scan).toHaveBeenCalledTimes(1);
    createAnalyzer(resolveVectorizerOptions({ tokenPattern: new RegExp(PUNCTUATION_TOKENS.source, "iu") }))("a!", []);
    createAnalyzer(resolveVectorizerOptions({ tokenPattern: VIA_REGEX }))("a!", []);
    createAnalyzer(resolveVectorizerOptions({ tokenPattern: /[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s]/u }))("a!", []);
    expect(scan).toHaveBeenCalledTimes(1);
  });
});

/** Index of the first difference between two arrays (−1 when equal). */
function firstDifference(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** scikit-learn's TfidfVectorizer with token_pattern `(?u)\w+|[^\w\s]` and `options`, fitted on `csv`. */
function sklearnWithPattern(csv: string, options: TfidfVectorizerOptions): Promise<{ vocabulary: string[]; matrix: CsrMatrix }> {
  return sklearnVectorize(csv, { ...options, tokenPattern: PUNCTUATION_TOKENS }, mkdtempSync(join(tmpdir(), "senti-punct-sk-")));
}

const BEST_VECTORIZER: TfidfVectorizerOptions = { ngramRange: [1, 3], minDf: 2, sublinearTf: true, useIdf: false, norm: null };

async function checkParity(csv: string, options: TfidfVectorizerOptions): Promise<void> {
  const theirs = await sklearnWithPattern(csv, options);
  const texts = readRows(csv).map((r) => r.text);
  const { vectorizer, matrix } = fitTfidfVectorizer(texts, { ...options, tokenPattern: PUNCTUATION_TOKENS });
  expect(vectorizer.vocabulary.length).toBe(theirs.vocabulary.length);
  const first = firstDifference(vectorizer.vocabulary, theirs.vocabulary);
  expect(first === -1 ? null : [first, vectorizer.vocabulary[first], theirs.vocabulary[first]]).toBeNull();
  for (const m of [matrix, vectorizer.transform(texts)]) {
    expect([m.rows, m.cols]).toEqual([theirs.matrix.rows, theirs.matrix.cols]);
    expect(firstDifference(m.indptr, theirs.matrix.indptr), "first row whose length differs").toBe(-1);
    expect(firstDifference(m.indices, theirs.matrix.indices), "first entry whose column differs").toBe(-1);
    let max = 0;
    for (let k = 0; k < m.data.length; k++) max = Math.max(max, Math.abs(m.data[k]! - theirs.matrix.data[k]!));
    expect(max).toBeLessThanOrEqual(1e-12);
  }
}

const writeCsv = (path: string, texts: readonly string[]): string => {
  writeFileSync(path, "text,label\n" + texts.map((d, i) => `"${d.replace(/"/g, '""')}",${i % 2}`).join("\n") + "\n");
  return path;
};

describe("TfidfVectorizer with PUNCTUATION_TOKENS matches scikit-learn's token_pattern (?u)\\w+|[^\\w\\s]", () => {
  const dir = mkdtempSync(join(tmpdir(), "senti-punct-"));

  it("3000 SST-2 rows, the best preset's vectorizer (1-3-grams, minDf 2, sublinear tf, no idf, no norm)", async () => {
    const texts = readRows(dataFile("sst2/train.csv"))
      .slice(0, 3000)
      .map((r) => r.text);
    await checkParity(writeCsv(join(dir, "sst2-3000.csv"), texts), BEST_VECTORIZER);
  });

  it("the edge corpus, the best preset's vectorizer (each text twice, so minDf 2 keeps its n-grams)", async () => {
    await checkParity(writeCsv(join(dir, "edge.csv"), [...EDGE, ...EDGE]), BEST_VECTORIZER);
  });

  it("the edge corpus, unigrams, case kept, accents stripped", async () => {
    await checkParity(writeCsv(join(dir, "edge-case.csv"), EDGE), { lowercase: false, stripAccents: "unicode" });
  });
});

describe("a web-preset model trained through the scanner", () => {
  it("predicts exactly what the same model trained through String.matchAll predicts", async () => {
    const rows = readRows(dataFile("sst2/train.csv")).slice(0, 4000);
    const dev = readRows(dataFile("sst2/dev.csv")).map((r) => r.text);
    const scan = vi.spyOn(TokenTable.prototype, "scanPunctuation");
    const { model: fast } = await trainTfidf(rows, { preset: "web" });
    expect(scan).toHaveBeenCalled();
    scan.mockRestore();
    const { model: slow } = await trainTfidf(rows, { preset: "web", tokenPattern: VIA_REGEX });
    expect(fast.vectorizer.vocabulary).toEqual(slow.vectorizer.vocabulary);
    const texts = [...dev, ...EDGE];
    expect(firstDifference(fast.probabilities(texts), slow.probabilities(texts))).toBe(-1);
  });
});
