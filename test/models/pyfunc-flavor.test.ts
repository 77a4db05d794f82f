/**
 * Issue 15, items 1 and 2: every model senti-mlops logs carries MLflow's `python_function` flavor,
 * and real MLflow uses it. `mlflow.pyfunc.load_model("models:/…@champion")` predicts the same labels
 * as senti-mlops and probabilities within 1e-6 (TF-IDF) and 1e-5 (BERT) on SST-2 dev; `mlflow models
 * serve --env-manager local` answers `/invocations` as the Express service's `/invocations` does for
 * the same payloads; `validate_serving_input` accepts the logged input example. Every TF-IDF option
 * the model file can hold (analyzers, token patterns, stop words, compact weights, three classes)
 * loads in Python; a folder logged without the flavor still loads in senti-mlops.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadBert, loadModel } from "../../src/index.js";
import { predict, predictProba } from "../../src/predict.js";
import { MLFLOW_VERSION } from "../../src/mlflow/sql/mlflow-schema.js";
import { trainTfidf, type TrainTfidfOptions } from "../../src/entries/tfidf.js";
import { createTracking, type Tracking } from "../../src/entries/tracking.js";
import type { SentimentModel } from "../../src/types.js";
import { isBertModel } from "../../src/bert/bert-model.js";
import { startModelServer } from "../peers/mlflow-server.js";
import { PROJECT_ROOT } from "../peers/python-env.js";
import { pythonPeer } from "../peers/python-peer.js";
import { dataFile } from "../peers/sklearn.js";
import { startTestServer } from "../server/helpers.js";

const PEER = join(PROJECT_ROOT, "test", "peers", "mlflow_pyfunc.py");
const BERT_DIR = join(PROJECT_ROOT, "..", "shared", "models", "bert-tiny-sst2");
const dir = mkdtempSync(join(tmpdir(), "senti-pyfunc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PythonUse {
  error?: string;
  columns: string[];
  labels: string[];
  scores: number[];
  raw_labels: string[];
  proba: number[][];
  requirements: string[];
  validated: { label: string; score: number }[];
  loader_module: string;
}

/** Python's MLflow loading each model URI through its python_function flavor and predicting `texts`. */
async function pythonUse(trackingUri: string, modelUris: string[], texts: readonly string[]): Promise<Record<string, PythonUse>> {
  const result = await pythonPeer<{ results: Record<string, PythonUse>; mlflow: string }>(PEER, "predict", { tracking_uri: trackingUri, model_uris: modelUris, texts }, dir);
  expect(result.mlflow).toBe(MLFLOW_VERSION);
  return result.results;
}

const readCsv = (name: string) =>
  (parse(readFileSync(dataFile(name)), { columns: true }) as { text: string; label: string }[]).map((r) => ({ text: r.text, label: Number(r.label) }));
const train = readCsv("sst2/train.csv");
const devTexts = readCsv("sst2/dev.csv").map((r) => r.text);
/** Texts on which Python's and JavaScript's string handling could part: case, accents, spaces, astral characters. */
const EDGE_TEXTS = [
  "",
  "   ",
  "GREAT Film!!! :) 10/10",
  "Café crème, naïve façade — déjà vu",
  "İstanbul ǅ ﬁlm ＦＵＬＬ　ＷＩＤＴＨ",
  "tabs\there\tand\u00a0nbsp\u2028line\u2029para\u0085nel",
  "emoji 😀😀 🎬 and a 𝒻𝒶𝓃𝒸𝓎 word",
  "don't won't can't I'd it's",
  "x".repeat(300) + " y",
];
const TEXTS = [...devTexts, ...EDGE_TEXTS];

/** Senti-mlops's own answer, the reference for Python's. */
async function ours(model: SentimentModel, texts: readonly string[]) {
  return { predictions: await predict(model, texts), proba: await predictProba(model, texts) };
}

function expectSameAsOurs(seen: PythonUse, reference: Awaited<ReturnType<typeof ours>>, model: SentimentModel, tolerance: number, what = ""): void {
  expect(seen.error, `${what} ${seen.error}`).toBeUndefined();
  expect(seen.loader_module).toBe("senti_mlops_pyfunc");
  expect(seen.columns).toEqual(["label", "score"]);
  expect(seen.raw_labels).toEqual([...model.labels]);
  expect(seen.labels, what).toEqual(reference.predictions.map((p) => p.label));
  let worst = 0;
  seen.proba.forEach((row, i) => row.forEach((p, c) => (worst = Math.max(worst, Math.abs(p - reference.proba[i]![c]!)))));
  seen.scores.forEach((s, i) => (worst = Math.max(worst, Math.abs(s - reference.predictions[i]!.score))));
  expect(worst, what).toBeLessThanOrEqual(tolerance);
}

