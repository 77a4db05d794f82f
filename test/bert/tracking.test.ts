/**
 * BERT models in the tracking trail: run.logModel stores the Hugging Face folder through the bert
 * codec; runs:/ and models:/ URIs load it back, by loadBert and by loadModel (checksums verified).
 * Needs ../shared/models/bert-tiny-sst2.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBertCodec, DEFAULT_CODECS, tfidfCodec } from "../../src/entries/models.js";
import { isBertModel, loadBert, type BertModel } from "../../src/entries/bert.js";
import { loadModel } from "../../src/index.js";
import type { LoggedModel } from "../../src/entries/tracking.js";
import { bertEnvironment } from "../../src/runtime/node/bert.js";
import { predict, predictProba } from "../../src/predict.js";
import { createTracking } from "../../src/entries/tracking.js";
import { BERT_DIR, reference } from "./helpers.js";

const texts = reference.slice(0, 30).map((r) => r.text);
const codecs = DEFAULT_CODECS;
const bertCodec = createBertCodec(bertEnvironment);

describe("BERT models through tracking (memory:)", () => {
  let tracking: Awaited<ReturnType<typeof createTracking>>;
  let bert: BertModel;
  let expected: number[][];
  let logged: LoggedModel;

  beforeAll(async () => {
    tracking = await createTracking("memory:");
    bert = await loadBert(BERT_DIR, { threads: 1 });
    expected = await predictProba(bert, texts);
    const run = await tracking.startRun({ experimentName: "bert" });
    logged = await run.logModel(bert, "model", { registeredModelName: "sentiment-bert", inputExample: texts.slice(0, 2) });
    await run.end();
    await tracking.registry.setRegisteredModelAlias("sentiment-bert", "champion", logged.version!.version);
  });
  afterAll(async () => {
    await bert?.dispose();
    await tracking?.close();
  });

  it("stores the model folder's files unchanged, with an MLmodel of kind bert", async () => {
    const artifacts = await tracking.openArtifacts(logged.artifactUri);
    try {
      const paths = (await artifacts.downloadArtifacts()).map((f) => f.path).sort();
      expect(paths).toEqual([
        "MLmodel",
        "code/senti_mlops_pyfunc.py",
        "conda.yaml",
        "config.json",
        "input_example.json",
        "onnx/model.onnx",
        "python_env.yaml",
        "requirements.txt",
        "serving_input_example.json",
        "tokenizer.json",
        "tokenizer_config.json",
      ]);
      for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]) {
        // Compared as Buffers: deep equality of a 19 MB typed array would walk its 19 M keys.
        const stored = await artifacts.readArtifact(file);
        expect(stored && Buffer.from(stored).equals(await readFile(join(BERT_DIR, file)))).toBe(true);
      }
    } finally {
      await artifacts.dispose();
    }
    const flavor = logged.mlmodel.flavors.senti_mlops!;
    expect(flavor.model_kind).toBe("bert");
    expect(flavor.labels).toEqual(["NEGATIVE", "POSITIVE"]);
    expect(Object.keys(flavor.files)).toContain("onnx/model.onnx");
  });

  for (const uri of ["runs", "models:/sentiment-bert/1", "models:/sentiment-bert@champion", "models:/sentiment-bert/latest"]) {
    it(`loadBert reads ${uri === "runs" ? "runs:/<id>/model" : uri}`, async () => {
      const model = await loadBert(uri === "runs" ? logged.modelUri : uri, { tracking });
      try {
        expect(model.labels).toEqual(bert.labels);
        expect(await predictProba(model, texts)).toEqual(expected);
      } finally {
        await model.dispose();
      }
    });
  }

  it("loads an artifact URI directly, and a logged model can be logged again from it", async () => {
    const model = await loadBert(logged.artifactUri, { tracking });
    try {
      expect(await predictProba(model, texts)).toEqual(expected);
      const run = await tracking.startRun({ experimentName: "bert" });
      const again = await run.logModel(model, "copy");
      await run.end();
      const { "input_example.json": _a, "serving_input_example.json": _b, ...modelFiles } = logged.mlmodel.flavors.senti_mlops!.files;
      expect(again.mlmodel.flavors.senti_mlops!.files).toEqual(modelFiles);
    } finally {
      await model.dispose();
    }
  });

  it("loadModel decodes it with the codec, with the codec's options, and verifies checksums", async () => {
    const model = await loadModel("models:/sentiment-bert@champion", { tracking, codecs: [tfidfCodec, createBertCodec(bertEnvironment, { maxBatchSize: 4, threads: 1 })] });
    try {
      expect(isBertModel(model)).toBe(true);
      expect((model as BertModel).limits.maxBatchSize).toBe(4);
      expect(await predict(model, texts)).toEqual(await predict(bert, texts));
    } finally {
      await (model as BertModel).dispose();
    }

    const run = await tracking.startRun({ experimentName: "bert" });
    const tampered = await run.logModel(bert, "tampered");
    await run.end();
    const artifacts = await tracking.openArtifacts(tampered.artifactUri);
    const config = JSON.parse(new TextDecoder().decode((await artifacts.readArtifact("config.json"))!)) as Record<string, unknown>;
    config.id2label = { 0: "neg", 1: "pos" };
    await artifacts.writeArtifact("config.json", new TextEncoder().encode(JSON.stringify(config)));
    await artifacts.dispose();
    await expect(loadModel(tampered.modelUri, { tracking, codecs })).rejects.toMatchObject({ code: "DATA_LOSS", message: expect.stringContaining("config.json") });
  });

  it("the codec refuses models that are not from loadBert", async () => {
    await expect(bertCodec.encode({ kind: "bert", labels: ["a"], predictProba: () => [[1]] })).rejects.toMatchObject({
      code: "INVALID_PARAMETER_VALUE",
      message: expect.stringContaining("needs a model from loadBert"),
    });
  });
});
