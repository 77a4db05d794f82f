/**
 * Issue 4's "done when": a model trained by trainTfidf, logged, registered and aliased `champion`
 * loads by models:/name@champion from the SQL store and from a real MLflow server and predicts the
 * same — and Python's MLflow sees the logged model, its MLmodel file, the version and the alias
 * (and an alias Python sets is what senti-mlops then loads).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadModel } from "../../src/index.js";
import { predict } from "../../src/predict.js";
import { MLFLOW_VERSION } from "../../src/mlflow/sql/mlflow-schema.js";
import { trainTfidf } from "../../src/entries/tfidf.js";
import type { TfidfModel } from "../../src/tfidf/model.js";
import { createS3ArtifactBackend } from "../../src/adapters/artifact-backends.node.js";
import { createTracking } from "../../src/entries/tracking.js";
import type { Tracking } from "../../src/entries/tracking.js";
import { PROJECT_ROOT } from "../peers/python-env.js";
import { pythonPeer } from "../peers/python-peer.js";
import { startS3Server, type S3Server } from "../peers/s3-server.js";
import { dataFile } from "../peers/sklearn.js";

const PEER = join(PROJECT_ROOT, "test", "peers", "mlflow_models.py");
const dir = mkdtempSync(join(tmpdir(), "senti-models-e2e-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function python<T>(command: string, request: unknown, env: Record<string, string> = {}): Promise<T> {
  const result = await pythonPeer<T & { mlflow: string }>(PEER, command, request, dir, env);
  expect(result.mlflow).toBe(MLFLOW_VERSION);
  return result;
}

interface Inspection {
  version: { name: string; version: string; source: string; run_id: string; status: string; aliases: string[] };
  registered_aliases: Record<string, string>;
  files: Record<string, { sha256: string; size: number }>;
  mlmodel: {
    flavors: Record<string, { model_kind: string; files: Record<string, { sha256: string; size: number }> }>;
    run_id: string;
    artifact_path: string;
    model_uuid: string;
    signature_inputs: unknown;
    saved_input_example_info: unknown;
  };
  history: { artifact_path: string; model_uuid: string; flavors: Record<string, unknown> }[];
  listed: { path: string; is_dir: boolean; file_size: number | null }[];
}

const rows = (parse(readFileSync(dataFile("sst2/train.csv")), { columns: true }) as { text: string; label: string }[]).map((r) => ({
  text: r.text,
  label: Number(r.label),
}));
const texts = ["An absolute joy from start to finish.", "A tedious, joyless mess.", "It is a film.", ""];
let model: TfidfModel;
beforeAll(async () => {
  ({ model } = await trainTfidf(rows.slice(0, 5000), { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 }));
});

const stores: [string, () => string][] = [
  ["SQL store (sqlite file)", () => `sqlite:///${join(dir, "mlflow.db")}`],
  ["real MLflow server", () => inject("mlflowUrl")],
];

describe.each(stores)("trainTfidf → logModel → register → alias champion → loadModel (%s)", (_label, uriOf) => {
  let tracking: Tracking;
  beforeAll(async () => {
    tracking = await createTracking(uriOf(), { artifactRoot: join(dir, "mlruns") });
  });
  afterAll(async () => {
    await tracking.close();
  });

  it("loads models:/name@champion and predicts exactly as the trained model; Python MLflow sees model, version and alias", async () => {
    const name = `sentiment-tfidf-${Math.random().toString(36).slice(2, 8)}`;
    const run = await tracking.startRun({ experimentName: "senti-models-e2e", runName: "tfidf" });
    const logged = await run.logModel(model, "model", { registeredModelName: name, inputExample: texts.slice(0, 2) });
    await run.end();
    await tracking.registry.setRegisteredModelAlias(name, "champion", logged.version!.version);

    const champion = await loadModel(`models:/${name}@champion`, { tracking });
    expect(await predict(champion, texts)).toEqual(await predict(model, texts));
    expect(await champion.predictProba(texts)).toEqual(await model.predictProba(texts));

    const seen = await python<Inspection>("inspect", { tracking_uri: uriOf(), name, alias: "champion", run_id: run.runId });
    expect(seen.version).toMatchObject({ name, version: "1", source: `runs:/${run.runId}/model`, run_id: run.runId, status: "READY", aliases: ["champion"] });
    expect(seen.registered_aliases).toEqual({ champion: "1" });
    // What Python downloaded through models:/…@champion is byte for byte what the MLmodel lists.
    const flavor = seen.mlmodel.flavors.senti_mlops!;
    expect(flavor.model_kind).toBe("tfidf");
    // MLflow adds registered_model_meta to what it downloads for a models:/ URI (models_artifact_repo.py:206).
    expect(Object.keys(seen.files).sort()).toEqual(["MLmodel", "registered_model_meta", ...Object.keys(flavor.files)].sort());
    for (const [path, digest] of Object.entries(flavor.files)) expect(seen.files[path], path).toEqual(digest);
    expect(seen.mlmodel).toMatchObject({ run_id: run.runId, artifact_path: "model", model_uuid: logged.mlmodel.model_uuid });
    expect(seen.mlmodel.signature_inputs).toEqual([{ type: "string", name: "text", required: true }]);
    expect(seen.mlmodel.saved_input_example_info).toMatchObject({ artifact_path: "input_example.json", type: "dataframe" });
    expect(seen.history).toHaveLength(1);
    expect(seen.history[0]).toMatchObject({ artifact_path: "model", model_uuid: logged.mlmodel.model_uuid });
    expect(seen.listed.map((f) => f.path)).toEqual([
      "model/MLmodel",
      "model/code",
      "model/conda.yaml",
      "model/input_example.json",
      "model/model.senti",
      "model/python_env.yaml",
      "model/requirements.txt",
      "model/serving_input_example.json",
    ]);
    const ours = await (await tracking.runArtifacts(run.runId)).listArtifacts("model");
    expect(ours.map((f) => ({ path: f.path, is_dir: f.isDir, file_size: f.fileSize }))).toEqual(seen.listed);
  });

  it("an alias Python moves is the version senti-mlops loads", async () => {
    const name = `sentiment-moved-${Math.random().toString(36).slice(2, 8)}`;
    const run = await tracking.startRun({ experimentName: "senti-models-e2e" });
    const first = await run.logModel(model, "v1", { registeredModelName: name });
    const { model: other } = await trainTfidf(rows.slice(5000, 7000), { C: 0.5 });
    const second = await run.logModel(other, "v2", { registeredModelName: name });
    await run.end();
    await tracking.registry.setRegisteredModelAlias(name, "champion", first.version!.version);
    expect(await (await loadModel(`models:/${name}@champion`, { tracking })).predictProba(texts)).toEqual(await model.predictProba(texts));
    await python("alias", { tracking_uri: uriOf(), name, alias: "champion", version: second.version!.version });
    expect(await (await loadModel(`models:/${name}@champion`, { tracking })).predictProba(texts)).toEqual(await other.predictProba(texts));
  });
});

describe("artifacts on S3 (moto, SigV4): the run's s3:// artifact URI picks the S3 adapter", () => {
  let s3: S3Server;
  let tracking: Tracking;
  const uri = () => `sqlite:///${join(dir, "s3-artifacts.db")}`;
  beforeAll(async () => {
    s3 = await startS3Server();
    const { S3Client, CreateBucketCommand } = await import("@aws-sdk/client-s3");
    const admin = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await admin.send(new CreateBucketCommand({ Bucket: "mlflow" }));
    admin.destroy();
    tracking = await createTracking(uri(), {
      artifactRoot: "s3://mlflow/artifacts",
      artifactBackends: {
        s3: createS3ArtifactBackend({
          endpoint: s3.endpoint,
          region: s3.region,
          forcePathStyle: true,
          credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        }),
      },
    });
  });
  afterAll(async () => {
    await tracking?.close();
    await s3?.stop();
  });

  it("logs to S3, loads models:/name@champion back, and Python MLflow (boto3) downloads the same files", async () => {
    const name = "sentiment-on-s3";
    const run = await tracking.startRun({ experimentName: "senti-s3" });
    expect(run.info.artifactUri).toBe(`s3://mlflow/artifacts/${run.experimentId}/${run.runId}/artifacts`);
    const logged = await run.logModel(model, "model", { registeredModelName: name });
    await run.end();
    await tracking.registry.setRegisteredModelAlias(name, "champion", logged.version!.version);
    const champion = await loadModel(`models:/${name}@champion`, { tracking });
    expect(await champion.predictProba(texts)).toEqual(await model.predictProba(texts));
    const seen = await python<Inspection>(
      "inspect",
      { tracking_uri: uri(), name, alias: "champion", run_id: run.runId },
      {
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_DEFAULT_REGION: s3.region,
        MLFLOW_S3_ENDPOINT_URL: s3.endpoint,
      },
    );
    const flavor = seen.mlmodel.flavors.senti_mlops!;
    for (const [path, digest] of Object.entries(flavor.files)) expect(seen.files[path], path).toEqual(digest);
    expect(seen.listed.map((f) => f.path)).toEqual(["model/MLmodel", "model/code", "model/conda.yaml", "model/model.senti", "model/python_env.yaml", "model/requirements.txt"]);
  });
});
