/**
 * The tracking differential script (test/conformance/tracking-differential.ts) in Chromium: it runs
 * on a fresh store of every entry of TRACKING_STORES (./stores.ts) in the page, and on the REST store
 * against a fresh `mlflow server` in Node (the `trackingDifferentialOracle` command of
 * test/browser/commands.ts, at the same time); every call's normalized outcome in the page must
 * equal the oracle's, with the same deliberate difference as in Node (test/tracking/differential.test.ts).
 */
import { commands } from "vitest/browser";
import type { TrackingStore } from "../../../src/mlflow/tracking-store.js";
import { describeTrackingChecks, runTrackingScript } from "../../conformance/tracking-differential.js";
import { describeInPage } from "./differential.js";
import { TRACKING_STORES, freshBackend } from "./stores.js";

describeInPage<TrackingStore>(
  "TrackingStore differential in Chromium: the browser's stores against a fresh mlflow server",
  () => commands.trackingDifferentialOracle(),
  TRACKING_STORES.map((entry) => {
    const backend = freshBackend(`tracking-differential-${entry.name}`);
    return { name: entry.name, open: () => entry.open(backend), run: (store) => runTrackingScript({ store, root: entry.artifactRoot(backend) }) };
  }),
  (results) => describeTrackingChecks(results, TRACKING_STORES.map((entry) => ({ name: entry.name, knownDifferences: entry.knownDifferences }))),
);
