// The worker of test/browser/indexeddb-store.test.ts: opens the same indexeddb:// store as the page.
import { createTracking } from "senti-mlops/tracking";

self.onmessage = async (event) => {
  try {
    const tracking = await createTracking(`indexeddb://${event.data.name}`);
    const runId = await tracking.withRun({ experimentName: "from-worker", runName: "worker-run" }, async (run) => {
      await run.logMetric("accuracy", 0.875);
      return run.runId;
    });
    await tracking.close();
    self.postMessage({ runId });
  } catch (e) {
    self.postMessage({ error: String(e?.stack ?? e) });
  }
};
