/**
 * `createTracking`: an MLflow-compatible tracking client for a URI, with what this runtime adds.
 *
 * @module
 */
import { trackingDefaults } from "#runtime/tracking";
import type { TrackingStore } from "../mlflow/tracking-store.js";
import { createTrackingClient, type Tracking, type TrackingOptions } from "../tracking/client.js";

/**
 * Creates a tracking client. `uriOrStore` is an MLflow server URL (`http(s)://…`, over MLflow's
 * REST API), an embedded SQLite file in MLflow's own schema (`sqlite:///mlflow.db`, Node; `mlflow
 * ui` opens it), `memory:`, or a `TrackingStore`; without it, `MLFLOW_TRACKING_URI` is read, else
 * `sqlite:///mlflow.db`. Its runs log metrics, params, tags, inputs, artifacts and models
 * (`run.logModel`, TF-IDF and BERT); `tracking.registry` is the model registry at the same URI.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for a URI of no known scheme;
 * `NOT_IMPLEMENTED` for a store this runtime cannot open (SQLite outside Node), or when
 * better-sqlite3 is missing.
 *
 * @example
 * ```ts
 * const tracking = await createTracking("sqlite:///mlflow.db");
 * await tracking.withRun({ experimentName: "sentiment", runName: "tfidf" }, async (run) => {
 *   await run.logParams({ C: 4, ngram: "1-2" });
 *   await run.logMetric("accuracy", 0.905);
 * });
 * await tracking.close();
 * ```
 */
export function createTracking(uriOrStore?: string | TrackingStore, options: TrackingOptions = {}): Promise<Tracking> {
  return createTrackingClient(
    uriOrStore,
    trackingDefaults({
      // Model packaging (codecs, YAML, checksums) is imported by the first logModel call, so a page
      // that only logs metrics does not carry it.
      logModel: async (context, runId, model, artifactPath, logOptions) => {
        const [{ logModel }, { DEFAULT_CODECS }] = await Promise.all([import("../models/log-model.js"), import("./codecs.js")]);
        return logModel(context, runId, model, artifactPath, { ...logOptions, codecs: DEFAULT_CODECS });
      },
      ...options,
    }),
  );
}
