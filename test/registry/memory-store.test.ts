/**
 * The memory registry store: the shared conformance suite (alone, and with a memory tracking store
 * for run-bound sources), and the registry behaviour observed on MLflow 3.17.2 (shared with the SQL
 * store's test).
 */
import { createMemoryRegistryStore } from "../../src/registry/stores/memory-store.js";
import { createMemoryStore } from "../../src/tracking/stores/memory-store.js";
import { describeRegistryStore } from "../conformance/registry-store.suite.js";
import { describeRegistryBehaviour } from "./helpers/registry-behaviour.js";

/** A run factory on `tracking`, in the suite's shape. */
const runsOn = (tracking: ReturnType<typeof createMemoryStore>) => async () => {
  const run = await tracking.createRun({ experimentId: "0" });
  return { runId: run.info.runId, artifactUri: run.info.artifactUri };
};

// Without a tracking store the registry knows no run: its runs come from a tracking store it cannot see.
describeRegistryStore("memory", async () => createMemoryRegistryStore(), {
  newRun: runsOn(createMemoryStore({ artifactRoot: "mlflow-artifacts:/" })),
  deviations: [
    {
      test: "a source inside the run's artifact directory is accepted with that run's id, not with another run's",
      reason: "no tracking store: the registry cannot look the run up, so it refuses every source inside a run's artifact directory, as MLflow refuses an unknown run",
    },
  ],
});

const tracking = createMemoryStore({ artifactRoot: "mlflow-artifacts:/" });
describeRegistryStore("memory, with a memory tracking store", async () => createMemoryRegistryStore({ tracking }), { newRun: runsOn(tracking) });

describeRegistryBehaviour("memory", async () => {
  const clock = { now: 1_700_000_000_000 };
  return { store: createMemoryRegistryStore({ now: () => clock.now }), clock };
});
