/**
 * MLflow's scoring protocol (`mlflow models serve`), so its clients work unchanged: `GET /ping`,
 * `GET /version`, `POST /invocations`. The TF-IDF model answers.
 *
 * @module
 */
import express, { type Application } from "express";
import { predict } from "senti-mlops";
import { countPredictions, type AppContext } from "./app-context.js";
import { allowOnly } from "./method-guard.js";
import { servedModelFor } from "./prediction-routes.js";
import { parseJson, readText } from "./request-body.js";
import { textsFromCsv, textsFromScoringJson } from "./scoring-input.js";
import { ServiceError } from "./service-error.js";

/**
 * Adds `/ping`, `/version` and `/invocations`.
 *
 * @example
 * ```ts
 * addScoringRoutes(app, context);
 * ```
 */
export function addScoringRoutes(app: Application, context: AppContext): void {
  const { config, models } = context;
  const rawBody = express.raw({ type: () => true, limit: config.maxBody });
  app.get("/ping", (_req, res) => {
    if (!models.tfidf.current()) throw new ServiceError("RESOURCE_DOES_NOT_EXIST", "no model is loaded");
    res.type("application/json").send("\n");
  });
  app.get("/version", (_req, res) => {
    res.type("text/plain").send(context.version);
  });
  app.post("/invocations", rawBody, async (req, res) => {
    const { text, mediaType } = readText(req, req.body, { accept: ["application/json", "text/csv"], wrongTypeStatus: 415, onlyCharset: true });
    const texts = mediaType.type === "text/csv" ? textsFromCsv(text, config) : textsFromScoringJson(parseJson(text, "BAD_REQUEST"), config);
    const served = servedModelFor(context, "tfidf");
    const predictions = await predict(served.model, texts);
    countPredictions(context, served, predictions);
    res.json({ predictions: predictions.map((p) => ({ label: p.label, score: p.score })) });
  });
  allowOnly(app, "/ping", ["GET"]);
  allowOnly(app, "/version", ["GET"]);
  allowOnly(app, "/invocations", ["POST"]);
}
