/**
 * The built `senti-mlops` command (dist/cli/main.js) on real files: training on rt-polarity,
 * predicting from arguments and stdin, and one-line errors without stack traces.
 *
 * Needs `npm run build` first (npm test does it) and the shared rt-polarity data
 * (../shared/data/rt-polarity, or $SENTI_SHARED_DIR/data/rt-polarity).
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PROJECT_ROOT, distFile } from "../helpers/dist.js";
import { describeResult, runProcess, type ProcessResult } from "../helpers/run-process.js";
import { SHARED, dataFile } from "../peers/sklearn.js";
import { collect, holdoutSplit, readDataset } from "../../src/entries/data.js";
import { createTracking } from "../../src/entries/tracking.js";
import { mlflowInputs, writeLabeledCsv } from "../peers/mlflow-inputs.js";

const TRAIN = dataFile("rt-polarity/train.csv");
const TEST = dataFile("rt-polarity/test.csv");
const rowsIn = (csvPath: string): number => readFileSync(csvPath, "utf8").trimEnd().split("\n").length - 1;

let cli = "";
let tmp = "";
let model = "";
/** The run of `train --json` that made `model`, shared by the train and predict tests. */
let trained: ProcessResult;

function senti(args: string[], input?: string): Promise<ProcessResult> {
  return runProcess(process.execPath, [cli, ...args], { cwd: tmp, input });
}

const TRAIN_ARGS = ["--ngram-range", "1,2", "--min-df", "2", "--sublinear-tf", "-C", "4"];

beforeAll(async () => {
  distFile("cli/main.js"); // fails clearly when dist/ is not built
  cli = join(PROJECT_ROOT, "bin", "senti-mlops.js");
  tmp = await mkdtemp(join(tmpdir(), "senti-mlops-cli-"));
  model = join(tmp, "m.bin");
  trained = await senti(["train", "--data", TRAIN, "--test", TEST, "--out", model, ...TRAIN_ARGS, "--json"]);
}, 120_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("senti-mlops train", () => {
  test("--json trains on rt-polarity, evaluates on its test split and saves the model", async () => {
    const r = trained;
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stderr, "no progress output in --json mode").toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines, "one JSON line on stdout").toHaveLength(1);
    const summary = JSON.parse(lines[0]!) as {
      model: string;
      examples: number;
      features: number;
      metrics: { accuracy: number; f1: number; support: number; labels: string[]; confusionMatrix: number[][] };
    };
    expect(summary.model).toBe(model);
    expect(summary.examples).toBe(rowsIn(TRAIN));
    expect(summary.features).toBeGreaterThan(1000);
    expect(summary.metrics.accuracy).toBeGreaterThan(0.7);
    expect(summary.metrics.support).toBe(rowsIn(TEST));
    expect(summary.metrics.labels).toEqual(["Negative", "Positive"]);
    expect(summary.metrics.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(rowsIn(TEST));
    expect(existsSync(model)).toBe(true);
    expect(statSync(model).size).toBeGreaterThan(0);
  });

  test("without --json prints the metrics and a confusion matrix", async () => {
    const out = join(tmp, "m2.bin");
    const r = await senti(["train", "--data", TRAIN, "--test", TEST, "--out", out, ...TRAIN_ARGS]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stdout).toMatch(/^saved .*m2\.bin: \d+ examples, \d+ features/m);
    expect(r.stdout).toMatch(/^accuracy 0\.\d{4}/m);
    expect(Number(/^accuracy (\S+)/m.exec(r.stdout)![1])).toBeGreaterThan(0.7);
    expect(r.stdout).toMatch(/confusion matrix/);
    const rows = [...r.stdout.matchAll(/^\s+(Negative|Positive)\s+(\d+)\s+(\d+)$/gm)];
    expect(rows.map((m) => m[1])).toEqual(["Negative", "Positive"]);
    expect(rows.reduce((sum, m) => sum + Number(m[2]) + Number(m[3]), 0)).toBe(rowsIn(TEST));
    expect(existsSync(out)).toBe(true);
    expect(r.stderr).not.toMatch(/^ {4}at /m);
  });
});

