/**
 * The built `senti-mlops` command's `--analyzer` flag: a char_wb model trained on rt-polarity is
 * saved with its analyzer and predicts; a bad value is a usage error naming it.
 *
 * Needs `npm run build` first (npm test does it) and the shared rt-polarity data.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PROJECT_ROOT, distFile } from "../helpers/dist.js";
import { describeResult, runProcess, type ProcessResult } from "../helpers/run-process.js";
import { dataFile } from "../peers/sklearn.js";
import { decodeTfidfModel } from "../../src/entries/tfidf.js";

const TRAIN = dataFile("rt-polarity/train.csv");
let cli = "";
let tmp = "";

function senti(args: string[], input?: string): Promise<ProcessResult> {
  return runProcess(process.execPath, [cli, ...args], { cwd: tmp, input });
}

beforeAll(async () => {
  distFile("cli/main.js"); // fails clearly when dist/ is not built
  cli = join(PROJECT_ROOT, "bin", "senti-mlops.js");
  tmp = await mkdtemp(join(tmpdir(), "senti-mlops-cli-analyzer-"));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("senti-mlops train --analyzer", () => {
  test("char_wb: the saved model keeps the analyzer and predicts", async () => {
    const model = join(tmp, "char.bin");
    const trained = await senti(["train", "--data", TRAIN, "--out", model, "--analyzer", "char_wb", "--ngram-range", "2,4", "--min-df", "2", "--json"]);
    expect(trained.code, describeResult(trained)).toBe(0);
    const decoded = decodeTfidfModel(readFileSync(model));
    expect(decoded.vectorizer.options.analyzer).toBe("char_wb");
    expect(decoded.vectorizer.options.ngramRange).toEqual([2, 4]);
    expect(decoded.vectorizer.vocabulary).toContain(" goo");
    const r = await senti(["predict", "--model", model, "--json", "a wonderful, moving film", "dull and lifeless"]);
    expect(r.code, describeResult(r)).toBe(0);
    const labels = r.stdout
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as { label: string }).label);
    expect(labels).toEqual(["Positive", "Negative"]);
  }, 120_000);

  test("a bad value is a usage error naming it", async () => {
    const r = await senti(["train", "--data", TRAIN, "--analyzer", "chars"]);
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toContain('--analyzer must be word, char or char_wb, got "chars"');
  });

  test("--stop-words with a char analyzer is refused, naming both", async () => {
    const r = await senti(["train", "--data", TRAIN, "--analyzer", "char", "--stop-words", "english"]);
    expect(r.code, describeResult(r)).not.toBe(0);
    expect(r.stderr).toMatch(/stopWords applies to the word analyzer only.*"char"/);
  });
});
