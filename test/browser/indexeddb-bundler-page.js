// The page of test/browser/indexeddb-bundlers.test.ts: opens an indexeddb:// store as an app
// bundled by Vite, webpack or esbuild would, logs a metric and reads it back.
import { createTracking } from "senti-mlops/tracking";

const wasm = new URLSearchParams(location.search).get("sqliteWasmUrl");
try {
  const tracking = await createTracking(`indexeddb://bundled-${Date.now()}`, wasm ? { sqliteWasmUrl: wasm } : {});
  const runId = await tracking.withRun({ experimentName: "bundled" }, async (run) => {
    await run.logMetric("accuracy", 0.5);
    return run.runId;
  });
  const run = await tracking.store.getRun(runId);
  window.__result = { ok: true, accuracy: run.data.metrics.accuracy, status: run.info.status };
} catch (e) {
  window.__result = { ok: false, code: e?.code, message: String(e?.message ?? e) };
}