describe("senti-mlops predict", () => {
  const TEXTS = ["what a wonderful film", "dull, boring and far too long"];

  function checkLines(stdout: string): void {
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Positive\t(0\.\d{4}|1\.0000)\twhat a wonderful film$/);
    expect(lines[1]).toMatch(/^Negative\t(0\.\d{4}|1\.0000)\tdull, boring and far too long$/);
    for (const line of lines) expect(Number(line.split("\t")[1])).toBeGreaterThan(0.5);
  }

  beforeAll(() => {
    if (trained.code !== 0) throw new Error(`training the model for these tests failed:\n${describeResult(trained)}`);
  });

  test("texts as arguments: one line per text with label and score", async () => {
    const r = await senti(["predict", "--model", model, ...TEXTS]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stderr).toBe("");
    checkLines(r.stdout);
  });

  test("texts from stdin, one per line", async () => {
    const r = await senti(["predict", "--model", model], `${TEXTS.join("\n")}\n`);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stderr).toBe("");
    checkLines(r.stdout);
  });

  test("a Hugging Face BERT folder (bert-tiny-sst2) as --model", async () => {
    const r = await senti(["predict", "--model", join(SHARED, "models", "bert-tiny-sst2"), ...TEXTS]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^POSITIVE\t0\.\d{4}\twhat a wonderful film$/);
    expect(lines[1]).toMatch(/^NEGATIVE\t0\.\d{4}\tdull, boring and far too long$/);
  });

  test("--json prints JSON lines", async () => {
    const r = await senti(["predict", "--model", model, "--json"], `${TEXTS.join("\n")}\n`);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stderr).toBe("");
    const objects = r.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { text: string; label: string; score: number });
    expect(objects.map(({ text, label }) => ({ text, label }))).toEqual([
      { text: TEXTS[0], label: "Positive" },
      { text: TEXTS[1], label: "Negative" },
    ]);
    for (const o of objects) expect(o.score).toBeGreaterThan(0.5);
  });
});

