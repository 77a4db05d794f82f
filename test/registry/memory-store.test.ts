/**
 * The memory registry store: the registry behaviour observed on MLflow 3.17.2 (shared with the SQL
 * store's test).
 */
import { createMemoryRegistryStore } from "../../src/registry/stores/memory-store.js";
import { describeRegistryBehaviour } from "./helpers/registry-behaviour.js";

describeRegistryBehaviour("memory", async () => {
  const clock = { now: 1_700_000_000_000 };
  return { store: createMemoryRegistryStore({ now: () => clock.now }), clock };
});
