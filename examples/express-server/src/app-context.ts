/**
 * What the routes share: configuration, tracking client, model slots, jobs, metrics, the OpenAPI
 * document and the logger.
 *
 * @module
 */
import type { ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Tracking } from "senti-mlops/tracking";
import type { ServiceConfig } from "./config.js";
import type { ModelRefresher } from "./model-refresh.js";
import type { OpenApiDocument } from "./openapi.js";
import type { ServedModel, ServedModels } from "./served-models.js";
import type { ServiceMetrics } from "./service-metrics.js";
import type { TrainingJobs } from "./training-jobs.js";

/** The state the routes read. */
export interface AppContext {
  readonly config: ServiceConfig;
  readonly tracking: Tracking;
  readonly models: ServedModels;
  readonly jobs: TrainingJobs;
  readonly refresher: ModelRefresher;
  readonly metrics: ServiceMetrics;
  readonly openapi: OpenApiDocument;
  readonly logger: Logger;
  readonly version: string;
  /** True once shutdown has begun: answers then carry `Connection: close`. */
  draining(): boolean;
  /** Responses not yet finished (shutdown marks them `Connection: close`). */
  readonly inFlight: Set<ServerResponse>;
}

/**
 * Counts one answer's predictions in the `predictions_total` metric.
 *
 * @example
 * ```ts
 * countPredictions(context, served, predictions);
 * ```
 */
export function countPredictions(context: AppContext, served: ServedModel, predictions: readonly { label: string }[]): void {
  const counts = new Map<string, number>();
  for (const p of predictions) counts.set(p.label, (counts.get(p.label) ?? 0) + 1);
  for (const [label, n] of counts) context.metrics.predictions.inc({ model: served.kind, label }, n);
}
