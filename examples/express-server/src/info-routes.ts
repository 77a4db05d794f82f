/**
 * `GET /health`, `GET /model_info`, `GET /metrics`, `GET /openapi.json`.
 *
 * @module
 */
import type { Application } from "express";
import type { z } from "zod";
import type { AppContext } from "./app-context.js";
import { redactUri } from "./config.js";
import { allowOnly } from "./method-guard.js";
import type { healthResponseSchema, modelInfoResponseSchema } from "./schemas.js";
import type { ModelSlot } from "./served-models.js";

function status(slot: ModelSlot, configured: string | null): z.output<typeof modelInfoResponseSchema>["models"]["tfidf"] {
  const served = slot.current();
  return {
    loaded: served !== null,
    uri: served ? redactUri(served.uri) : configured && redactUri(configured),
    registered_model: served?.registeredModel ?? null,
    run_id: served?.runId ?? null,
    labels: served ? [...served.model.labels] : null,
    loaded_at: served?.loadedAt ?? null,
    validation_accuracy: served?.validationAccuracy ?? null,
    problem: served ? null : slot.problem,
  };
}

/**
 * Adds the informational routes.
 *
 * @example
 * ```ts
 * addInfoRoutes(app, context);
 * ```
 */
export function addInfoRoutes(app: Application, context: AppContext): void {
  const { config, models } = context;
  app.get("/health", (_req, res) => {
    const problems: string[] = [];
    for (const kind of ["tfidf", "bert"] as const) {
      const slot = models[kind];
      if (!slot.current() && slot.unreadable && slot.problem) problems.push(`${kind}: ${slot.problem}`);
    }
    const refresh = context.refresher.status();
    if (refresh.lastError) problems.push(`refresh: ${refresh.lastError}`);
    const answer: z.output<typeof healthResponseSchema> = {
      status: problems.length ? "degraded" : "healthy",
      service: "ML Prediction Service",
      version: context.version,
      models: { tfidf: models.tfidf.current() !== null, bert: models.bert.current() !== null },
      ...(problems.length ? { problems } : {}),
    };
    res.json(answer);
  });
  app.get("/model_info", (_req, res) => {
    const answer: z.output<typeof modelInfoResponseSchema> = {
      models: { tfidf: status(models.tfidf, config.modelUri), bert: status(models.bert, config.bertModel) },
      mlflow_tracking_uri: redactUri(config.trackingUri),
      registered_model_name: config.registeredModelName,
      model_alias: config.modelAlias,
      refresh: (({ intervalSeconds, lastCheckedAt, lastError }) => ({ interval_seconds: intervalSeconds, last_checked_at: lastCheckedAt, last_error: lastError }))(context.refresher.status()),
      training: { running_job_id: context.jobs.runningId() },
    };
    res.json(answer);
  });
  app.get("/metrics", async (_req, res) => {
    res.type(context.metrics.registry.contentType).send(await context.metrics.registry.metrics());
  });
  app.get("/openapi.json", (_req, res) => {
    res.json(context.openapi);
  });
  for (const path of ["/health", "/model_info", "/metrics", "/openapi.json"]) allowOnly(app, path, ["GET"]);
}
