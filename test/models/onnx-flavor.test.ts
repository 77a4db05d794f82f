/**
 * Issue 15, item 4 ("the reverse direction"): a BERT text classifier a Python team logs with
 * MLflow's own `onnx` flavor (mlflow.onnx.log_model), its tokenizer files beside it, loads with
 * loadModel("models:/name@alias") from the real MLflow server and predicts what MLflow's own pyfunc
 * predicts. The supported ways of putting the tokenizer files beside it (extra_files=, code_paths=,
 * the folder's root) and both ONNX layouts (external data, MLflow's default, and inline) are
 * covered; a folder without the tokenizer files fails naming them; a senti-mlops model loads as before.
 */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadBert, loadModel, predict } from "../../src/index.js";
import type { BertModel } from "../../src/bert/bert-model.js";
import type { SentimentModel } from "../../src/types.js";
import { MLFLOW_VERSION } from "../../src/mlflow/sql/mlflow-schema.js";
import { createTracking, type Tracking } from "../../src/entries/tracking.js";
import { PROJECT_ROOT } from "../peers/python-env.js";
import { pythonPeer } from "../peers/python-peer.js";
import { BERT_DIR, readSst2Dev } from "../bert/helpers.js";

const PEER = join(PROJECT_ROOT, "test", "peers", "mlflow_onnx_flavor.py");
const dir = mkdtempSync(join(tmpdir(), "senti-onnx-flavor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function python<T>(command: string, request: unknown): Promise<T> {
  const result = await pythonPeer<T & { mlflow: string }>(PEER, command, request, dir);
  expect(result.mlflow).toBe(MLFLOW_VERSION);
  return result;
}

interface Logged {
  version: string;
  files: string[];
  flavors: { onnx: Record<string, unknown>; python_function: Record<string, unknown> };
  reference: { ids: number[]; proba: number[]; label: string }[] | null;
}

// SST-2 dev sentences (every 20th: 44 of 872), and the empty text.
const texts = [...readSst2Dev().filter((_, i) => i % 20 === 0).map((r) => r.text), ""];
const suffix = Math.random().toString(36).slice(2, 8);
const TOKENIZER_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json"];

let tracking: Tracking;
let local: BertModel;
beforeAll(async () => {
  tracking = await createTracking(inject("mlflowUrl"));
  local = await loadBert(BERT_DIR, { threads: 1 });
});
afterAll(async () => {
  await local?.dispose();
  await tracking?.close();
});

async function expectSameAsReference(model: SentimentModel, reference: NonNullable<Logged["reference"]>): Promise<void> {
  expect(model.kind).toBe("bert");
  expect(model.labels).toEqual(["NEGATIVE", "POSITIVE"]);
  const bert = model as BertModel;
  expect(texts.map((t) => Array.from(bert.tokenizer.encode(t).ids, Number))).toEqual(reference.map((r) => r.ids));
  const proba = await model.predictProba(texts);
  let worst = 0;
  for (const [i, row] of proba.entries()) for (const [j, p] of row.entries()) worst = Math.max(worst, Math.abs(p - reference[i]!.proba[j]!));
  expect(worst).toBeLessThan(1e-5);
  expect((await predict(model, texts)).map((p) => p.label)).toEqual(reference.map((r) => r.label));
}

describe.each([
  { beside: "extra_files", externalData: true, layout: "extra_files=[…], external data (MLflow's defaults)" },
  { beside: "code_paths", externalData: false, layout: "code_paths=[…], tensors inline" },
])("mlflow.onnx.log_model with $layout → register → alias → loadModel(models:/…)", ({ beside, externalData }) => {
  const name = `onnx-bert-${beside}-${suffix}`;
  let logged: Logged;
  beforeAll(async () => {
    logged = await python<Logged>("log", { tracking_uri: inject("mlflowUrl"), name, alias: "champion", model_dir: BERT_DIR, beside, external_data: externalData, texts });
  });

  it("is what MLflow writes for the onnx flavor", () => {
    expect(logged.flavors.python_function.loader_module).toBe("mlflow.onnx");
    expect(logged.flavors.onnx.data).toBe("model.onnx");
    const dataFiles = logged.files.filter((f) => f.endsWith(".data"));
    expect(dataFiles.length).toBe(externalData ? 1 : 0);
    const folder = beside === "extra_files" ? "extra_files" : "code";
    for (const f of TOKENIZER_FILES) expect(logged.files).toContain(`${folder}/${f}`);
    if (beside === "extra_files") expect(logged.flavors.onnx.extra_files).toEqual(TOKENIZER_FILES.map((f) => ({ path: `extra_files/${f}` })));
    else expect(logged.flavors.onnx.code).toBe("code");
  });

  it("loads with loadModel and predicts MLflow's pyfunc labels, probabilities within 1e-5", async () => {
    const model = await loadModel(`models:/${name}@champion`, { tracking });
    try {
      await expectSameAsReference(model, logged.reference!);
      // The same model as the Hugging Face folder it came from, through the same BERT path.
      expect(await model.predictProba(texts)).toEqual(await local.predictProba(texts));
    } finally {
      await (model as BertModel).dispose();
    }
  });

  it("loads with loadBert(models:/…) as well", async () => {
    const model = await loadBert(`models:/${name}/${logged.version}`, { tracking, threads: 1 });
    try {
      await expectSameAsReference(model, logged.reference!);
    } finally {
      await model.dispose();
    }
  });
});

describe("onnx-flavor models without their tokenizer files", () => {
  it("a registered model logged without them fails, naming each file and where it looked", async () => {
    const name = `onnx-bert-bare-${suffix}`;
    await python<Logged>("log", { tracking_uri: inject("mlflowUrl"), name, alias: "bare", model_dir: BERT_DIR, beside: "none", external_data: true, texts: [] });
    const error = (await loadModel(`models:/${name}@bare`, { tracking }).catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.code).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(error.message).toMatch(/has no config\.json \(looked in config\.json\), no tokenizer\.json \(looked in tokenizer\.json\), no tokenizer_config\.json \(looked in tokenizer_config\.json\) beside it/);
    expect(error.message).toContain('extra_files=["config.json", "tokenizer.json", "tokenizer_config.json"]');
  });

  it("a folder saved by mlflow.onnx.save_model fails the same way, and loads once the files are at its root", async () => {
    const folder = join(dir, "saved");
    const saved = await python<{ files: string[] }>("save", { path: folder, model_dir: BERT_DIR, external_data: true });
    expect(saved.files).toContain("model.onnx");
    const error = (await loadModel(folder).catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.code).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(error.message).toContain(`the onnx model at ${folder}`);
    expect(error.message).toContain("no tokenizer.json (looked in tokenizer.json)");
    for (const f of TOKENIZER_FILES) copyFileSync(join(BERT_DIR, f), join(folder, f));
    const model = await loadModel(folder);
    try {
      expect(await model.predictProba(texts)).toEqual(await local.predictProba(texts));
    } finally {
      await (model as BertModel).dispose();
    }
  });

  it("external data that is missing or cut short fails with DATA_LOSS naming the file", async () => {
    const folder = join(dir, "saved");
    const data = readdirSync(folder).find((f) => f.endsWith(".data"))!;
    const bytes = readFileSync(join(folder, data));
    try {
      writeFileSync(join(folder, data), bytes.subarray(0, bytes.byteLength - 4));
      const short = (await loadModel(folder).catch((e: unknown) => e)) as Error & { code?: string };
      expect(short.code).toBe("DATA_LOSS");
      expect(short.message).toContain(`${data} (${bytes.byteLength - 4} bytes) is shorter than a tensor of model.onnx`);
      rmSync(join(folder, data));
      const missing = (await loadModel(folder).catch((e: unknown) => e)) as Error & { code?: string };
      expect(missing.code).toBe("DATA_LOSS");
      expect(missing.message).toContain(`${data}, the external data of model.onnx, is missing from ${folder}`);
    } finally {
      writeFileSync(join(folder, data), bytes);
    }
  });
});

it("a BERT model senti-mlops logged to the server still loads (senti_mlops flavor, checksums verified)", async () => {
  const name = `senti-bert-${suffix}`;
  const run = await tracking.startRun({ experimentName: "onnx-flavor" });
  await run.logModel(local, "model", { registeredModelName: name });
  await run.end();
  const model = await loadModel(`models:/${name}/1`, { tracking });
  try {
    expect(model.kind).toBe("bert");
    expect(await model.predictProba(texts)).toEqual(await local.predictProba(texts));
  } finally {
    await (model as BertModel).dispose();
  }
});
