/**
 * Errors thrown by senti-mlops.
 *
 * Every error is a {@link SentiMlopsError} carrying one of MLflow's error codes, the HTTP status
 * MLflow maps that code to, an optional `cause`, and `toJSON()` giving MLflow's wire shape
 * `{ error_code, message }`. Errors are recognised by a brand rather than `instanceof`, so two copies
 * of the package (ESM and CJS) still agree; use {@link isSentiMlopsError} and {@link hasErrorCode}.
 *
 * @module
 */

/**
 * MLflow's error codes (from `mlflow/protos/databricks.proto`) with the HTTP status the MLflow
 * server answers for each.
 *
 * @example
 * ```ts
 * ERROR_HTTP_STATUS.RESOURCE_ALREADY_EXISTS; // 400, as MLflow answers
 * ```
 */
export const ERROR_HTTP_STATUS = /* @__PURE__ */ Object.freeze({
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  MALFORMED_REQUEST: 400,
  INVALID_STATE_TRANSITION: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  CUSTOMER_UNAUTHORIZED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_CONFLICT: 409,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
} as const);

/**
 * One of MLflow's error codes.
 *
 * @example
 * ```ts
 * const code: ErrorCode = "RESOURCE_DOES_NOT_EXIST";
 * ```
 */
export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

const BRAND = /* @__PURE__ */ Symbol.for("senti-mlops.error");

/**
 * The part of senti-mlops an error comes from, carried by {@link SentiMlopsError.component} (a
 * service can log or route on it without reading the message).
 *
 * @example
 * ```ts
 * const where: Component = "tracking";
 * ```
 */
export type Component =
  | "adapters"
  | "bert"
  | "cli"
  | "data"
  | "evaluation"
  | "mlflow"
  | "models"
  | "registry"
  | "runtime"
  | "tfidf"
  | "tracking";

/**
 * Options accepted by {@link SentiMlopsError}.
 *
 * @example
 * ```ts
 * throw new SentiMlopsError("INVALID_PARAMETER_VALUE", "bad run id", { component: "tracking", details: { run_id: id } });
 * ```
 */
export interface SentiMlopsErrorOptions {
  /** The part of the library that raised it. */
  component?: Component;
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
  /** Extra machine-readable fields, merged into {@link SentiMlopsError.toJSON}'s output. */
  details?: Readonly<Record<string, unknown>>;
}

/**
 * The one error type the library throws.
 *
 * @example
 * ```ts
 * try {
 *   await predict(model, [42 as unknown as string]);
 * } catch (e) {
 *   if (isSentiMlopsError(e)) console.log(e.code, e.httpStatus, e.toJSON());
 *   // INVALID_PARAMETER_VALUE 400 { error_code: "INVALID_PARAMETER_VALUE", message: "texts[0] must be a string, got number" }
 * }
 * ```
 */
export class SentiMlopsError extends Error {
  /** MLflow's error code, e.g. `RESOURCE_DOES_NOT_EXIST`. */
  readonly code: ErrorCode;
  /** The HTTP status MLflow answers with for {@link SentiMlopsError.code}. */
  readonly httpStatus: number;
  /** Extra machine-readable fields. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** The part of the library that raised it, when known. */
  readonly component: Component | undefined;

  constructor(code: ErrorCode, message: string, options: SentiMlopsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SentiMlopsError";
    this.code = code;
    this.httpStatus = ERROR_HTTP_STATUS[code] ?? 500;
    this.details = options.details;
    this.component = options.component;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** MLflow's error body: `{ error_code, message, ...details }`. */
  toJSON(): { error_code: ErrorCode; message: string } & Record<string, unknown> {
    return { ...this.details, error_code: this.code, message: this.message };
  }

  /**
   * Shorthand for an `INVALID_PARAMETER_VALUE` error.
   *
   * @example
   * ```ts
   * throw SentiMlopsError.invalidParameterValue("C must be a positive number, got -1");
   * ```
   */
  static invalidParameterValue(message: string, options?: SentiMlopsErrorOptions): SentiMlopsError {
    return new SentiMlopsError("INVALID_PARAMETER_VALUE", message, options);
  }
}

/**
 * True when `value` is an error thrown by senti-mlops (any copy of the package).
 *
 * @example
 * ```ts
 * if (isSentiMlopsError(e) && e.code === "RESOURCE_DOES_NOT_EXIST") return null;
 * ```
 */
export function isSentiMlopsError(value: unknown): value is SentiMlopsError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * True when `value` is a senti-mlops error with the given code.
 *
 * @example
 * ```ts
 * if (hasErrorCode(e, "RESOURCE_ALREADY_EXISTS")) { ... }
 * ```
 */
export function hasErrorCode(value: unknown, code: ErrorCode): value is SentiMlopsError {
  return isSentiMlopsError(value) && value.code === code;
}

/**
 * Describes a value's type for error messages: `null`, `array`, `number`, ...
 *
 * @example
 * ```ts
 * describeType([1, 2]); // "array"
 * describeType(null); // "null"
 * ```
 */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
