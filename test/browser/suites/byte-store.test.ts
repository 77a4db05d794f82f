/**
 * The byte-store and artifact-store conformance suites in Chromium, on every store of BYTE_STORES
 * (./stores.ts), each test on a backend of its own (for IndexedDB: the browser's real IndexedDB, a
 * fresh database per test).
 */
import { describeArtifactStore } from "../../conformance/artifact-store.suite.js";
import { describeByteStore } from "../../conformance/byte-store.suite.js";
import { BYTE_STORES, freshBackend } from "./stores.js";

for (const entry of BYTE_STORES) {
  const { hasListSizes, deviations } = entry;
  describeByteStore(`${entry.name}, in Chromium`, () => entry.open(freshBackend(`bytes-${entry.name}`)), { hasListSizes, ...deviations });
  describeArtifactStore(`${entry.name}, in Chromium`, () => entry.open(freshBackend(`artifacts-${entry.name}`)));
}
