/**
 * pushTracking and exportDatabase against the real peers: a browser store (`indexeddb://`, here on
 * fake-indexeddb with @sqlite.org/sqlite-wasm's Node build) holding experiments, nested runs with
 * long metric histories, dataset inputs, artifacts, a registered model with versions, tags, a stage
 * and an alias is pushed to the shared real `mlflow server`; Python MLflow then reads the server
 * back (test/peers/mlflow_interop.py, mlflow_registry_interop.py, artifacts downloaded by
 * MlflowClient). Pushing again sends nothing; a push cancelled half-way is completed by the next
 * one without duplicates. The exported database is opened by Python MLflow as `sqlite:///…` and
 * served by `mlflow server` (what `mlflow ui` runs) as its backend store.
 */
import "fake-indexeddb/auto";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hasErrorCode } from "../../src/errors.js";
import { createTrackingClient, type Tracking } from "../../src/tracking/client.js";
import { pushTracking, SOURCE_RUN_TAG } from "../../src/tracking/push.js";
import { createRestStore } from "../../src/tracking/stores/rest-store.js";
import { MLFLOW_QUIET_ENV, startMlflowServer } from "../peers/mlflow-server.js";
import { PROJECT_ROOT, VENV_PYTHON } from "../peers/python-env.js";

const execFileAsync = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "senti-push-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function python<T>(script: string, args: string[]): Promise<T> {
  const { stdout } = await execFileAsync(VENV_PYTHON, [script, ...args], { cwd: dir, env: { ...process.env, ...MLFLOW_QUIET_ENV }, maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as T;
}
const peer = (file: string): string => join(PROJECT_ROOT, "test", "peers", file);

interface DumpRun {
  info: { run_id: string; run_name: string; status: string; start_time: number; end_time: number | null; experiment_id: string; artifact_uri: string };
  data: { metrics: Record<string, number>; params: Record<string, string>; tags: Record<string, string> };
  inputs: { dataset: { name: string; digest: string } }[];
  history: Record<string, { key: string; value: number; timestamp: number; step: number }[]>;
}
interface TrackingDump {
  experiments: { experiment_id: string; name: string }[];
  runs: DumpRun[];
}
interface DumpVersion {
  name: string;
  version: string;
  run_id: string;
  source: string;
  current_stage: string;
  tags: Record<string, string>;
}
interface RegistryDump {
  models: { model: { name: string; aliases: { alias: string; version: string }[]; tags: Record<string, string> }; versions: DumpVersion[] }[];
}

const unique = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const EXPERIMENT = `push-${unique}`;
const MODEL = `push-model-${unique}`;
const T0 = 1_700_000_000_000;
const LOSS = Array.from({ length: 1500 }, (_, step) => ({ key: "loss", value: 1 / (step + 1), step, timestamp: T0 + step }));

let source: Tracking;
let target: Tracking;
const ids: Record<string, string> = {};

beforeAll(async () => {
  source = await createTrackingClient(`indexeddb://push-source-${unique}`);
  target = await createTrackingClient(inject("mlflowUrl"));
  const experimentId = await source.getOrCreateExperiment(EXPERIMENT);
  await source.store.setExperimentTag(experimentId, "team", "nlp");
  const parent = await source.store.createRun({ experimentId, runName: "sweep", startTime: T0, tags: [{ key: "kind", value: "parent" }] });
  const child = await source.store.createRun({ experimentId, runName: "tfidf-C4", startTime: T0 + 1, tags: [{ key: "mlflow.parentRunId", value: parent.info.runId }] });
  const failed = await source.store.createRun({ experimentId, runName: "broken", startTime: T0 + 2 });
  Object.assign(ids, { parent: parent.info.runId, child: child.info.runId, failed: failed.info.runId });
  await source.store.logBatch(child.info.runId, { params: [{ key: "C", value: "4" }, { key: "ngram", value: "1-2" }], metrics: LOSS.slice(0, 998) });
  await source.store.logBatch(child.info.runId, { metrics: LOSS.slice(998, 1000) });
  await source.store.logBatch(child.info.runId, { metrics: [...LOSS.slice(1000), { key: "accuracy", value: 0.91, step: 0, timestamp: T0 }] });
  await source.store.logInputs(child.info.runId, [{ dataset: { name: "sst2", digest: "abc123", sourceType: "local", source: "sst2/train.csv" }, tags: [{ key: "mlflow.data.context", value: "train" }] }]);
  const artifacts = await source.runArtifacts(child.info.runId);
  await artifacts.writeArtifact("model/MLmodel", new TextEncoder().encode("flavors: {}\n"));
  await artifacts.writeArtifact("model/weights.bin", new Uint8Array(300_000).map((_, i) => i % 251));
  await artifacts.writeArtifact("confusion.json", new TextEncoder().encode("[[1,0],[0,1]]"));
  await artifacts.dispose();
  await source.store.updateRunInfo(child.info.runId, { status: "FINISHED", endTime: T0 + 10 });
  await source.store.updateRunInfo(failed.info.runId, { status: "FAILED", endTime: T0 + 20 });
  await source.store.updateRunInfo(parent.info.runId, { status: "FINISHED", endTime: T0 + 30 });

  await source.registry.createRegisteredModel(MODEL, { tags: [{ key: "task", value: "sentiment" }], description: "pushed from a page" });
  const childUri = (await source.store.getRun(child.info.runId)).info.artifactUri;
  await source.registry.createModelVersion({ name: MODEL, source: `${childUri}/model`, runId: child.info.runId });
  await source.registry.createModelVersion({ name: MODEL, source: `runs:/${child.info.runId}/model`, runId: child.info.runId, tags: [{ key: "validated", value: "yes" }] });
  await source.registry.transitionModelVersionStage(MODEL, "2", "Staging", false);
  await source.registry.setRegisteredModelAlias(MODEL, "champion", "2");
}, 120_000);

afterAll(async () => {
  await source?.close();
  await target?.close();
});

describe("pushTracking: an IndexedDB store to a real MLflow server", () => {
  let first: Awaited<ReturnType<typeof pushTracking>>;

  it("a cancelled push leaves the rest for the next one", async () => {
    const controller = new AbortController();
    const error = await pushTracking(source, target, {
      experimentNames: [EXPERIMENT],
      onProgress: (p) => {
        if (p.done === 1) controller.abort();
      },
      signal: controller.signal,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(hasErrorCode(error, "CANCELLED")).toBe(true);
  }, 120_000);

  it("the next push completes it: every run once, every metric point, artifact, version and alias", async () => {
    const steps: string[] = [];
    first = await pushTracking(source, target, { experimentNames: [EXPERIMENT], onProgress: (p) => steps.push(`${p.done}/${p.total}`) });
    expect(steps.at(-1)).toBe("5/5"); // 3 runs + 2 versions
    expect(first.runs).toEqual({ created: 2, matched: 1 }); // the cancelled push had created the first run
    expect(first.modelVersions).toEqual({ created: 2, matched: 0 });
    expect(first.aliases).toBe(1);

    const server = await python<TrackingDump>(peer("mlflow_interop.py"), ["dump", inject("mlflowUrl")]);
    const experiment = server.experiments.find((e) => e.name === EXPERIMENT)!;
    const runs = server.runs.filter((r) => r.info.experiment_id === experiment.experiment_id);
    expect(runs).toHaveLength(3);
    const byName = Object.fromEntries(runs.map((r) => [r.info.run_name, r]));
    const child = byName["tfidf-C4"]!;
    expect(child.data.params).toEqual({ C: "4", ngram: "1-2" });
    expect(child.history.loss!.map((m) => [m.step, m.value, m.timestamp])).toEqual(LOSS.map((m) => [m.step, m.value, m.timestamp]));
    expect(child.data.metrics.accuracy).toBe(0.91);
    expect(child.data.tags["mlflow.parentRunId"]).toBe(byName.sweep!.info.run_id);
    expect(child.data.tags[SOURCE_RUN_TAG]).toBe(ids.child);
    expect(child.inputs.map((i) => [i.dataset.name, i.dataset.digest])).toEqual([["sst2", "abc123"]]);
    expect([child.info.status, child.info.end_time, byName.broken!.info.status, byName.sweep!.info.status]).toEqual(["FINISHED", T0 + 10, "FAILED", "FINISHED"]);

    // Artifacts, read by Python MLflow through the server's proxy.
    const files = await python<Record<string, number[]>>(peer("mlflow_read_artifacts.py"), [inject("mlflowUrl"), child.info.run_id]);
    expect(Object.keys(files).sort()).toEqual(["confusion.json", "model/MLmodel", "model/weights.bin"]);
    expect(files["model/weights.bin"]).toEqual([300_000, Array.from({ length: 300_000 }, (_, i) => i % 251).reduce((a, b) => (a * 31 + b) % 1_000_000_007, 0)]);

    const registry = await python<RegistryDump>(peer("mlflow_registry_interop.py"), ["dump", inject("mlflowUrl")]);
    const { model, versions: listed } = registry.models.find((m) => m.model.name === MODEL)!;
    expect(model.tags).toEqual({ task: "sentiment" });
    const versions = [...listed].sort((a, b) => Number(a.version) - Number(b.version));
    expect(versions.map((v) => [v.version, v.run_id, v.current_stage])).toEqual([
      ["1", child.info.run_id, "None"],
      ["2", child.info.run_id, "Staging"],
    ]);
    expect(versions[0]!.source).toBe(`${child.info.artifact_uri}/model`);
    expect(versions[1]!.source).toBe(`runs:/${child.info.run_id}/model`);
    expect(versions[1]!.tags.validated).toBe("yes");
    expect(model.aliases).toEqual([{ alias: "champion", version: "2" }]);
  }, 180_000);

  it("pushing again sends nothing", async () => {
    const again = await pushTracking(source, target, { experimentNames: [EXPERIMENT] });
    expect(again).toMatchObject({
      experiments: { created: 0, matched: 1 },
      runs: { created: 0, matched: 3 },
      params: 0,
      tags: 0,
      metrics: 0,
      artifacts: 0,
      registeredModels: { created: 0 },
      modelVersions: { created: 0, matched: 2 },
      aliases: 0,
    });
    expect(again.runIds).toEqual(first.runIds);
  }, 120_000);

  it("an unknown experiment name is refused before anything is sent", async () => {
    const error = await pushTracking(source, target, { experimentNames: ["no-such-experiment"] }).then(() => undefined, (e: unknown) => e);
    expect(hasErrorCode(error, "RESOURCE_DOES_NOT_EXIST")).toBe(true);
    expect(String(error)).toMatch(/no-such-experiment/);
  });
});

describe("exportDatabase: the IndexedDB store as an MLflow SQLite file", () => {
  it("Python MLflow opens it with the same runs, histories, versions and aliases", async () => {
    const path = join(dir, "exported.db");
    writeFileSync(path, await source.exportDatabase());
    const dumped = await python<TrackingDump>(peer("mlflow_interop.py"), ["dump", `sqlite:///${path}`]);
    const child = dumped.runs.find((r) => r.info.run_id === ids.child)!;
    expect(child.history.loss).toHaveLength(1500);
    expect(child.data.params).toEqual({ C: "4", ngram: "1-2" });
    expect(dumped.runs.map((r) => r.info.run_id).sort()).toEqual([ids.parent, ids.child, ids.failed].sort());
    const registry = await python<RegistryDump>(peer("mlflow_registry_interop.py"), ["dump", `sqlite:///${path}`]);
    expect(registry.models.find((m) => m.model.name === MODEL)!.model.aliases).toEqual([{ alias: "champion", version: "2" }]);
  }, 120_000);

  it("`mlflow server` (what `mlflow ui` runs) serves it as its backend store", async () => {
    const path = join(dir, "served.db");
    writeFileSync(path, await source.exportDatabase());
    const server = await startMlflowServer({ backendStoreUri: `sqlite:///${path}` });
    try {
      const rest = createRestStore(server.url);
      const run = await rest.getRun(ids.child);
      expect([run.info.runName, run.data.params.C, run.data.metrics.accuracy]).toEqual(["tfidf-C4", "4", 0.91]);
      expect((await rest.getMetricHistory(ids.child, "loss", { maxResults: 5000 })).items).toHaveLength(1500);
    } finally {
      await server.stop();
    }
  }, 180_000);

  it("a store that is not an embedded database says so", async () => {
    await expect(target.exportDatabase()).rejects.toSatisfy((e) => hasErrorCode(e, "NOT_IMPLEMENTED"));
  });
});
