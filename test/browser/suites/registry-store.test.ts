/** The registry-store conformance suite in Chromium, on every store of REGISTRY_STORES (./stores.ts). */
import { describeRegistryStore } from "../../conformance/registry-store.suite.js";
import { REGISTRY_STORES, freshBackend } from "./stores.js";

for (const entry of REGISTRY_STORES) {
  const backend = freshBackend(`registry-${entry.name}`);
  describeRegistryStore(`${entry.name}, in Chromium`, () => entry.open(backend), { newRun: () => entry.newRun(backend), deviations: entry.deviations });
}