describe("errors: exit code ≠ 0 and one line on stderr, no stack trace", () => {
  const USAGE_HINT = 'Run "senti-mlops --help" for usage.';

  /** Runs the CLI and checks the error shape; returns the message after "senti-mlops: error: ". */
  async function failing(args: string[]): Promise<{ message: string; usage: boolean; result: ProcessResult }> {
    const r = await senti(args);
    expect(r.code, describeResult(r)).not.toBe(0);
    // 70 is the exit code for errors the CLI did not anticipate (not a usage error, not a SentiMlopsError).
    expect([1, 2], `an anticipated error\n${describeResult(r)}`).toContain(r.code);
    expect(r.stderr, "no stack trace").not.toMatch(/^ {4}at /m);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0], describeResult(r)).toMatch(/^senti-mlops: error: \S.*$/);
    expect(lines.length, `one error line (plus the usage hint)\n${describeResult(r)}`).toBeLessThanOrEqual(2);
    if (lines.length === 2) expect(lines[1]).toBe(USAGE_HINT);
    return { message: lines[0]!.slice("senti-mlops: error: ".length), usage: lines.length === 2, result: r };
  }

  test("train without --data", async () => {
    const { message, usage } = await failing(["train"]);
    expect(message).toMatch(/--data/);
    expect(usage).toBe(true);
  });

  test("a data file that does not exist is named", async () => {
    const missing = join(tmp, "no-such-dir", "nope.csv");
    const { message } = await failing(["train", "--data", missing, "--out", join(tmp, "x.bin")]);
    expect(message).toContain(missing);
    expect(existsSync(join(tmp, "x.bin"))).toBe(false);
  });

  test("an unknown flag", async () => {
    const { message, usage } = await failing(["train", "--data", TRAIN, "--bogus"]);
    expect(message).toContain("--bogus");
    expect(usage).toBe(true);
  });

  test("--ngram-range x", async () => {
    const { message, usage } = await failing(["train", "--data", TRAIN, "--ngram-range", "x"]);
    expect(message).toMatch(/--ngram-range/);
    expect(message).toContain('"x"');
    expect(usage).toBe(true);
  });

  test("--min-df abc", async () => {
    const { message, usage } = await failing(["train", "--data", TRAIN, "--min-df", "abc"]);
    expect(message).toMatch(/--min-df/);
    expect(message).toContain('"abc"');
    expect(usage).toBe(true);
  });

  test("an unknown command", async () => {
    const { message, usage } = await failing(["frobnicate"]);
    expect(message).toContain("frobnicate");
    expect(usage).toBe(true);
  });

  test("predict without --model", async () => {
    const { message, usage } = await failing(["predict", "some text"]);
    expect(message).toMatch(/--model/);
    expect(usage).toBe(true);
  });

  test("predict with a corrupt model file (random bytes)", async () => {
    const corrupt = join(tmp, "corrupt.bin");
    await writeFile(corrupt, randomBytes(4096));
    const { message, usage } = await failing(["predict", "--model", corrupt, "some text"]);
    expect(message).toMatch(/model/i);
    expect(usage).toBe(false);
  });

  test("predict with a truncated model file", async () => {
    if (trained.code !== 0) throw new Error(`training the model for this test failed:\n${describeResult(trained)}`);
    const truncated = join(tmp, "truncated.bin");
    await writeFile(truncated, readFileSync(model).subarray(0, 1000));
    const { message } = await failing(["predict", "--model", truncated, "some text"]);
    expect(message).toMatch(/truncated|corrupt/i);
  });

  test("predict with a model path that does not exist is named", async () => {
    const missing = join(tmp, "missing-model.bin");
    const { message, usage } = await failing(["predict", "--model", missing, "some text"]);
    expect(message).toContain(missing);
    expect(usage).toBe(false);
  });
});

