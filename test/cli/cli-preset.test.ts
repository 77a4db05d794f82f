/**
 * The built `senti-mlops` command's `--preset`, `--nb-scaling`, `--no-idf`, `--keep-features` and
 * `--weights` flags: the saved model carries what they set, explicit flags override the preset's
 * options, and bad values are usage errors naming them.
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

function senti(args: string[]): Promise<ProcessResult> {
  return runProcess(process.execPath, [cli, ...args], { cwd: tmp });
}

beforeAll(async () => {
  distFile("cli/main.js"); // fails clearly when dist/ is not built
  cli = join(PROJECT_ROOT, "bin", "senti-mlops.js");
  tmp = await mkdtemp(join(tmpdir(), "senti-mlops-cli-preset-"));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("senti-mlops train --preset", () => {
  test("strong with -C 2: the preset's options, C overridden, the preset named in the model", async () => {
    const out = join(tmp, "strong.bin");
    const r = await senti(["train", "--data", TRAIN, "--out", out, "--preset", "strong", "-C", "2", "--quiet"]);
    expect(r.code, describeResult(r)).toBe(0);
    const model = decodeTfidfModel(readFileSync(out));
    expect(model.vectorizer.options.ngramRange).toEqual([1, 2]);
    expect(model.vectorizer.options.sublinearTf).toBe(true);
    expect(model.classifier.options.C).toBe(2);
    expect(model.info.preset).toBe("strong");
  }, 120_000);

  test("web with --keep-features 2000: NB-LR compacted to 2000 int8 features, and it predicts", async () => {
    const out = join(tmp, "web.bin");
    const r = await senti(["train", "--data", TRAIN, "--out", out, "--preset", "web", "--keep-features", "2000", "--quiet"]);
    expect(r.code, describeResult(r)).toBe(0);
    const model = decodeTfidfModel(readFileSync(out));
    expect(model.vectorizer.size).toBe(2000);
    expect(model.classifier.options.nbScaling).toBe(true);
    expect(model.info.compaction).toMatchObject({ kept: 2000, weights: "int8" });
    const p = await senti(["predict", "--model", out, "--json", "a wonderful, moving film", "dull and lifeless"]);
    expect(p.code, describeResult(p)).toBe(0);
    expect(p.stdout.trimEnd().split("\n").map((l) => (JSON.parse(l) as { label: string }).label)).toEqual(["Positive", "Negative"]);
  }, 120_000);

  test("--nb-scaling --binary --no-idf --norm none --weights float16 without a preset", async () => {
    const out = join(tmp, "nb.bin");
    const r = await senti(["train", "--data", TRAIN, "--out", out, "--nb-scaling", "--binary", "--no-idf", "--norm", "none", "--weights", "float16", "--quiet"]);
    expect(r.code, describeResult(r)).toBe(0);
    const model = decodeTfidfModel(readFileSync(out));
    expect([model.vectorizer.options.binary, model.vectorizer.options.useIdf, model.vectorizer.options.norm]).toEqual([true, false, null]);
    expect(model.classifier.options.nbScaling).toBe(true);
    expect(model.info.compaction).toMatchObject({ weights: "float16" });
  }, 120_000);

  test("bad values are usage errors naming them", async () => {
    const a = await senti(["train", "--data", TRAIN, "--preset", "fastest"]);
    expect(a.code, describeResult(a)).toBe(2);
    expect(a.stderr).toContain('--preset must be seed, strong, best, web, got "fastest"');
    const b = await senti(["train", "--data", TRAIN, "--weights", "int4"]);
    expect(b.code, describeResult(b)).toBe(2);
    expect(b.stderr).toContain('--weights must be float64, float32, float16 or int8, got "int4"');
  });
});
