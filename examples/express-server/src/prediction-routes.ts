/**
 * `POST /predict`: the reference service's prediction route.
 *
 * @module
 */
import express, { type Application } from "express";
import { predict } from "senti-mlops";
import { countPredictions, type AppContext } from "./app-context.js";
import { allowOnly } from "./method-guard.js";
import { parseJson, readText } from "./request-body.js";
import { modelChoiceSchema, parseOrThrow, predictRequestSchema, type predictResponseSchema } from "./schemas.js";
import type { ModelKind, ServedModel } from "./served-models.js";
import { ServiceError } from "./service-error.js";
import type { z } from "zod";

/**
 * The model a request asks for, or the 503/501 that says why it cannot be served.
 *
 * @example
 * ```ts
 * const served = servedModelFor(context, "tfidf");
 * ```
 */
export function servedModelFor(context: AppContext, kind: ModelKind): ServedModel {
  const served = context.models[kind].current();
  if (served) return served;
  const problem = context.models[kind].problem;
  if (kind === "bert") {
    if (!context.config.bertModel) throw new ServiceError("TEMPORARILY_UNAVAILABLE", "no BERT model is configured: set BERT_MODEL (a model folder, hub URL or models:/ URI) and restart");
    // A missing runtime (onnxruntime-node, @huggingface/tokenizers) or senti-mlops/bert entry: 501.
    if (problem && context.models.bert.problemCode === "NOT_IMPLEMENTED") throw new ServiceError("NOT_IMPLEMENTED", problem);
    throw new ServiceError("TEMPORARILY_UNAVAILABLE", `the BERT model (BERT_MODEL) is not loaded: ${problem ?? "loading"}`);
  }
  throw new ServiceError(
    "TEMPORARILY_UNAVAILABLE",
    "no TF-IDF model is loaded: train one with POST /train_model (needs API_TOKEN and TRAIN_DATA) or set MODEL_URI to a model " +
      `(e.g. models:/${context.config.registeredModelName}@${context.config.modelAlias})` +
      (problem ? `; at start: ${problem}` : ""),
  );
}

/**
 * A label as `/predict` answers it: the reference API's `"Positive"` / `"Negative"` for a model's
 * positive/negative label in any case (BERT's id2label says `"POSITIVE"`), any other label
 * unchanged. `/invocations` keeps the model's own labels, as MLflow's scoring server does.
 *
 * @example
 * ```ts
 * referenceLabel("POSITIVE"); // "Positive"
 * referenceLabel("neutral");  // "neutral"
 * ```
 */
export function referenceLabel(label: string): string {
  const lower = label.toLowerCase();
  return lower === "positive" ? "Positive" : lower === "negative" ? "Negative" : label;
}

/**
 * Adds `POST /predict`.
 *
 * @example
 * ```ts
 * addPredictionRoutes(app, context);
 * ```
 */
export function addPredictionRoutes(app: Application, context: AppContext): void {
  const { config } = context;
  const bodySchema = predictRequestSchema(config);
  const rawBody = express.raw({ type: () => true, limit: config.maxBody });
  app.post("/predict", rawBody, async (req, res) => {
    const { text } = readText(req, { accept: ["application/json"], wrongTypeStatus: 400 });
    const body = parseOrThrow(bodySchema, parseJson(text));
    const query = req.query.model;
    const fromQuery = query === undefined ? undefined : parseOrThrow(modelChoiceSchema, query, "model (query)");
    if (fromQuery && body.model && fromQuery !== body.model) {
      throw new ServiceError("INVALID_PARAMETER_VALUE", `model is "${body.model}" in the body but "${fromQuery}" in the query; give one`);
    }
    const kind: ModelKind = body.model ?? fromQuery ?? "tfidf";
    const served = servedModelFor(context, kind);
    const predictions = await predict(served.model, body.reviews);
    countPredictions(context, served, predictions);
    const answer: z.output<typeof predictResponseSchema> = {
      model: kind === "bert" ? "BERT" : "TF-IDF",
      predictions: predictions.map((p) => referenceLabel(p.label)),
      scores: predictions.map((p) => p.score),
      count: predictions.length,
      model_version: served.registeredModel?.version ?? null,
    };
    res.json(answer);
  });
  allowOnly(app, "/predict", ["POST"]);
}
