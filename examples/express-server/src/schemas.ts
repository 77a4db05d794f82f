/**
 * The JSON shapes of the API, as zod schemas: requests are validated with them, responses are
 * typed by them, and `/openapi.json` is generated from them (so the document cannot drift from
 * what the routes check and send).
 *
 * @module
 */
import { z } from "zod";
import { ServiceError } from "./service-error.js";

/** The request limits the schemas enforce (from the configuration). */
export interface RequestLimits {
  readonly maxReviews: number;
  readonly maxReviewChars: number;
}

/** `{ error_code, message }`: MLflow's error body (`SentiMlopsError#toJSON()`); clients ignore other keys. */
export const errorSchema = z
  .object({
    error_code: z.string().meta({ description: "MLflow's error code, e.g. INVALID_PARAMETER_VALUE", examples: ["INVALID_PARAMETER_VALUE"] }),
    message: z.string().meta({ description: "What went wrong, naming the field", examples: ["reviews[1] must be a string, got number"] }),
  })
  .loose()
  .meta({ id: "Error", description: "An error, as MLflow's server answers it" });

/** The model selector of `/predict`. */
export const modelChoiceSchema = z.enum(["tfidf", "bert"]).meta({ description: "Which model answers: tfidf (default) or bert (when BERT_MODEL is configured)" });

/**
 * `POST /predict`'s body.
 *
 * @example
 * ```ts
 * predictRequestSchema({ maxReviews: 256, maxReviewChars: 20000 }).parse({ reviews: ["Great!"] });
 * ```
 */
export function predictRequestSchema(limits: RequestLimits) {
  return z
    .object({
      reviews: reviewsSchema(limits),
      model: modelChoiceSchema.optional(),
    })
    .strict()
    .meta({ id: "PredictRequest", examples: [{ reviews: ["This movie was amazing!", "Terrible film, waste of time."] }] });
}

/**
 * A non-empty list of texts within the limits.
 *
 * @example
 * ```ts
 * reviewsSchema({ maxReviews: 2, maxReviewChars: 10 }).safeParse(["a", "b", "c"]).success; // false
 * ```
 */
export function reviewsSchema(limits: RequestLimits) {
  return z
    .array(
      z.string().max(limits.maxReviewChars, {
        error: (issue) => `has more than ${limits.maxReviewChars} characters (MAX_REVIEW_CHARS), got ${(issue.input as string).length}`,
      }),
    )
    .min(1, { error: `must hold at least one text` })
    .max(limits.maxReviews, {
      error: (issue) => `must hold at most ${limits.maxReviews} texts (MAX_REVIEWS), got ${(issue.input as unknown[]).length}`,
    })
    .meta({ description: `1 to ${limits.maxReviews} texts (MAX_REVIEWS), each at most ${limits.maxReviewChars} characters (MAX_REVIEW_CHARS)` });
}

/** `POST /predict`'s answer (the reference service's JSON, plus per-review scores and the version). */
export const predictResponseSchema = z
  .object({
    model: z.enum(["TF-IDF", "BERT"]),
    predictions: z.array(z.string()).meta({ description: "The predicted label of each review, in order" }),
    scores: z.array(z.number().min(0).max(1)).meta({ description: "The probability of each predicted label" }),
    count: z.int().min(0),
    model_version: z.string().nullable().meta({ description: "The registered version that answered, when the model came from the registry" }),
  })
  .meta({ id: "PredictResponse", examples: [{ model: "TF-IDF", predictions: ["Positive", "Negative"], scores: [0.97, 0.94], count: 2, model_version: "1" }] });

/** `GET /health`'s answer. */
export const healthResponseSchema = z
  .object({
    status: z.enum(["healthy", "degraded"]).meta({
      description: "degraded when a configured model exists but cannot be loaded, or the registry cannot be reached to refresh it (the process still answers)",
    }),
    service: z.literal("ML Prediction Service"),
    version: z.string(),
    models: z.object({ tfidf: z.boolean(), bert: z.boolean() }),
    problems: z.array(z.string()).optional().meta({ description: "Why the service is degraded" }),
  })
  .meta({ id: "Health" });

const modelStatusSchema = z
  .object({
    loaded: z.boolean(),
    uri: z.string().nullable(),
    registered_model: z.object({ name: z.string(), version: z.string() }).nullable(),
    run_id: z.string().nullable(),
    labels: z.array(z.string()).nullable(),
    loaded_at: z.string().nullable(),
    validation_accuracy: z.number().nullable(),
    problem: z.string().nullable().meta({ description: "Why no model is loaded, when none is" }),
  })
  .meta({ id: "ModelStatus" });