describe("senti-mlops train with tracking and the registry", () => {
  test("--tracking-uri --register --alias logs the run, registers a version and points the alias at it; no file unless --out", async () => {
    const db = `sqlite:///${join(tmp, "tracked.db")}`;
    const args = ["train", "--data", TRAIN, "--test", TEST, ...TRAIN_ARGS, "--tracking-uri", db, "--experiment", "cli", "--run-name", "cli-run"];
    const r = await senti([...args, "--register", "cli-model", "--alias", "champion", "--skip-if-registered", "--json"]);
    expect(r.code, describeResult(r)).toBe(0);
    const summary = JSON.parse(r.stdout.trim()) as { model: string | null; run_id: string; registered_model: unknown; metrics: { accuracy: number } };
    expect(summary.model).toBeNull();
    expect(summary.registered_model).toEqual({ name: "cli-model", version: "1", alias: "champion" });
    expect(existsSync(join(tmp, "model.bin"))).toBe(false);
    const tracking = await createTracking(db);
    try {
      const run = await tracking.store.getRun(summary.run_id);
      expect(run.info).toMatchObject({ status: "FINISHED", runName: "cli-run" });
      expect(run.data.metrics.val_accuracy).toBeCloseTo(summary.metrics.accuracy, 12);
      expect((await tracking.store.getExperimentByName("cli"))?.experimentId).toBe(run.info.experimentId);
      expect(await tracking.registry.getModelVersionByAlias("cli-model", "champion")).toMatchObject({ version: "1", runId: summary.run_id });
    } finally {
      await tracking.close();
    }
    // Python MLflow lists the two files as the run's datasets, as from_pandas(pd.read_csv(file)) describes them.
    const python = await mlflowInputs(db, summary.run_id, [TRAIN, TEST]);
    expect(python.inputs).toEqual([
      { ...python.files[TRAIN], tags: { "mlflow.data.context": "training" } },
      { ...python.files[TEST], tags: { "mlflow.data.context": "eval" } },
    ]);
    expect(python.inputs.map((i) => i.name)).toEqual(["train.csv", "test.csv"]);

    const skipped = await senti([...args, "--register", "cli-model", "--alias", "champion", "--skip-if-registered"]);
    expect(skipped.code, describeResult(skipped)).toBe(0);
    expect(skipped.stdout.trim()).toBe("models:/cli-model@champion exists (version 1); not training");

    const second = await senti([...args, "--register", "cli-model", "--quiet"]);
    expect(second.code, describeResult(second)).toBe(0);
    expect(second.stdout).toMatch(/^trained: \d+ examples/m);
    expect(second.stdout).toMatch(/^run [0-9a-f]{32} logged to sqlite:/m);
    expect(second.stdout).toMatch(/^registered models:\/cli-model\/2$/m);
  });

  test("--holdout trains without the texts the service's jobs validate on, evaluates on them without --test, and logs the split", async () => {
    const db = `sqlite:///${join(tmp, "holdout.db")}`;
    const r = await senti(["train", "--data", TRAIN, ...TRAIN_ARGS, "--holdout", "0.2", "--holdout-seed", "7", "--tracking-uri", db, "--json"]);
    expect(r.code, describeResult(r)).toBe(0);
    const summary = JSON.parse(r.stdout.trim()) as { examples: number; run_id: string; metrics: { support: number } };
    const rows = await collect(readDataset(TRAIN));
    const { train, heldOut } = holdoutSplit(rows, { fraction: 0.2, seed: 7 });
    expect(summary.examples).toBe(train.length);
    expect(summary.metrics.support).toBe(heldOut.length);
    const tracking = await createTracking(db);
    try {
      const run = await tracking.store.getRun(summary.run_id);
      expect(run.data.params).toMatchObject({ holdout_fraction: "0.2", holdout_seed: "7", holdout_rows: String(heldOut.length) });
    } finally {
      await tracking.close();
    }
    // The run's datasets are the two parts of the file, each with the digest of its own rows.
    const trainCsv = await writeLabeledCsv(join(tmp, "holdout-train.csv"), train);
    const heldOutCsv = await writeLabeledCsv(join(tmp, "holdout-validation.csv"), heldOut);
    const python = await mlflowInputs(db, summary.run_id, [trainCsv, heldOutCsv]);
    const source = { uri: TRAIN };
    expect(python.inputs.map(({ name, source, tags }) => ({ name, source: JSON.parse(source), tags }))).toEqual([
      { name: "train.csv (training split)", source, tags: { "mlflow.data.context": "training" } },
      { name: "train.csv (holdout)", source, tags: { "mlflow.data.context": "eval" } },
    ]);
    for (const [input, csv] of [[python.inputs[0]!, trainCsv], [python.inputs[1]!, heldOutCsv]] as const) {
      const { digest, schema, profile } = python.files[csv]!;
      expect({ digest: input.digest, schema: input.schema, profile: input.profile }, input.name).toEqual({ digest, schema, profile });
    }
    const bad = await senti(["train", "--data", TRAIN, "--holdout-seed", "7"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--holdout-seed needs --holdout FRACTION");
  });

  test.each([
    [["--alias", "champion"], "--alias needs --register NAME"],
    [["--register", "m", "--skip-if-registered"], "--skip-if-registered needs --alias ALIAS"],
    [["--experiment", "x"], "--experiment needs --tracking-uri URI or --register NAME"],
  ])("%o is a usage error (exit 2)", async (flags, message) => {
    const r = await senti(["train", "--data", TRAIN, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

test("the CLI under test is the package's bin, which runs the built CLI", () => {
  expect(cli).toBe(join(PROJECT_ROOT, "bin", "senti-mlops.js"));
  const bin = readFileSync(cli, "utf8");
  expect(bin.startsWith("#!/usr/bin/env node")).toBe(true);
  expect(bin).toContain('import "../dist/cli/main.js"');
});
