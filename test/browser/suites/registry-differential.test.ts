/**
 * The registry differential script (test/conformance/registry-differential.ts) in Chromium: it runs
 * on a fresh store of every entry of REGISTRY_STORES (./stores.ts) in the page, and on the REST store
 * against a fresh `mlflow server` in Node (the `registryDifferentialOracle` command of
 * test/browser/commands.ts, at the same time); every call's normalized outcome in the page must
 * equal the oracle's, as in Node (test/registry/differential.test.ts).
 */
import { commands } from "vitest/browser";
import type { RegistryStore } from "../../../src/mlflow/registry-store.js";
import { describeRegistryChecks, runRegistryScript } from "../../conformance/registry-differential.js";
import { describeInPage } from "./differential.js";
import { REGISTRY_STORES, freshBackend } from "./stores.js";

describeInPage<RegistryStore>(
  "RegistryStore differential in Chromium: the browser's stores against a fresh mlflow server",
  () => commands.registryDifferentialOracle(),
  REGISTRY_STORES.map((entry) => {
    const backend = freshBackend(`registry-differential-${entry.name}`);
    return { name: entry.name, open: () => entry.open(backend), run: runRegistryScript };
  }),
  (results) => describeRegistryChecks(results, REGISTRY_STORES.map((entry) => ({ name: entry.name, knownDifferences: entry.knownDifferences }))),
);
