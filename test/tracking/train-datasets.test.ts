/**
 * trainTfidf({ run, datasets }) logs its training and validation data as MLflow dataset inputs
 * (contexts `training` and `eval`), and Python MLflow reads them back — on the shared real
 * `mlflow server` (REST) and from a SQLite store senti-mlops wrote: the names and sources given, the
 * digest, schema and profile `mlflow.data.from_pandas(pd.read_csv(file), source=file, name=…)`
 * gives the same file (the whole file, or the rows actually used when they are a part of it).
 */
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { collect, readDataset } from "../../src/entries/data.js";
import { trainTfidf } from "../../src/entries/tfidf.js";
import { createTracking } from "../../src/entries/tracking.js";
import type { LabeledText, TrainingRun } from "../../src/index.js";
import { mlflowInputs, writeLabeledCsv } from "../peers/mlflow-inputs.js";
import { dataFile } from "../peers/sklearn.js";

// 10,662 rows: more than the 10,000 MLflow's digest hashes, so the row count counts on its own.
const ALL = dataFile("rt-polarity/all.csv");
const DEV = dataFile("sst2/dev.csv");
const dir = mkdtempSync(join(tmpdir(), "senti-train-datasets-"));

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function* streamed(rows: readonly LabeledText[]): AsyncGenerator<LabeledText> {
  for (const row of rows) yield row;
}

