// Scenario (c), budget 15 kB gzipped: a REST-only tracking client — createTracking with an http://
// MLflow server URI, logging params and metrics in a run.
import { createTracking } from "senti-mlops/tracking";

export async function logTraining(params, metrics) {
  const tracking = await createTracking("http://127.0.0.1:5000");
  await tracking.withRun({ experimentName: "sentiment", runName: "browser" }, async (run) => {
    await run.logParams(params);
    await run.logMetrics(metrics);
  });
}
