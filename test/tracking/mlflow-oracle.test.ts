/**
 * The tracking-store conformance suite against the real `mlflow server` (the shared one started by
 * test/peers/mlflow-global-setup.ts), through a minimal REST adapter. This proves that the suite
 * encodes MLflow's real behaviour: every test must pass here, with no deviations. A test that fails
 * here is a wrong test.
 */
import { inject } from "vitest";
import { describeTrackingStore } from "../conformance/tracking-store.suite.js";
import { createRestOracle } from "./helpers/rest-oracle.js";

describeTrackingStore("mlflow server (oracle)", async () => createRestOracle(inject("mlflowUrl")));
