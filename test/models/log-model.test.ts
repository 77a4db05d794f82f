/**
 * run.logModel → registry → loadModel, on the memory and SQLite stores: the MLmodel file, the
 * log-model history tag, registration, every models:/ URI form, integrity checks and bad input.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../../src/index.js";
import { parseMlModel } from "../../src/models/mlmodel.js";
import { parseModelsUri, parseRunsUri } from "../../src/mlflow/model-uri.js";
import { predict } from "../../src/predict.js";
import { TFIDF_FORMAT_VERSION, trainTfidf } from "../../src/entries/tfidf.js";
import type { TfidfModel } from "../../src/tfidf/model.js";
import { createTracking } from "../../src/entries/tracking.js";
import { dataFile } from "../peers/sklearn.js";

const rows = (parse(readFileSync(dataFile("rt-polarity/train.csv")), { columns: true }) as { text: string; label: string }[]).map((r) => ({
  text: r.text,
  label: Number(r.label),
}));
const texts = ["A wonderful, moving film.", "Dull and far too long.", "", "ok"];
let model: TfidfModel;

beforeAll(async () => {
  ({ model } = await trainTfidf(rows.slice(0, 2000), { ngramRange: [1, 2] }));
});

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: { code?: string }) => e.code,
  );

describe("models:/ and runs:/ URIs", () => {
  it("parse as MLflow parses them", () => {
    expect(parseModelsUri("models:/m/3")).toEqual({ kind: "version", name: "m", version: "3" });
    expect(parseModelsUri("models:/m/LATEST")).toEqual({ kind: "latest", name: "m" });
    expect(parseModelsUri("models:/m/production")).toEqual({ kind: "stage", name: "m", stage: "production" });
    expect(parseModelsUri("models:/m@a@champion")).toEqual({ kind: "alias", name: "m@a", alias: "champion" });
    expect(parseModelsUri("models:/m-0123")).toEqual({ kind: "modelId", modelId: "m-0123" });
    for (const bad of ["models:/", "models:m/1", "models:/a/b/c", "models:/m/ ", "models:/m@", "runs:/x/y"]) {
      expect(() => parseModelsUri(bad), bad).toThrowError(/Not a proper models:\/ URI/);
    }
    expect(parseRunsUri("runs:/abc/model/")).toEqual({ runId: "abc", path: "model" });
    expect(parseRunsUri("runs:/abc")).toEqual({ runId: "abc", path: "" });
    expect(() => parseRunsUri("runs:/")).toThrowError(/runs:\//);
  });
});

for (const kind of ["memory", "sqlite"] as const) {
  describe(`logModel → register → loadModel (${kind})`, () => {
    const open = () => {
      if (kind === "memory") return createTracking("memory:");
      const dir = mkdtempSync(join(tmpdir(), "senti-log-model-"));
      return createTracking(`sqlite:///${join(dir, "mlflow.db")}`, { artifactRoot: join(dir, "mlruns") });
    };

    it("logs an MLflow model folder, records the history tag, registers, and loads by alias with the same predictions", async () => {
      const tracking = await open();
      const run = await tracking.startRun({ experimentName: "sentiment" });
      const logged = await run.logModel(model, "model", { registeredModelName: "sentiment-tfidf", inputExample: texts.slice(0, 2) });
      await run.end();
      expect(logged.modelUri).toBe(`runs:/${run.runId}/model`);
      expect(logged.version).toMatchObject({ name: "sentiment-tfidf", version: "1", source: `runs:/${run.runId}/model`, runId: run.runId, status: "READY" });

      const artifacts = await tracking.runArtifacts(run.runId);
      const listing = await artifacts.listArtifacts("model");
      // The python_function flavor's loader (under code/) and environment files sit beside the data.
      expect(listing.map((e) => e.path)).toEqual([
        "model/MLmodel",
        "model/code",
        "model/conda.yaml",
        "model/input_example.json",
        "model/model.senti",
        "model/python_env.yaml",
        "model/requirements.txt",
        "model/serving_input_example.json",
      ]);
      const mlmodel = parseMlModel(new TextDecoder().decode((await artifacts.readArtifact("model/MLmodel"))!));
      await artifacts.dispose();
      expect(mlmodel).toMatchObject({ artifact_path: "model", run_id: run.runId, mlflow_version: "3.17.2" });
      expect(mlmodel.utc_time_created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
      expect(mlmodel.flavors.senti_mlops).toMatchObject({ model_kind: "tfidf", format_version: TFIDF_FORMAT_VERSION, data: "model.senti", labels: [...model.labels] });
      expect(Object.keys(mlmodel.flavors.senti_mlops!.files).sort()).toEqual([
        "code/senti_mlops_pyfunc.py",
        "conda.yaml",
        "input_example.json",
        "model.senti",
        "python_env.yaml",
        "requirements.txt",
        "serving_input_example.json",
      ]);
      expect(mlmodel.flavors.python_function).toEqual({
        loader_module: "senti_mlops_pyfunc",
        code: "code",
        env: { conda: "conda.yaml", virtualenv: "python_env.yaml" },
        python_version: "3.11",
        predict_fn: "predict",
      });
      expect(JSON.parse(mlmodel.signature!.inputs!)).toEqual([{ type: "string", name: "text", required: true }]);
      expect(mlmodel.saved_input_example_info).toEqual({
        artifact_path: "input_example.json",
        type: "dataframe",
        pandas_orient: "split",
        serving_input_path: "serving_input_example.json",
      });

      const history = JSON.parse((await tracking.store.getRun(run.runId)).data.tags["mlflow.log-model.history"]!);
      expect(history).toEqual([
        {
          run_id: run.runId,
          artifact_path: "model",
          utc_time_created: mlmodel.utc_time_created,
          model_uuid: mlmodel.model_uuid,
          flavors: { python_function: mlmodel.flavors.python_function, senti_mlops: mlmodel.flavors.senti_mlops },
        },
      ]);

      await tracking.registry.setRegisteredModelAlias("sentiment-tfidf", "champion", "1");
      const expected = await predict(model, texts);
      for (const uri of ["models:/sentiment-tfidf@champion", "models:/sentiment-tfidf/1", "models:/sentiment-tfidf/latest", `runs:/${run.runId}/model`, logged.artifactUri]) {
        const loaded = await loadModel(uri, { tracking });
        expect(await predict(loaded, texts), uri).toEqual(expected);
      }
      await tracking.close();
    });

    it("refuses runs:/ paths (given or from a models:/ source) that climb out of the run's artifacts", async () => {
      const tracking = await open();
      const a = await tracking.startRun({});
      await a.logModel(model, "model");
      const b = await tracking.startRun({});
      await b.logModel(model, "model");
      const escapes = [
        `runs:/${b.runId}/../../${a.runId}/artifacts/model`,
        `runs:/${b.runId}/model/../../../${a.runId}/artifacts/model`,
        `runs:/${b.runId}//model`,
        `runs:/${b.runId}/model\\..\\x`,
        `runs:/${b.runId}/%2e%2e/%2E%2E/${a.runId}/artifacts/model`,
      ];
      for (const uri of escapes) {
        const error = await loadModel(uri, { tracking }).then(
          () => undefined,
          (e: { code?: string; message?: string }) => e,
        );
        expect(error?.code, uri).toBe("INVALID_PARAMETER_VALUE");
        expect(error?.message, uri).toContain(JSON.stringify(uri));
      }
      await tracking.registry.createRegisteredModel("climber");
      const v = await tracking.registry.createModelVersion({ name: "climber", source: escapes[0]!, runId: b.runId }).catch(() => undefined);
      if (v) expect(await codeOf(loadModel("models:/climber/1", { tracking }))).toBe("INVALID_PARAMETER_VALUE");
      await a.end();
      await b.end();
      await tracking.close();
    });

    it("resolves stages to the highest version in that stage, and errors name what is missing", async () => {
      const tracking = await open();
      const run = await tracking.startRun({});
      await run.logModel(model, "a", { registeredModelName: "staged" });
      await run.logModel(model, "b", { registeredModelName: "staged" });
      await run.logModel(model, "c", { registeredModelName: "staged" });
      await tracking.registry.transitionModelVersionStage("staged", "1", "Production", false);
      await tracking.registry.transitionModelVersionStage("staged", "2", "production", false);
      const v = await tracking.registry.getLatestVersions("staged", ["Production"]);
      expect(v.map((x) => x.version)).toEqual(["2"]);
      const loaded = await loadModel("models:/staged/Production", { tracking });
      expect(loaded.labels).toEqual(model.labels);
      expect(await codeOf(loadModel("models:/staged/Staging", { tracking }))).toBe("RESOURCE_DOES_NOT_EXIST");
      // MLflow answers an unknown alias with INVALID_PARAMETER_VALUE ("Registered model alias … not found").
      expect(await codeOf(loadModel("models:/staged@nobody", { tracking }))).toBe("INVALID_PARAMETER_VALUE");
      expect(await codeOf(loadModel("models:/staged/9", { tracking }))).toBe("RESOURCE_DOES_NOT_EXIST");
      expect(await codeOf(loadModel("models:/nothing/1", { tracking }))).toBe("RESOURCE_DOES_NOT_EXIST");
      expect(await codeOf(loadModel(`runs:/${run.runId}/missing`, { tracking }))).toBe("RESOURCE_DOES_NOT_EXIST");
      expect(await codeOf(loadModel("models:/staged/1"))).toBe("INVALID_PARAMETER_VALUE");
      // A history entry per logged model, in order.
      const history = JSON.parse((await tracking.store.getRun(run.runId)).data.tags["mlflow.log-model.history"]!);
      expect(history.map((h: { artifact_path: string }) => h.artifact_path)).toEqual(["a", "b", "c"]);
      await run.end();
      await tracking.close();
    });

    it("refuses a second model at the same path, bad paths and unknown model kinds, writing nothing", async () => {
      const tracking = await open();
      const run = await tracking.startRun({});
      await run.logModel(model, "model");
      expect(await codeOf(run.logModel(model, "model"))).toBe("RESOURCE_ALREADY_EXISTS");
      for (const bad of ["", "../up", "/abs", "a/../../b"]) expect(await codeOf(run.logModel(model, bad)), bad).toBe("INVALID_PARAMETER_VALUE");
      const fake = { kind: "mystery", labels: ["a"], predictProba: () => [[1]] };
      expect(await codeOf(run.logModel(fake, "other"))).toBe("INVALID_PARAMETER_VALUE");
      expect(await codeOf(run.logModel(model, "x", { registeredModelName: "bad/name" }))).toBe("INVALID_PARAMETER_VALUE");
      const artifacts = await run.artifacts();
      expect((await artifacts.listArtifacts()).map((e) => e.path)).toEqual(["model"]);
      await artifacts.dispose();
      await run.end();
      await tracking.close();
    });
  });
}

describe("integrity", () => {
  it("a modified or missing model file fails with DATA_LOSS naming the file; a model folder loads from its path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "senti-integrity-"));
    const tracking = await createTracking(`sqlite:///${join(dir, "mlflow.db")}`, { artifactRoot: join(dir, "mlruns") });
    const run = await tracking.startRun({});
    const logged = await run.logModel(model, "model");
    await run.end();
    const folder = logged.artifactUri;
    expect((await loadModel(folder)).labels).toEqual(model.labels);
    const file = join(folder, "model.senti");
    const bytes = readFileSync(file);
    bytes[bytes.length - 40]! ^= 1;
    writeFileSync(file, bytes);
    const error = await loadModel(logged.modelUri, { tracking }).catch((e: Error & { code?: string }) => e);
    expect((error as { code?: string }).code).toBe("DATA_LOSS");
    expect((error as Error).message).toContain("model.senti");
    writeFileSync(join(folder, "MLmodel"), "flavors: {python_function: {loader_module: mlflow.sklearn}}\n");
    const foreign = await loadModel(folder).catch((e: Error & { code?: string }) => e);
    expect((foreign as { code?: string }).code).toBe("INVALID_PARAMETER_VALUE");
    expect((foreign as Error).message).toMatch(/no senti_mlops flavor \(flavors: python_function\)/);
    await tracking.close();
  });
});

describe("BERT through the entries' default codecs", () => {
  it("run.logModel stores a BERT model and loadModel (main entry) brings it back with the same probabilities", async () => {
    const { loadBert } = await import("../../src/index.js");
    const { BERT_DIR } = await import("../bert/helpers.js");
    const bert = await loadBert(BERT_DIR, { threads: 1 });
    const tracking = await createTracking("memory:");
    const run = await tracking.startRun({});
    const logged = await run.logModel(bert, "bert", { registeredModelName: "sentiment-bert" });
    await run.end();
    expect(logged.mlmodel.flavors.senti_mlops).toMatchObject({ model_kind: "bert", labels: ["NEGATIVE", "POSITIVE"] });
    const back = await loadModel("models:/sentiment-bert/1", { tracking });
    expect(back.kind).toBe("bert");
    expect(await back.predictProba(texts)).toEqual(await bert.predictProba(texts));
    await (back as unknown as { dispose(): Promise<void> }).dispose();
    await bert.dispose();
    await tracking.close();
  });
});
