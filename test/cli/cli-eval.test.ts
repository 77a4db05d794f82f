/**
 * `senti-mlops eval` (the built command, dist/cli/main.js) on SST-2's dev split: a TF-IDF model
 * file, an MLflow model folder, `runs:/` and `models:/` URIs on the shared real `mlflow server`,
 * the BERT folder ../shared/models/bert-tiny-sst2, and `--compare`. The numbers are the library's
 * (`evaluateModel`, and for BERT `predict`); the SVG plots are parsed by Python's XML parser and
 * their texts checked against the viewBox; the evaluation runs are read back by Python MLflow's
 * client (metrics under MLflow's classifier names, the plots as artifacts, the data as a dataset
 * input whose digest is the one `mlflow.data.from_pandas(pd.read_csv(file))` computes).
 *
 * Needs `npm run build` first (npm test does it), the shared data and the BERT model
 * (../shared, or $SENTI_SHARED_DIR).
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { PROJECT_ROOT, distFile } from "../helpers/dist.js";
import { cleanEnv, describeResult, runProcess, type ProcessResult } from "../helpers/run-process.js";
import { SHARED, dataFile } from "../peers/sklearn.js";
import { evalPeer, textsOutside, type ParsedSvg } from "../peers/mlflow-eval.js";
import { collect, readDataset } from "../../src/entries/data.js";
import { createTracking } from "../../src/entries/tracking.js";
import { evaluateModel, evaluationMetrics, packageModel } from "../../src/entries/models.js";
import { loadBert, predict, saveModel, trainTfidf } from "../../src/index.js";
import type { LabeledText, TfidfModel } from "../../src/index.js";

const DEV = dataFile("sst2/dev.csv");
const TRAIN = dataFile("rt-polarity/train.csv");
const BERT = join(SHARED, "models", "bert-tiny-sst2");
const unique = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const EXPERIMENT = `cli-eval-${unique}`;
const REGISTERED = `cli-eval-model-${unique}`;

let cli = "";
let tmp = "";
let modelFile = "";
let modelFolder = "";
let devRows: LabeledText[] = [];
let model: TfidfModel;
let runId = "";

function senti(args: string[], env?: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return runProcess(process.execPath, [cli, ...args], { cwd: tmp, env: cleanEnv({ MLFLOW_TRACKING_URI: "", ...env }) });
}

interface EvalJson {
  data: { path: string; rows: number; name: string; digest: string };
  tracking_uri?: string;
  experiment?: string;
  models: {
    model: string;
    model_uri: string;
    kind: string;
    labels: string[];
    label_matches: { data: string | number; model: string }[];
    metrics: Record<string, number>;
    confusion_matrix: number[][];
    plots?: string[];
    run_id?: string;
  }[];
}

async function evalJson(args: string[]): Promise<EvalJson> {
  const r = await senti(["eval", ...args, "--json"]);
  expect(r.code, describeResult(r)).toBe(0);
  expect(r.stderr, "nothing on stderr with --json").toBe("");
  return JSON.parse(r.stdout) as EvalJson;
}

beforeAll(async () => {
  distFile("cli/main.js"); // fails clearly when dist/ is not built
  cli = join(PROJECT_ROOT, "bin", "senti-mlops.js");
  tmp = await mkdtemp(join(tmpdir(), "senti-mlops-cli-eval-"));
  devRows = await collect(readDataset(DEV));
  ({ model } = await trainTfidf(await collect(readDataset(TRAIN)), { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4, threads: 1 }));
  modelFile = join(tmp, "tfidf.bin");
  await saveModel(model, modelFile);
  // A second, different model as an MLflow model folder (what run.logModel writes).
  const { model: unigrams } = await trainTfidf(await collect(readDataset(TRAIN)), { threads: 1 });
  modelFolder = join(tmp, "unigram-folder");
  for (const file of (await packageModel(unigrams)).files) {
    await mkdir(dirname(join(modelFolder, file.path)), { recursive: true });
    await writeFile(join(modelFolder, file.path), file.bytes);
  }
  // The same model as modelFile, logged and registered on the real MLflow server.
  const tracking = await createTracking(inject("mlflowUrl"));
  try {
    const run = await tracking.startRun({ experimentName: EXPERIMENT, runName: "train" });
    await run.logModel(model, "model", { registeredModelName: REGISTERED });
    await run.end();
    runId = run.runId;
  } finally {
    await tracking.close();
  }
}, 300_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("senti-mlops eval", () => {
  test("a model file: a metrics table and a labeled confusion matrix; --json has the library's numbers under MLflow's names", async () => {
    const r = await senti(["eval", modelFile, "--data", DEV]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stdout).toMatch(/^\s+tfidf\.bin$/m);
    for (const metric of ["accuracy", "precision", "recall", "f1", "roc_auc", "log_loss", "average_precision"]) {
      expect(r.stdout).toMatch(new RegExp(`^${metric} +\\d\\.\\d{4}$`, "m"));
    }
    expect(r.stdout).toContain("labels of tfidf.bin: 0 → Negative, 1 → Positive");
    expect(r.stdout).toContain("confusion matrix of tfidf.bin (rows = true, columns = predicted):");
    const rows = [...r.stdout.matchAll(/^\s+(Negative|Positive)\s+(\d+)\s+(\d+)$/gm)];
    expect(rows.map((m) => m[1])).toEqual(["Negative", "Positive"]);
    expect(rows.reduce((sum, m) => sum + Number(m[2]) + Number(m[3]), 0)).toBe(devRows.length);
    expect(r.stderr).toContain(`read ${devRows.length} rows from ${DEV}`);

    const json = await evalJson([modelFile, "--data", DEV]);
    const expected = await evaluateModel(model, devRows);
    expect(json.data.rows).toBe(devRows.length);
    expect(json.models).toHaveLength(1);
    expect(json.models[0]!.model_uri).toBe(modelFile);
    expect(json.models[0]!.metrics).toEqual(evaluationMetrics(expected));
    expect(json.models[0]!.confusion_matrix).toEqual(expected.metrics.confusionMatrix);
    expect(Number(/^accuracy +(\S+)$/m.exec(r.stdout)![1])).toBe(Number(expected.metrics.accuracy.toFixed(4)));
  });

  test("--compare: a model file and a model folder side by side, plots per model in --out (well-formed SVG, texts inside the viewBox)", async () => {
    const out = join(tmp, "plots");
    const r = await senti(["eval", "--compare", modelFile, modelFolder, "--data", DEV, "--out", out]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stdout).toMatch(/^\s+tfidf\.bin\s+unigram-folder$/m);
    const accuracies = /^accuracy +(\S+) +(\S+)$/m.exec(r.stdout)!;
    expect(accuracies[1]).not.toBe(accuracies[2]);
    expect(r.stdout).toContain("confusion matrix of tfidf.bin");
    expect(r.stdout).toContain("confusion matrix of unigram-folder");
    const files = (await readdir(out)).sort();
    expect(files).toEqual(
      ["tfidf.bin", "unigram-folder"].flatMap((m) => [`${m}-confusion_matrix.svg`, `${m}-precision_recall_curve_plot.svg`, `${m}-roc_curve_plot.svg`]),
    );
    const parsed = await evalPeer<Record<string, ParsedSvg>>(["svg", ...files.map((f) => join(out, f))], tmp);
    for (const [path, svg] of Object.entries(parsed)) {
      expect(svg.viewBox, path).toBe(`0 0 ${svg.width} ${svg.height}`);
      expect(textsOutside(svg), path).toEqual([]);
    }
    const roc = parsed[join(out, "tfidf.bin-roc_curve_plot.svg")]!;
    expect(roc.texts.some((t) => /^ROC curve \(AUC = 0\.\d{4}\)$/.test(t.text))).toBe(true);
    expect(parsed[join(out, "tfidf.bin-precision_recall_curve_plot.svg")]!.texts.some((t) => /^Precision-recall curve \(AP = 0\.\d{4}\)$/.test(t.text))).toBe(true);
  });

  test("runs:/ and models:/ URIs on a real MLflow server; each evaluation is a run that Python MLflow reads back with its metrics, plots and dataset input", async () => {
    const url = inject("mlflowUrl");
    const expected = evaluationMetrics(await evaluateModel(model, devRows));
    const byRun = await evalJson([`runs:/${runId}/model`, "--data", DEV, "--tracking-uri", url, "--experiment", EXPERIMENT]);
    const byName = await evalJson([`models:/${REGISTERED}/1`, "--data", DEV, "--tracking-uri", url, "--experiment", EXPERIMENT, "--run-name", "eval-v1"]);
    for (const json of [byRun, byName]) expect(json.models[0]!.metrics).toEqual(expected);
    expect(byName.experiment).toBe(EXPERIMENT);

    interface PythonRun {
      status: string;
      run_name: string;
      experiment: string;
      metrics: Record<string, number>;
      tags: Record<string, string>;
      artifacts: string[];
      inputs: { name: string; digest: string; source_type: string; source: string; schema: string; profile: string; tags: Record<string, string> }[];
      python_dataset: { name: string; digest: string; source_type: string; source: string; schema: string; profile: string };
    }
    const runIds = [byName.models[0]!.run_id!, byRun.models[0]!.run_id!];
    const runs = await evalPeer<Record<string, PythonRun>>(["run", url, DEV, ...runIds], tmp);
    const run = runs[runIds[0]!]!;
    expect(run.status).toBe("FINISHED");
    expect(run.run_name).toBe("eval-v1");
    expect(run.experiment).toBe(EXPERIMENT);
    expect(Object.keys(run.metrics).sort()).toEqual(
      ["accuracy_score", "example_count", "f1_score", "false_negatives", "false_positives", "log_loss", "precision_recall_auc", "precision_score", "recall_score", "roc_auc", "true_negatives", "true_positives"],
    );
    for (const [key, value] of Object.entries(expected)) expect(run.metrics[key], key).toBeCloseTo(value, 12);
    expect(run.tags["senti-mlops.model_uri"]).toBe(`models:/${REGISTERED}/1`);
    expect(run.artifacts).toEqual(["confusion_matrix.svg", "precision_recall_curve_plot.svg", "roc_curve_plot.svg"]);
    expect(run.inputs).toHaveLength(1);
    const { tags, ...dataset } = run.inputs[0]!;
    expect(tags).toEqual({ "mlflow.data.context": "eval" });
    // Every field as Python MLflow describes the same file: name, digest, source, schema, profile.
    expect(dataset).toEqual(run.python_dataset);
    expect(dataset.digest).toBe(byName.data.digest);

    const other = runs[runIds[1]!]!;
    expect(other.tags["senti-mlops.model_uri"]).toBe(`runs:/${runId}/model`);
    expect(other.run_name).toBe(`eval-${runId}_model`);
  });

  test("the BERT folder bert-tiny-sst2: class ids 0/1 match NEGATIVE/POSITIVE, and the accuracy is the library's predict's", async () => {
    const json = await evalJson([BERT, "--data", DEV]);
    const result = json.models[0]!;
    expect(result.kind).toBe("bert");
    expect(result.label_matches).toEqual([
      { data: 0, model: "NEGATIVE" },
      { data: 1, model: "POSITIVE" },
    ]);
    const bert = await loadBert(BERT);
    try {
      const predictions = await predict(bert, devRows.map((r) => r.text));
      const correct = predictions.filter((p, i) => p.label === ["NEGATIVE", "POSITIVE"][devRows[i]!.label as number]).length;
      expect(result.metrics.accuracy_score).toBe(correct / devRows.length);
      expect(result.metrics.example_count).toBe(devRows.length);
    } finally {
      await bert.dispose();
    }
  });

  test("errors: labels that are not the model's (both label sets named), missing files, URIs without a server, several models without --compare", async () => {
    const named = join(tmp, "named.csv");
    await writeFile(named, "text,label\nwhat a great film,pos\na dull mess,neg\n");
    const mismatch = await senti(["eval", modelFile, "--data", named]);
    expect(mismatch.code, describeResult(mismatch)).toBe(1);
    expect(mismatch.stderr).toContain(`senti-mlops: error: the labels of ${named} ("neg", "pos") do not match the model's labels ("Negative", "Positive")`);
    expect(mismatch.stderr).toContain("--label-map neg=Negative,pos=Positive");
    expect(mismatch.stderr).not.toMatch(/^ {4}at /m);
    const mapped = await evalJson([modelFile, "--data", named, "--label-map", "neg=Negative,pos=Positive"]);
    expect(mapped.models[0]!.metrics.example_count).toBe(2);

    const noData = await senti(["eval", modelFile, "--data", join(tmp, "missing.csv")]);
    expect(noData.code).toBe(1);
    expect(noData.stderr).toMatch(/^senti-mlops: error: .*missing\.csv/m);
    const noModel = await senti(["eval", join(tmp, "missing.bin"), "--data", named]);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/^senti-mlops: error: .*missing\.bin/m);
    const noServer = await senti(["eval", `models:/${REGISTERED}/1`, "--data", named]);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain(`models:/${REGISTERED}/1 needs a tracking server: give --tracking-uri URI (or set MLFLOW_TRACKING_URI)`);
    const two = await senti(["eval", modelFile, modelFolder, "--data", named]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("add --compare");
  });
});
