/**
 * The tracking-store conformance suite against the memory store. No deviations: where the memory
 * store disagreed with MLflow, the memory store was fixed.
 */
import { createMemoryStore } from "../../src/tracking/stores/memory-store.js";
import { describeTrackingStore } from "../conformance/tracking-store.suite.js";

describeTrackingStore("memory", async () => createMemoryStore());
