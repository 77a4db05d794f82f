/**
 * `POST /predict`: the reference service's prediction route.
 *
 * @module
 */
import type { IncomingMessage } from "node:http";
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

/** The `/predict` answer. */
export type PredictAnswer = z.output<typeof predictResponseSchema>;

/**
 * What `POST /predict` answers, given the request (for its `Content-Type`), its body as read (bytes)
 * and its parsed query: the body checked (media type, UTF-8, JSON, schema), the model chosen
 * (`model` in the body or the query, TF-IDF by default), the reviews predicted and counted in the
 * metrics. Used by the Express route and by the `/predict` lane of request-listener.ts alike.
 *
 * @throws {ServiceError} 400 for a bad body or model choice, 503/501 when the model is not served.
 *
 * @example
 * ```ts
 * const answerPrediction = createPredictionAnswerer(context);
 * res.json(await answerPrediction(req, req.body, req.query));
 * ```
 */
export function createPredictionAnswerer(context: AppContext): (req: IncomingMessage, body: unknown, query: Readonly<Record<string, unknown>>) => Promise<PredictAnswer> {
  const bodySchema = predictRequestSchema(context.config);
  return async (req, bytes, query) => {
    const { text } = readText(req, bytes, { accept: ["application/json"], wrongTypeStatus: 400 });
    const body = parseOrThrow(bodySchema, parseJson(text));
    const fromQuery = query.model === undefined ? undefined : parseOrThrow(modelChoiceSchema, query.model, "model (query)");
    if (fromQuery && body.model && fromQuery !== body.model) {
      throw new ServiceError("INVALID_PARAMETER_VALUE", `model is "${body.model}" in the body but "${fromQuery}" in the query; give one`);
    }
    const kind: ModelKind = body.model ?? fromQuery ?? "tfidf";
    const served = servedModelFor(context, kind);
    const predictions = await predict(served.model, body.reviews);
    countPredictions(context, served, predictions);
    return {
      model: kind === "bert" ? "BERT" : "TF-IDF",
      predictions: predictions.map((p) => referenceLabel(p.label)),
      scores: predictions.map((p) => p.score),
      count: predictions.length,
      model_version: served.registeredModel?.version ?? null,
    };
  };
}

/**
 * Adds `POST /predict`. (request-listener.ts answers the plain case, a JSON body with a
 * `Content-Length` and no `Content-Encoding`, before Express; this route answers the others.)
 *
 * @example
 * ```ts
 * addPredictionRoutes(app, context);
 * ```
 */
export function addPredictionRoutes(app: Application, context: AppContext): void {
  const answerPrediction = createPredictionAnswerer(context);
  const rawBody = express.raw({ type: () => true, limit: context.config.maxBody });
  app.post("/predict", rawBody, async (req, res) => {
    res.json(await answerPrediction(req, req.body, req.query as Record<string, unknown>));
  });
  allowOnly(app, "/predict", ["POST"]);
}
