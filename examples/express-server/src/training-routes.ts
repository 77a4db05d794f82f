/**
 * `POST /train_model` (202 + job) and `GET /train_model/:job_id`, behind the bearer token.
 *
 * @module
 */
import express, { type Application } from "express";
import type { AppContext } from "./app-context.js";
import { createBearerAuth } from "./bearer-auth.js";
import { allowOnly } from "./method-guard.js";
import { hasBody, parseJson, readText } from "./request-body.js";
import { parseOrThrow, trainRequestSchema } from "./schemas.js";
import { ServiceError } from "./service-error.js";

/**
 * Adds the training routes.
 *
 * @example
 * ```ts
 * addTrainingRoutes(app, context);
 * ```
 */
export function addTrainingRoutes(app: Application, context: AppContext): void {
  const { config, jobs } = context;
  const auth = createBearerAuth(config.apiToken);
  // The body is read only after the token is checked: strangers cannot make the service buffer bodies.
  const rawBody = express.raw({ type: () => true, limit: config.maxBody });
  app.post("/train_model", auth, rawBody, async (req, res) => {
    if (!config.trainData) throw new ServiceError("PERMISSION_DENIED", "training is disabled: set TRAIN_DATA to a text,label CSV to enable POST /train_model");
    let promotionPolicy: "if-better" | "always" | "never" | undefined;
    if (hasBody(req)) {
      const { text } = readText(req, req.body, { accept: ["application/json"], wrongTypeStatus: 400 });
      promotionPolicy = parseOrThrow(trainRequestSchema, parseJson(text)).promotion_policy;
    }
    const job = await jobs.start({ promotionPolicy });
    const statusUrl = `/train_model/${job.job_id}`;
    res.status(202).set("Location", statusUrl).json({ ...job, status_url: statusUrl });
  });
  app.get("/train_model/:job_id", auth, async (req, res) => {
    const id = String(req.params.job_id ?? "");
    const job = await jobs.get(id);
    if (!job) throw new ServiceError("RESOURCE_DOES_NOT_EXIST", `no training job with id ${JSON.stringify(id.slice(0, 64))}`);
    res.json(job);
  });
  allowOnly(app, "/train_model", ["POST"]);
  allowOnly(app, "/train_model/:job_id", ["GET"]);
}
