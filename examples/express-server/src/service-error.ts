/**
 * Errors the service answers with: a `SentiMlopsError` (so the body is its `toJSON()`,
 * `{ error_code, message }`, MLflow's shape) with the HTTP status to answer, which may differ from
 * the status MLflow maps the code to (413, 415 and 405 have no MLflow code of their own).
 *
 * @module
 */
import { SentiMlopsError, isSentiMlopsError, type Component, type ErrorCode } from "senti-mlops";
import { redactUrisInText } from "./config.js";

/**
 * A `SentiMlopsError` with the HTTP status the service answers.
 *
 * @example
 * ```ts
 * throw new ServiceError("INVALID_PARAMETER_VALUE", "reviews must be an array of strings, got string");
 * throw new ServiceError("BAD_REQUEST", "Content-Type text/xml is not supported", { status: 415 });
 * ```
 */
export class ServiceError extends SentiMlopsError {
  /** The HTTP status of the answer. */
  readonly status: number;
  /** Extra response headers, e.g. `Allow` or `WWW-Authenticate`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, options: { status?: number; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.name = "ServiceError";
    this.status = options.status ?? this.httpStatus;
    this.headers = Object.freeze({ ...options.headers });
  }
}

/** What an error becomes on the wire. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: { error_code: string; message: string };
  readonly headers: Readonly<Record<string, string>>;
  /** True for errors the service did not expect (logged with their stack, answered without it). */
  readonly unexpected: boolean;
  /** For a senti-mlops error, the part of the library that raised it (for the log; never in the body). */
  readonly component?: Component;
}

/** Status and code of body-parser's errors (express.raw), by their `type`. */
const BODY_ERRORS: Record<string, [number, ErrorCode, string]> = {
  "entity.too.large": [413, "REQUEST_LIMIT_EXCEEDED", "request body is larger than the limit"],
  "encoding.unsupported": [415, "BAD_REQUEST", "unsupported Content-Encoding"],
  "charset.unsupported": [415, "BAD_REQUEST", "unsupported charset"],
  "request.aborted": [400, "BAD_REQUEST", "request aborted"],
  "request.size.invalid": [400, "BAD_REQUEST", "request size did not match Content-Length"],
  "entity.verify.failed": [400, "BAD_REQUEST", "request body rejected"],
};

/**
 * Turns anything thrown while handling a request into the answer: service and library errors keep
 * their code and message, with credentials in URLs masked (`redactUrisInText`; a library error's
 * `component` comes along for the log, never in the body);
 * body-parser errors get 413/415/400; anything else is a 500
 * `INTERNAL_ERROR` whose message says nothing about the internals (never a stack trace).
 *
 * @example
 * ```ts
 * const { status, body } = toErrorAnswer(new ServiceError("PERMISSION_DENIED", "training is disabled"));
 * // 403, { error_code: "PERMISSION_DENIED", message: "training is disabled" }
 * ```
 */
export function toErrorAnswer(error: unknown, limits: { maxBody?: number } = {}): ErrorAnswer {
  if (error instanceof ServiceError) {
    return { status: error.status, body: { error_code: error.code, message: redactUrisInText(error.message) }, headers: error.headers, unexpected: false };
  }
  if (isSentiMlopsError(error)) {
    const unexpected = error.httpStatus >= 500 && error.code !== "TEMPORARILY_UNAVAILABLE" && error.code !== "NOT_IMPLEMENTED";
    return {
      status: error.httpStatus,
      body: { error_code: error.code, message: redactUrisInText(error.message) },
      headers: {},
      unexpected,
      ...(error.component === undefined ? {} : { component: error.component }),
    };
  }
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof type === "string" && BODY_ERRORS[type]) {
    const [status, code, message] = BODY_ERRORS[type]!;
    const detail = type === "entity.too.large" && limits.maxBody ? ` (MAX_BODY = ${limits.maxBody} bytes)` : "";
    return { status, body: { error_code: code, message: `${message}${detail}` }, headers: {}, unexpected: false };
  }
  // Other client errors from Express's stack (http-errors with expose, e.g. a corrupt gzip body): keep the 4xx, not the text.
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    // The router's "Failed to decode param" (a URIError with status 400) is the one without expose.
    if (error instanceof URIError) return { status, body: { error_code: "BAD_REQUEST", message: "malformed percent-encoding in the URL path" }, headers: {}, unexpected: false };
    if ((error as { expose?: unknown }).expose === true) {
      return { status, body: { error_code: "BAD_REQUEST", message: `request rejected (HTTP ${status})` }, headers: {}, unexpected: false };
    }
  }
  return { status: 500, body: { error_code: "INTERNAL_ERROR", message: "internal error; see the service log" }, headers: {}, unexpected: true };
}
