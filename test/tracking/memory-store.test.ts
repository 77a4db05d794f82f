/**
 * The tracking-store conformance suite against the memory store. Where the memory store disagreed
 * with MLflow, the memory store was fixed; the one deviation left lives in the shared search module,
 * not in the memory store.
 */
import { createMemoryStore } from "../../src/tracking/stores/memory-store.js";
import { describeTrackingStore, SHARED_SEARCH_DEVIATIONS } from "../conformance/tracking-store.suite.js";

describeTrackingStore("memory", async () => createMemoryStore(), { deviations: SHARED_SEARCH_DEVIATIONS });
