// The page (and worker) of test/browser/indexeddb-store.test.ts. Everything is driven from the test
// through window.store* functions; a worker started by storeWorkerLog logs a run and answers.
import { createTracking } from "senti-mlops/tracking";

const T0 = 1_700_000_000_000;
let tracking;
const open = async (name) => (tracking ??= await createTracking(`indexeddb://${name}`));

/** Writes an experiment, a run with a metric history and a registered model with an alias. */
window.storeWrite = async (name) => {
  const t = await open(name);
  const experimentId = await t.getOrCreateExperiment("persisted");
  const run = await t.store.createRun({ experimentId, runName: "kept", startTime: T0 });
  await t.store.logBatch(run.info.runId, { metrics: [0.7, 0.4, 0.2].map((value, step) => ({ key: "loss", value, step, timestamp: T0 + step })), params: [{ key: "C", value: "4" }] });
  const artifacts = await t.runArtifacts(run.info.runId);
  await artifacts.writeArtifact("notes.txt", new TextEncoder().encode("kept across restarts"));
  await artifacts.dispose();
  await t.registry.createRegisteredModel("kept-model");
  await t.registry.createModelVersion({ name: "kept-model", source: `${run.info.artifactUri}/model`, runId: run.info.runId });
  await t.registry.setRegisteredModelAlias("kept-model", "champion", "1");
  return run.info.runId;
};

/** Reads back what storeWrite wrote. */
window.storeRead = async (name) => {
  const t = await open(name);
  const experiment = await t.store.getExperimentByName("persisted");
  if (!experiment) return null;
  const [run] = (await t.store.searchRuns({ experimentIds: [experiment.experimentId] })).items;
  const artifacts = await t.runArtifacts(run.info.runId);
  const notes = new TextDecoder().decode((await artifacts.readArtifact("notes.txt")) ?? new Uint8Array());
  await artifacts.dispose();
  return {
    runId: run.info.runId,
    runName: run.info.runName,
    params: run.data.params,
    loss: (await t.store.getMetricHistory(run.info.runId, "loss")).items.map((m) => m.value),
    notes,
    champion: (await t.registry.getModelVersionByAlias("kept-model", "champion")).version,
  };
};

/** `count` metric points from this page, each its own call, into the run `runId`. */
window.storeLogMany = async (name, runId, from, count) => {
  const t = await open(name);
  for (let i = from; i < from + count; i++) await t.store.logBatch(runId, { metrics: [{ key: "m", value: i, step: i, timestamp: T0 + i }] });
};

window.storeCreateRun = async (name) => (await (await open(name)).store.createRun({ experimentId: "0" })).info.runId;

window.storeHistory = async (name, runId) => (await (await open(name)).store.getMetricHistory(runId, "m", { maxResults: 25000 })).items.map((m) => m.value).sort((a, b) => a - b);

/** A worker logs a run; as soon as it answers, the page reads it (no wait for any notification). */
window.storeWorkerThenRead = async (name) => {
  const worker = new Worker(new URL("/worker.js", location.href), { type: "module" });
  const runId = await new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data.runId));
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ name });
  });
  worker.terminate();
  const run = await (await open(name)).store.getRun(runId);
  return { runName: run.info.runName, status: run.info.status, accuracy: run.data.metrics.accuracy };
};

window.storeExport = async (name) => {
  const bytes = await (await open(name)).exportDatabase();
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};

window.pageReady = true;
