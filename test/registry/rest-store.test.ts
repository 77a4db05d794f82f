/**
 * The registry-store conformance suite against the REST store talking to a real `mlflow server`
 * (started once per test run by test/peers/mlflow-global-setup.ts). Runs for run-bound sources are
 * created through the tracking REST store on the same server.
 */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { createRestRegistryStore } from "../../src/registry/stores/rest-store.js";
import { createRestStore } from "../../src/tracking/stores/rest-store.js";
import { describeRegistryStore, type SuiteRun } from "../conformance/registry-store.suite.js";

const url = inject("mlflowUrl");
const tracking = createRestStore(url);
let experimentId: Promise<string> | undefined;

async function newRun(): Promise<SuiteRun> {
  experimentId ??= tracking.createExperiment(`registry-conformance-${randomBytes(5).toString("hex")}`);
  const run = await tracking.createRun({ experimentId: await experimentId });
  return { runId: run.info.runId, artifactUri: run.info.artifactUri };
}

describeRegistryStore("rest (real MLflow server)", async () => createRestRegistryStore(url), { newRun });