/** `GET /model_info`'s answer. */
export const modelInfoResponseSchema = z
  .object({
    models: z.object({ tfidf: modelStatusSchema, bert: modelStatusSchema }),
    mlflow_tracking_uri: z.string().meta({ description: "The tracking URI, credentials masked" }),
    registered_model_name: z.string(),
    model_alias: z.string(),
    refresh: z
      .object({
        interval_seconds: z.number().meta({ description: "MODEL_REFRESH_SECONDS (0: off, or the URI is not a models:/ alias)" }),
        last_checked_at: z.string().nullable().meta({ description: "When the registry was last read" }),
        last_error: z.string().nullable().meta({ description: "Why the last check failed; the current model is still served" }),
      })
      .meta({ description: "How this process follows the registry's alias" }),
    training: z
      .object({ running_job_id: z.string().nullable().meta({ description: "The job running in this process, if any" }) })
      .meta({ description: "Training in this process (the lease in the tracking store keeps it to one job across processes)" }),
  })
  .meta({ id: "ModelInfo" });

/** `POST /train_model`'s optional body. */
export const trainRequestSchema = z
  .object({
    promotion_policy: z
      .enum(["if-better", "always", "never"])
      .optional()
      .meta({ description: "Overrides PROMOTION_POLICY for this job: if-better (beat the served model on the validation split), always, never" }),
  })
  .strict()
  .meta({ id: "TrainRequest" });

/** A training job, as `GET /train_model/:id` shows it. */
export const trainJobSchema = z
  .object({
    job_id: z.string(),
    status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    phase: z.string().nullable().meta({ description: "What the job is doing: reading, tokenizing, optimizing, evaluating, logging, done" }),
    promotion_policy: z.enum(["if-better", "always", "never"]),
    run_id: z.string().nullable(),
    registered_model: z.object({ name: z.string(), version: z.string() }).nullable(),
    examples: z.object({ train: z.int(), validation: z.int() }).nullable(),
    metrics: z
      .object({ accuracy: z.number(), precision: z.number(), recall: z.number(), f1: z.number(), roc_auc: z.number().nullable(), log_loss: z.number() })
      .nullable(),
    baseline_accuracy: z.number().nullable().meta({ description: "The served model's accuracy on the same validation split (null when none was served)" }),
    promoted: z.boolean().nullable(),
    decision: z.string().nullable().meta({ description: "Why the new version was or was not promoted" }),
    error: errorSchema.nullable(),
  })
  .meta({ id: "TrainingJob" });

/** `POST /train_model`'s 202 answer: the job and where to poll it. */
export const trainAcceptedSchema = trainJobSchema.extend({ status_url: z.string() }).meta({ id: "TrainingJobAccepted" });

/** What `/invocations` answers: one record per row (a DataFrame in pandas' "records" orient). */
export const invocationsResponseSchema = z
  .object({ predictions: z.array(z.object({ label: z.string(), score: z.number() })) })
  .meta({ id: "InvocationsResponse", examples: [{ predictions: [{ label: "Positive", score: 0.97 }] }] });

/**
 * Describes a value's type for messages: `null`, `array`, `number`, ...
 *
 * @example
 * ```ts
 * typeName([1]); // "array"
 * ```
 */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function fieldName(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || "request body";
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Validates `input` with `schema`; on failure throws a 400 `INVALID_PARAMETER_VALUE` whose message
 * names the first bad field (`reviews[2] must be a string, got number`).
 *
 * @example
 * ```ts
 * const body = parseOrThrow(predictRequestSchema(limits), JSON.parse(text));
 * ```
 */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, root = ""): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = root ? [root, ...issue.path] : issue.path;
  const field = fieldName(path);
  const value = valueAt(input, issue.path);
  let message: string;
  switch (issue.code) {
    case "invalid_type":
      message = value === undefined ? `${field} is required` : `${field} must be ${article(issue.expected)}, got ${typeName(value)}`;
      break;
    case "unrecognized_keys":
      message = `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 64))).join(", ")} in ${field}`;
      break;
    case "invalid_value":
      message = `${field} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(value)}`;
      break;
    default:
      message = `${field} ${issue.message}`;
  }
  throw new ServiceError("INVALID_PARAMETER_VALUE", message);
}

function article(expected: string): string {
  if (expected === "array") return "an array";
  if (expected === "object") return "an object";
  if (expected === "int") return "an integer";
  return `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return typeName(value);
}
