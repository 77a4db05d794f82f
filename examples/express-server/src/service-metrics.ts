/**
 * Prometheus metrics (prom-client), in a registry of the service's own so that several services in
 * one process (tests) do not collide: requests by route and status, their latency, predictions by
 * model and label, model load time, training jobs, and Node's default process metrics.
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { redactUri } from "./config.js";

/** The service's metrics. */
export interface ServiceMetrics {
  readonly registry: Registry;
  readonly requests: Counter<"method" | "route" | "status">;
  readonly requestDuration: Histogram<"method" | "route" | "status">;
  readonly predictions: Counter<"model" | "label">;
  readonly modelLoadSeconds: Histogram<"model">;
  readonly modelInfo: Gauge<"model" | "uri" | "version">;
  readonly trainingJobs: Counter<"status">;
  readonly refreshChecks: Counter<"outcome">;
  readonly refreshLastSuccess: Gauge;
  /** Records that `next` replaced `previous` in `served_model_info`. */
  recordServed(previous: { kind: string; uri: string; registeredModel: { version: string } | null } | null, next: { kind: string; uri: string; registeredModel: { version: string } | null }): void;
}

/**
 * Creates the metrics in a fresh registry.
 *
 * @example
 * ```ts
 * const metrics = createServiceMetrics();
 * metrics.predictions.inc({ model: "tfidf", label: "Positive" });
 * const text = await metrics.registry.metrics(); // Prometheus text format
 * ```
 */
export function createServiceMetrics(options: { defaultMetrics?: boolean } = {}): ServiceMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const modelInfo = new Gauge({
    name: "served_model_info",
    help: "1 for the model being served, by kind, URI (credentials masked) and registered version",
    labelNames: ["model", "uri", "version"] as const,
    registers,
  });
  const labels = (m: { kind: string; uri: string; registeredModel: { version: string } | null }) => ({ model: m.kind, uri: redactUri(m.uri), version: m.registeredModel?.version ?? "" });
  const metrics: ServiceMetrics = {
    registry,
    requests: new Counter({
      name: "http_requests_total",
      help: "HTTP requests answered, by method, route and status",
      labelNames: ["method", "route", "status"] as const,
      registers,
    }),
    requestDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "Time to answer HTTP requests, by method, route and status",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    predictions: new Counter({
      name: "predictions_total",
      help: "Texts classified, by model kind and predicted label",
      labelNames: ["model", "label"] as const,
      registers,
    }),
    modelLoadSeconds: new Histogram({
      name: "model_load_duration_seconds",
      help: "Time to load a model (at start, and each hot swap), by model kind",
      labelNames: ["model"] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    modelInfo,
    trainingJobs: new Counter({
      name: "training_jobs_total",
      help: "Training jobs finished, by outcome (promoted, kept, failed, cancelled)",
      labelNames: ["status"] as const,
      registers,
    }),
    refreshChecks: new Counter({
      name: "model_refresh_checks_total",
      help: "Checks of the registry's alias, by outcome (unchanged, swapped, missing, error)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    refreshLastSuccess: new Gauge({
      name: "model_refresh_last_success_timestamp_seconds",
      help: "When the registry's alias was last read successfully (Unix time)",
      registers,
    }),
    recordServed(previous, next) {
      if (previous) modelInfo.remove(labels(previous));
      modelInfo.set(labels(next), 1);
    },
  };
  return Object.freeze(metrics);
}
