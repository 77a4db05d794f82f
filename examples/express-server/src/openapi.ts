/**
 * `/openapi.json`: an OpenAPI 3.1 document for every route, generated from the zod schemas the
 * routes validate and answer with (JSON Schema 2020-12, OpenAPI 3.1's dialect), with the limits of
 * the running configuration and the error schema on every error status.
 *
 * @module
 */
import { z } from "zod";
import type { ServiceConfig } from "./config.js";
import {
  errorSchema,
  healthResponseSchema,
  invocationsResponseSchema,
  modelChoiceSchema,
  modelInfoResponseSchema,
  predictRequestSchema,
  predictResponseSchema,
  trainAcceptedSchema,
  trainJobSchema,
  trainRequestSchema,
} from "./schemas.js";

type JsonObject = Record<string, unknown>;

/** An OpenAPI document (loosely typed: it is JSON). */
export type OpenApiDocument = JsonObject & { openapi: string; paths: Record<string, Record<string, JsonObject>> };

const textColumn = z.string().meta({ description: "A text to classify" });
const scoringRequestSchema = z
  .union([
    z.object({ dataframe_split: z.object({ columns: z.array(z.string()).optional(), data: z.array(z.array(textColumn)), index: z.array(z.unknown()).optional() }), params: z.record(z.string(), z.unknown()).optional() }),
    z.object({ dataframe_records: z.array(z.object({ text: textColumn })), params: z.record(z.string(), z.unknown()).optional() }),
    z.object({ instances: z.array(z.union([textColumn, z.object({ text: textColumn })])), params: z.record(z.string(), z.unknown()).optional() }),
    z.object({
      inputs: z.union([z.array(z.union([textColumn, z.object({ text: textColumn })])), z.object({ text: z.array(textColumn) }), textColumn]),
      params: z.record(z.string(), z.unknown()).optional(),
    }),
  ])
  .meta({
    id: "ScoringRequest",
    description:
      "MLflow's scoring protocol: exactly one of dataframe_split, dataframe_records, instances, inputs (and optionally params). The text column is `text`, or the only column.",
    examples: [{ dataframe_split: { columns: ["text"], data: [["This movie was amazing!"]] } }, { inputs: ["Great!", "Awful."] }],
  });

/**
 * Builds the document for a configuration (its limits appear in the request schemas).
 *
 * @example
 * ```ts
 * const doc = createOpenApiDocument(config, "0.1.0");
 * doc.paths["/predict"].post.responses["200"];
 * ```
 */