describe("models logged to a real MLflow server, used from Python through models:/…@champion", () => {
  let tracking: Tracking;
  let tfidf: SentimentModel;
  let bert: SentimentModel;
  const tfidfName = `pyfunc-tfidf-${Math.random().toString(36).slice(2, 8)}`;
  const bertName = `pyfunc-bert-${Math.random().toString(36).slice(2, 8)}`;
  let seen: Record<string, PythonUse>;

  beforeAll(async () => {
    tracking = await createTracking(inject("mlflowUrl"));
    ({ model: tfidf } = await trainTfidf(train, { preset: "strong" }));
    bert = await loadBert(BERT_DIR);
    const run = await tracking.startRun({ experimentName: "senti-pyfunc" });
    for (const [model, name] of [
      [tfidf, tfidfName],
      [bert, bertName],
    ] as const) {
      const logged = await run.logModel(model, name, { registeredModelName: name, inputExample: devTexts.slice(0, 3) });
      await tracking.registry.setRegisteredModelAlias(name, "champion", logged.version!.version);
    }
    await run.end();
    seen = await pythonUse(inject("mlflowUrl"), [`models:/${tfidfName}@champion`, `models:/${bertName}@champion`], TEXTS);
  });
  afterAll(async () => {
    if (bert && isBertModel(bert)) await bert.dispose();
    await tracking?.close();
  });

  it("TF-IDF: the same labels, probabilities within 1e-6; numpy is all it needs; the input example validates", async () => {
    const use = seen[`models:/${tfidfName}@champion`]!;
    const reference = await ours(tfidf, TEXTS);
    expectSameAsOurs(use, reference, tfidf, 1e-6);
    expect(use.requirements).toEqual(["mlflow", "numpy>=1.21", "pandas", "pyyaml"]);
    expect(use.validated).toEqual(use.labels.slice(0, 3).map((label, i) => ({ label, score: use.scores[i] })));
  });

  it("BERT: the same labels, probabilities within 1e-5, through onnxruntime and tokenizers", async () => {
    const use = seen[`models:/${bertName}@champion`]!;
    expectSameAsOurs(use, await ours(bert, TEXTS), bert, 1e-5);
    expect(use.requirements).toEqual(expect.arrayContaining(["onnxruntime>=1.16", "tokenizers>=0.15"]));
    expect(use.validated.map((r) => r.label)).toEqual(use.labels.slice(0, 3));
  });

  it("`mlflow models serve` answers /invocations as the Express service does, in every input format", async () => {
    const serving = await startModelServer({ modelUri: `models:/${tfidfName}@champion`, trackingUri: inject("mlflowUrl") });
    const service = await startTestServer({ MLFLOW_TRACKING_URI: inject("mlflowUrl"), REGISTERED_MODEL_NAME: tfidfName });
    try {
      const texts = [...devTexts.slice(0, 20), ...EDGE_TEXTS.filter((t) => t.trim() !== "")];
      const csv = "text\n" + texts.map((t) => `"${t.replace(/"/g, '""')}"`).join("\n") + "\n";
      const payloads: [string, string, string][] = [
        ["dataframe_split", "application/json", JSON.stringify({ dataframe_split: { columns: ["text"], data: texts.map((t) => [t]) } })],
        ["dataframe_records", "application/json", JSON.stringify({ dataframe_records: texts.map((text) => ({ text })) })],
        ["instances", "application/json", JSON.stringify({ instances: texts })],
        ["inputs", "application/json", JSON.stringify({ inputs: texts })],
        ["CSV", "text/csv", csv],
      ];
      const expected = (await predict(tfidf, texts)).map((p) => p.label);
      for (const [format, type, body] of payloads) {
        const answers = [];
        for (const url of [serving.url, service.url]) {
          const res = await fetch(`${url}/invocations`, { method: "POST", headers: { "content-type": type }, body });
          expect(res.status, `${format} at ${url}: ${await res.clone().text()}`).toBe(200);
          answers.push(((await res.json()) as { predictions: { label: string; score: number }[] }).predictions);
        }
        const [mlflowAnswer, expressAnswer] = answers;
        expect(mlflowAnswer!.map((p) => p.label), format).toEqual(expected);
        expect(expressAnswer!.map((p) => p.label), format).toEqual(expected);
        mlflowAnswer!.forEach((p, i) => expect(Math.abs(p.score - expressAnswer![i]!.score), `${format} row ${i}`).toBeLessThanOrEqual(1e-9));
      }
    } finally {
      await Promise.all([serving.stop(), service.stop()]);
    }
  });
});

