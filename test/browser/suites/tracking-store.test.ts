/** The tracking-store conformance suite in Chromium, on every store of TRACKING_STORES (./stores.ts). */
import { describeTrackingStore } from "../../conformance/tracking-store.suite.js";
import { TRACKING_STORES, freshBackend } from "./stores.js";

for (const entry of TRACKING_STORES) {
  const backend = freshBackend(`tracking-${entry.name}`);
  describeTrackingStore(`${entry.name}, in Chromium`, () => entry.open(backend), { deviations: entry.deviations });
}
