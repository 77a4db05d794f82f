// The page of bench/tracking/browser.ts: the IndexedDB store against its alternatives, in one page.
// Results go to window.__benchResult (or window.__benchError).
import { createTracking } from "senti-mlops/tracking";
import { createMemoryStore } from "senti-mlops/stores";
import { createStore, set } from "idb-keyval";

const { calls, batches, batchSize, runs, searches } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
const T0 = 1_700_000_000_000;
const now = () => performance.now();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const uid = `${Date.now()}-${Math.floor(Math.random() * 1e9)}`;

async function perCall(store, runId) {
  const start = now();
  for (let i = 0; i < calls; i++) await store.logBatch(runId, { metrics: [{ key: "loss", value: 1 / (i + 1), step: i, timestamp: T0 + i }] });
  return calls / ((now() - start) / 1000);
}

async function batched(store, runId) {
  const start = now();
  for (let b = 0; b < batches; b++) {
    const metrics = Array.from({ length: batchSize }, (_, i) => ({ key: "acc", value: i / batchSize, step: b * batchSize + i, timestamp: T0 + i }));
    await store.logBatch(runId, { metrics });
  }
  return (batches * batchSize) / ((now() - start) / 1000);
}

async function fill(store, experimentId) {
  for (let r = 0; r < runs; r++) {
    const run = await store.createRun({ experimentId, startTime: T0 + r });
    await store.logBatch(run.info.runId, { metrics: [{ key: "acc", value: (r * 7919) % 1000 / 1000, step: 0, timestamp: T0 }] });
  }
}

async function search(store, experimentId) {
  const times = [];
  let found = 0;
  for (let i = 0; i <= searches; i++) {
    const start = now();
    const page = await store.searchRuns({ experimentIds: [experimentId], filter: "metrics.acc > 0.9", maxResults: 1000 });
    if (i > 0) times.push(now() - start);
    found = page.items.length;
  }
  return { ms: median(times), found };
}

try {
  const result = {};
  // 1. Opening: the first open compiles SQLite's WebAssembly module and creates MLflow's schema.
  let start = now();
  const tracking = await createTracking(`indexeddb://bench-${uid}`);
  result.openFirstMs = now() - start;
  const store = tracking.store;
  const experimentId = await store.createExperiment("bench");
  const run = await store.createRun({ experimentId });
  const memory = createMemoryStore();
  const memoryExperiment = await memory.createExperiment("bench");
  const memoryRun = await memory.createRun({ experimentId: memoryExperiment });

  // 2. Per-call logging: the store; the floor of any IndexedDB-backed store (one durable
  //    IndexedDB write per call, idb-keyval's set of the metric row); memory (nothing durable).
  result.perCall = { indexeddb: await perCall(store, run.info.runId) };
  const kv = createStore(`bench-kv-${uid}`, "rows");
  start = now();
  for (let i = 0; i < calls; i++) await set(`${run.info.runId}/loss/${i}`, { key: "loss", value: 1 / (i + 1), step: i, timestamp: T0 + i }, kv);
  result.perCall.idbPutFloor = calls / ((now() - start) / 1000);
  result.perCall.memory = await perCall(memory, memoryRun.info.runId);

  // 3. Batches of 1000 points.
  result.batch = { indexeddb: await batched(store, run.info.runId), memory: await batched(memory, memoryRun.info.runId) };

  // 4. Search over `runs` runs: SQL (the IndexedDB store) vs the in-memory evaluator (what a
  //    store written for IndexedDB would run over its records).
  const searchExperiment = await store.createExperiment("search");
  const memorySearchExperiment = await memory.createExperiment("search");
  start = now();
  await fill(store, searchExperiment);
  result.fillRunsPerS = (runs * 2) / ((now() - start) / 1000);
  await fill(memory, memorySearchExperiment);
  result.search = { indexeddb: await search(store, searchExperiment), memory: await search(memory, memorySearchExperiment) };

  // 5. The database's size, and reopening it (reading its pages from IndexedDB).
  result.databaseBytes = (await tracking.exportDatabase()).length;
  await tracking.close();
  start = now();
  const again = await createTracking(`indexeddb://bench-${uid}`);
  result.reopenMs = now() - start;
  result.reopenedRuns = (await again.store.searchRuns({ experimentIds: [searchExperiment], maxResults: 1 })).items.length;
  await again.close();
  window.__benchResult = result;
} catch (e) {
  window.__benchError = String(e?.stack ?? e);
}