describe("every TF-IDF option the model file holds loads in Python (SQLite store)", () => {
  const small = train.slice(0, 4000);
  const threeClasses = small.map((r) => ({ text: r.text, label: r.text.split(" ").length < 6 ? "short" : r.label === 1 ? "good" : "bad" }));
  const variants: [string, TrainTfidfOptions, typeof small | typeof threeClasses][] = [
    ["best preset (punctuation tokens, 1-3-grams, NB scaling)", { preset: "best" }, small],
    ["web preset (int8 weights, 100k features)", { preset: "web" }, small],
    ["char_wb 2-5-grams, accents stripped (unicode)", { analyzer: "char_wb", ngramRange: [2, 5], stripAccents: "unicode" }, small],
    ["char 1-3-grams, case kept, accents stripped (ascii)", { analyzer: "char", ngramRange: [1, 3], lowercase: false, stripAccents: "ascii" }, small],
    ["english stop words, binary counts, l1 norm, no idf", { stopWords: "english", binary: true, norm: "l1", useIdf: false, ngramRange: [1, 2] }, small],
    ["a custom stop-word list and a custom token pattern", { stopWords: ["the", "a"], tokenPattern: /[a-z']+/i, sublinearTf: true }, small],
    ["three classes (multinomial)", { ngramRange: [1, 2] }, threeClasses],
  ];
  let tracking: Tracking;
  const trackingUri = `sqlite:///${join(dir, "variants.db")}`;
  const models = new Map<string, SentimentModel>();

  beforeAll(async () => {
    tracking = await createTracking(trackingUri, { artifactRoot: join(dir, "variants-artifacts") });
    for (const [i, [label, options, rows]] of variants.entries()) {
      const { model } = await trainTfidf(rows, options);
      const run = await tracking.startRun({ experimentName: "senti-pyfunc-variants", runName: label });
      const logged = await run.logModel(model, "model", { registeredModelName: `variant-${i}`, inputExample: ["fine", "not fine"] });
      await run.end();
      await tracking.registry.setRegisteredModelAlias(`variant-${i}`, "champion", logged.version!.version);
      models.set(label, model);
    }
    // A pattern with Unicode properties has no mechanical spelling in Python's re.
    const { model } = await trainTfidf(small, { tokenPattern: /\p{L}+/u });
    const run = await tracking.startRun({ experimentName: "senti-pyfunc-variants" });
    await run.logModel(model, "model", { registeredModelName: "untranslatable", inputExample: ["fine"] });
    await run.end();
    await tracking.registry.setRegisteredModelAlias("untranslatable", "champion", "1");
  });
  afterAll(async () => {
    await tracking?.close();
  });

  it("each model predicts in Python as in senti-mlops (labels equal, probabilities within 1e-6)", async () => {
    const uris = variants.map((_, i) => `models:/variant-${i}@champion`);
    const seen = await pythonUse(trackingUri, [...uris, "models:/untranslatable@champion"], TEXTS);
    for (const [i, [label]] of variants.entries()) {
      const model = models.get(label)!;
      expectSameAsOurs(seen[uris[i]!]!, await ours(model, TEXTS), model, 1e-6, label);
    }
    expect(seen["models:/untranslatable@champion"]!.error).toMatch(/token pattern \/\\p\{L\}\+\/ has no Python equivalent/);
  });

  it("a folder logged without the flavor (as before it existed) loads in senti-mlops, and MLflow says what it lacks", async () => {
    const model = models.get(variants[0]![0])!;
    const run = await tracking.startRun({ experimentName: "senti-pyfunc-variants" });
    const logged = await run.logModel(model, "plain", { pythonFunction: false, registeredModelName: "plain" });
    await run.end();
    expect(Object.keys(logged.mlmodel.flavors)).toEqual(["senti_mlops"]);
    expect(Object.keys(logged.mlmodel.flavors.senti_mlops!.files).sort()).toEqual(["model.senti"]);
    const loaded = await loadModel(`models:/plain/${logged.version!.version}`, { tracking });
    expect(await predictProba(loaded, TEXTS)).toEqual(await predictProba(model, TEXTS));
    const seen = await pythonUse(trackingUri, [`models:/plain/${logged.version!.version}`], ["fine"]);
    expect(seen[`models:/plain/${logged.version!.version}`]!.error).toMatch(/python_function/);
  });
});