describe("trainTfidf logs its datasets", () => {
  it("on a real MLflow server: the files' names, sources, digests, schemas and profiles, with contexts training and eval", async () => {
    const url = inject("mlflowUrl");
    const tracking = await createTracking(url);
    let runId = "";
    try {
      await tracking.withRun({ experimentName: `train-datasets-${Date.now()}`, runName: "tfidf", buffer: true }, async (run) => {
        runId = run.runId;
        // Streamed from the files (the intake reads each row once); two threads count the documents.
        await trainTfidf(readDataset(ALL), {
          validation: readDataset(DEV),
          run,
          threads: 2,
          datasets: { training: { name: basename(ALL), source: ALL }, validation: { name: basename(DEV), source: DEV } },
        });
      });
    } finally {
      await tracking.close();
    }
    const python = await mlflowInputs(url, runId, [ALL, DEV]);
    expect(python.inputs).toHaveLength(2);
    const byContext = Object.fromEntries(python.inputs.map(({ tags, ...dataset }) => [tags["mlflow.data.context"], { dataset, tags }]));
    expect(Object.keys(byContext).sort()).toEqual(["eval", "training"]);
    expect(byContext.training!.dataset).toEqual(python.files[ALL]);
    expect(byContext.eval!.dataset).toEqual(python.files[DEV]);
    expect(byContext.training!.tags).toEqual({ "mlflow.data.context": "training" });
    expect(JSON.parse(byContext.training!.dataset.profile)).toEqual({ num_rows: 10_662, num_elements: 21_324 });
    expect(JSON.parse(byContext.eval!.dataset.source)).toEqual({ uri: DEV });
  });

  it("in a SQLite store: without names, the datasets are `training` and `validation` from code, with the digests of the rows used", async () => {
    const all = await collect(readDataset(ALL));
    const dev = await collect(readDataset(DEV));
    const train = all.filter((_, i) => i % 3 !== 0);
    const validation = [...all.filter((_, i) => i % 3 === 0), ...dev.slice(0, 100)];
    const db = join(dir, "mlflow.db");
    const tracking = await createTracking(`sqlite:///${db}`, { artifactRoot: join(dir, "artifacts") });
    let runId = "";
    try {
      const run = await tracking.startRun({ experimentName: "sentiment" });
      runId = run.runId;
      // An async iterable and an array, on one thread.
      await trainTfidf(streamed(train), { validation, run, threads: 1 });
      await run.end();
    } finally {
      await tracking.close();
    }
    const trainCsv = await writeLabeledCsv(join(dir, "train-part.csv"), train);
    const validationCsv = await writeLabeledCsv(join(dir, "validation-part.csv"), validation);
    const python = await mlflowInputs(`sqlite:///${db}`, runId, [trainCsv, validationCsv]);
    expect(python.inputs.map((i) => [i.name, i.tags])).toEqual([
      ["training", { "mlflow.data.context": "training" }],
      ["validation", { "mlflow.data.context": "eval" }],
    ]);
    const [training, evaluation] = python.inputs;
    for (const [input, csv, rows] of [[training!, trainCsv, train.length], [evaluation!, validationCsv, validation.length]] as const) {
      const file = python.files[csv]!;
      expect(input.digest, input.name).toBe(file.digest);
      expect(input.schema).toBe(file.schema);
      expect(input.profile).toBe(file.profile);
      expect(JSON.parse(input.profile)).toEqual({ num_rows: rows, num_elements: 2 * rows });
      // MLflow's CodeDatasetSource: a DataFrame built in code.
      expect(input.source_type).toBe("code");
      expect(JSON.parse(input.source)).toEqual({ tags: {} });
    }
  });

  it("memory store: string labels give a string label column, and custom column names are hashed", async () => {
    const tracking = await createTracking("memory:");
    const rows = [
      { text: "a great film", label: "pos" },
      { text: "dull", label: "neg" },
      { text: "loved it", label: "pos" },
      { text: "boring and long", label: "neg" },
    ];
    const run = await tracking.startRun({ experimentName: "sentiment" });
    await trainTfidf(rows, { run, threads: 1, datasets: { training: { name: "reviews", textColumn: "review", labelColumn: "sentiment" } } });
    await run.end();
    const inputs = (await tracking.store.getRun(run.runId)).inputs.datasetInputs;
    expect(inputs).toHaveLength(1);
    expect(inputs[0]!.dataset.name).toBe("reviews");
    expect(JSON.parse(inputs[0]!.dataset.schema!)).toEqual({
      mlflow_colspec: [
        { type: "string", name: "review", required: true },
        { type: "string", name: "sentiment", required: true },
      ],
    });
    await tracking.close();
  });

  it("a run without logInput still gets its trail; without a run the datasets option is ignored", async () => {
    const logged: string[] = [];
    const run: TrainingRun = {
      logParams: async () => void logged.push("params"),
      logMetric: async () => {},
      logMetrics: async () => void logged.push("metrics"),
    };
    const rows = [
      { text: "great", label: 1 },
      { text: "awful", label: 0 },
    ];
    await trainTfidf(rows, { run, threads: 1, datasets: { training: { name: "x" } } });
    expect(logged).toEqual(["params", "metrics"]);
    await expect(trainTfidf(rows, { threads: 1, datasets: { training: { name: "x" } } })).resolves.toBeDefined();
  });

  it("refuses a bad datasets option before reading any data, naming the field", async () => {
    let read = 0;
    const data = (function* () {
      read++;
      yield { text: "great", label: 1 };
      yield { text: "awful", label: 0 };
    })();
    const cases: [unknown, RegExp][] = [
      ["train.csv", /datasets must be an object \{ training\?, validation\? \}, got string/],
      [{ train: { name: "x" } }, /datasets\.train is not a dataset: expected training or validation/],
      [{ training: "train.csv" }, /datasets\.training must be an object \{ name\?, source\?, textColumn\?, labelColumn\? \}/],
      [{ training: { name: "" } }, /datasets\.training\.name must be a non-empty string, got ""/],
      [{ training: { source: 42 } }, /datasets\.training\.source must be a non-empty string, got number/],
      [{ training: { uri: "x" } }, /datasets\.training\.uri is not an option: expected name, source, textColumn or labelColumn/],
      [{ training: { name: "x".repeat(501) } }, /datasets\.training\.name is 501 characters long; MLflow's limit is 500/],
      [{ training: { textColumn: "t", labelColumn: "t" } }, /datasets\.training\.textColumn and datasets\.training\.labelColumn are both "t"/],
      [{ validation: { name: "dev.csv" } }, /datasets\.validation names validation data, but the validation option is not given/],
    ];
    for (const [datasets, message] of cases) {
      await expect(trainTfidf(data, { threads: 1, datasets: datasets as never }), JSON.stringify(datasets)).rejects.toMatchObject({
        code: "INVALID_PARAMETER_VALUE",
        message: expect.stringMatching(message),
      });
    }
    expect(read).toBe(0);
  });
});
