/**
 * The memory registry store: the shared conformance suite (alone, and with a memory tracking store
 * for run-bound sources), and the registry behaviour observed on MLflow 3.17.2 (shared with the SQL
 * store's test).
 */
import { createMemoryRegistryStore } from "../../src/registry/stores/memory-store.js";
import { createMemoryStore } from "../../src/tracking/stores/memory-store.js";
import { describeRegistryStore } from "../conformance/registry-store.suite.js";
import { describeRegistryBehaviour } from "./helpers/registry-behaviour.js";

describeRegistryStore("memory", async () => createMemoryRegistryStore());

const tracking = createMemoryStore({ artifactRoot: "mlflow-artifacts:/" });
describeRegistryStore("memory, with a memory tracking store", async () => createMemoryRegistryStore({ tracking }), {
  newRun: async () => {
    const run = await tracking.createRun({ experimentId: "0" });
    return { runId: run.info.runId, artifactUri: run.info.artifactUri };
  },
});

describeRegistryBehaviour("memory", async () => {
  const clock = { now: 1_700_000_000_000 };
  return { store: createMemoryRegistryStore({ now: () => clock.now }), clock };
});