export function createOpenApiDocument(config: ServiceConfig, version: string): OpenApiDocument {
  const components: Record<string, unknown> = {};
  const schemaOf = (schema: z.ZodType, io: "input" | "output" = "output"): JsonObject => {
    const json = JSON.parse(JSON.stringify(z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" })).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonObject & {
      $defs?: Record<string, unknown>;
      $schema?: string;
    };
    const { $defs, $schema: _dialect, ...rest } = json;
    Object.assign(components, $defs);
    return rest;
  };
  const errorRef = schemaOf(errorSchema);
  const json = (schema: JsonObject) => ({ "application/json": { schema } });
  const error = (description: string) => ({ description, content: json(errorRef) });
  const notAllowed = error("Method not allowed (Allow lists the methods); error_code BAD_REQUEST");
  const limits = { maxReviews: config.maxReviews, maxReviewChars: config.maxReviewChars };
  const tooLarge = error(`Body larger than MAX_BODY (${config.maxBody} bytes); error_code REQUEST_LIMIT_EXCEEDED`);
  const bearer = [{ bearer: [] }];

  const paths: OpenApiDocument["paths"] = {
    "/health": {
      get: {
        summary: "Liveness and which models are loaded",
        operationId: "health",
        responses: { "200": { description: "The service is up", content: json(schemaOf(healthResponseSchema)) }, "405": notAllowed },
      },
    },
    "/predict": {
      post: {
        summary: "Classify reviews",
        operationId: "predict",
        description:
          "TF-IDF by default; `\"model\": \"bert\"` in the body or `?model=bert` uses BERT when BERT_MODEL is configured. " +
          "Validation errors are 400 INVALID_PARAMETER_VALUE naming the field — including a missing or wrong Content-Type (not 415, as MLflow's REST API answers), " +
          `more than MAX_REVIEWS (${config.maxReviews}) reviews or a review longer than MAX_REVIEW_CHARS (${config.maxReviewChars}).`,
        parameters: [{ name: "model", in: "query", required: false, schema: schemaOf(modelChoiceSchema) }],
        requestBody: { required: true, content: json(schemaOf(predictRequestSchema(limits), "input")) },
        responses: {
          "200": { description: "One prediction per review, in order", content: json(schemaOf(predictResponseSchema)) },
          "400": error("Invalid body, field, content type or limit (INVALID_PARAMETER_VALUE)"),
          "405": notAllowed,
          "413": tooLarge,
          "501": error("BERT requested but this build has no senti-mlops/bert (NOT_IMPLEMENTED)"),
          "503": error("No model loaded: train one (POST /train_model) or set MODEL_URI / BERT_MODEL (TEMPORARILY_UNAVAILABLE)"),
        },
      },
    },
    "/train_model": {
      post: {
        summary: "Train, log, register and (if better) promote a TF-IDF model, in the background",
        operationId: "trainModel",
        description:
          "Trains on TRAIN_DATA with a seeded validation split, logs the run and registers a version of REGISTERED_MODEL_NAME; " +
          "moves MODEL_ALIAS to it and serves it when the promotion policy says so (default: it beats the served model's accuracy on the same split). " +
          "The body is optional; when present it must be JSON.",
        security: bearer,
        requestBody: { required: false, content: json(schemaOf(trainRequestSchema, "input")) },
        responses: {
          "202": {
            description: "Job accepted; poll status_url",
            headers: { Location: { schema: { type: "string" }, description: "The job's status URL" } },
            content: json(schemaOf(trainAcceptedSchema)),
          },
          "400": error("Invalid body (INVALID_PARAMETER_VALUE)"),
          "401": error("Missing or wrong bearer token (UNAUTHENTICATED)"),
          "403": error("Training disabled: API_TOKEN or TRAIN_DATA not configured (PERMISSION_DENIED)"),
          "405": notAllowed,
          "409": error("A training job is already running (RESOURCE_CONFLICT)"),
          "413": tooLarge,
        },
      },
    },
    "/train_model/{job_id}": {
      get: {
        summary: "A training job's status",
        operationId: "getTrainingJob",
        security: bearer,
        parameters: [{ name: "job_id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": { description: "The job", content: json(schemaOf(trainJobSchema)) },
          "401": error("Missing or wrong bearer token (UNAUTHENTICATED)"),
          "403": error("Training disabled (PERMISSION_DENIED)"),
          "404": error("No such job (RESOURCE_DOES_NOT_EXIST)"),
          "405": notAllowed,
        },
      },
    },
    "/model_info": {
      get: {
        summary: "The models being served and where they come from",
        operationId: "modelInfo",
        responses: { "200": { description: "Model status", content: json(schemaOf(modelInfoResponseSchema)) }, "405": notAllowed },
      },
    },
    "/ping": {
      get: {
        summary: "MLflow scoring protocol: 200 when a model is loaded",
        operationId: "ping",
        responses: {
          "200": { description: "A model is loaded (body is a newline, as MLflow's)", content: { "application/json": { schema: { type: "string" } } } },
          "404": error("No model loaded (RESOURCE_DOES_NOT_EXIST)"),
          "405": notAllowed,
        },
      },
    },
    "/version": {
      get: {
        summary: "MLflow scoring protocol: the server's version",
        operationId: "version",
        responses: { "200": { description: "The version", content: { "text/plain": { schema: { type: "string" } } } }, "405": notAllowed },
      },
    },
    "/invocations": {
      post: {
        summary: "MLflow scoring protocol: classify rows",
        operationId: "invocations",
        description:
          "As `mlflow models serve`: application/json (charset utf-8 only) with dataframe_split, dataframe_records, instances or inputs, or text/csv with a header row. " +
          "Other content types or parameters are 415 (as MLflow); bad input is 400 BAD_REQUEST (as MLflow). The same MAX_REVIEWS / MAX_REVIEW_CHARS limits apply.",
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: schemaOf(scoringRequestSchema, "input") },
            "text/csv": { schema: { type: "string", description: "A header row (`text`, or one column), then one text per row" } },
          },
        },
        responses: {
          "200": { description: "One record per row", content: json(schemaOf(invocationsResponseSchema)) },
          "400": error("Bad input (BAD_REQUEST)"),
          "405": notAllowed,
          "413": tooLarge,
          "415": error("Unsupported content type or charset (BAD_REQUEST)"),
          "503": error("No model loaded (TEMPORARILY_UNAVAILABLE)"),
        },
      },
    },
    "/metrics": {
      get: {
        summary: "Prometheus metrics",
        operationId: "metrics",
        responses: { "200": { description: "Prometheus text format", content: { "text/plain": { schema: { type: "string" } } } }, "405": notAllowed },
      },
    },
    "/openapi.json": {
      get: {
        summary: "This document",
        operationId: "openapi",
        responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } }, "405": notAllowed },
      },
    },
  };
  // Every route refuses query parameters it does not take (query-parameters.ts).
  const unknownQuery = "Unknown query parameter (INVALID_PARAMETER_VALUE)";
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations) as { responses: Record<string, unknown> }[]) {
      const existing = operation.responses["400"] as { description: string } | undefined;
      operation.responses["400"] = existing ? { ...existing, description: `${existing.description}, or an unknown query parameter` } : error(unknownQuery);
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "senti-mlops sentiment service",
      version,
      description:
        "The reference sentiment API (/health, /predict, /train_model, /model_info) and MLflow's scoring protocol, over senti-mlops. " +
        "Every error is JSON { error_code, message } (MLflow's shape); unknown routes are 404 ENDPOINT_NOT_FOUND.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "API_TOKEN" } },
    },
  };
}
