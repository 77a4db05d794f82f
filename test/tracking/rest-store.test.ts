/**
 * The tracking-store conformance suite against the REST store talking to a real `mlflow server`
 * (started once per test run by test/peers/mlflow-global-setup.ts).
 */
import { inject } from "vitest";
import { createRestStore } from "../../src/tracking/stores/rest-store.js";
import { describeTrackingStore } from "../conformance/tracking-store.suite.js";

describeTrackingStore("rest (real MLflow server)", async () => createRestStore(inject("mlflowUrl")));
