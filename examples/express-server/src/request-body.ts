/**
 * Request bodies: read as bytes (by `express.raw`, or by raw-body in the `/predict` lane of
 * request-listener.ts, with the `MAX_BODY` limit, so an oversized body is a 413 before anything is
 * parsed), then checked here: the media type, a UTF-8 charset, strict UTF-8 decoding (invalid
 * bytes are an error, not U+FFFD), and JSON.
 *
 * @module
 */
import type { IncomingMessage } from "node:http";
import { ServiceError } from "./service-error.js";

/** A parsed `Content-Type`: the media type (lower case) and its parameters (names lower case). */
export interface MediaType {
  readonly type: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/**
 * Parses a `Content-Type` header; null when absent or malformed.
 *
 * @example
 * ```ts
 * parseMediaType("application/json; charset=UTF-8"); // { type: "application/json", parameters: { charset: "UTF-8" } }
 * ```
 */
export function parseMediaType(header: string | undefined): MediaType | null {
  if (!header) return null;
  const [head, ...rest] = header.split(";");
  const type = head!.trim().toLowerCase();
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(type)) return null;
  const parameters: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf("=");
    if (eq < 0) {
      if (part.trim() === "") continue;
      return null;
    }
    parameters[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
  }
  return { type, parameters };
}

/** How a route answers a body it cannot take. */
export interface BodyRules {
  /** Media types accepted, e.g. `["application/json"]`. */
  readonly accept: readonly string[];
  /**
   * Status for a wrong or missing `Content-Type`: 400 `INVALID_PARAMETER_VALUE` (MLflow's REST
   * API, and the rule for /predict) or 415 `BAD_REQUEST` (MLflow's scoring server).
   */
  readonly wrongTypeStatus: 400 | 415;
  /** Other `Content-Type` parameters than `charset` are refused (MLflow's scoring server). @default false */
  readonly onlyCharset?: boolean;
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function contentTypeError(rules: BodyRules, message: string): ServiceError {
  return rules.wrongTypeStatus === 415
    ? new ServiceError("BAD_REQUEST", message, { status: 415 })
    : new ServiceError("INVALID_PARAMETER_VALUE", message);
}

/**
 * A request's body as text, after checking its media type (the request's `Content-Type`) and
 * charset, decoded as strict UTF-8. Returns the media type too (for routes that take more than one).
 *
 * @throws {ServiceError} 400/415 for a wrong content type, 400 for a missing body or invalid UTF-8.
 *
 * @example
 * ```ts
 * const { text, mediaType } = readText(req, req.body, { accept: ["application/json"], wrongTypeStatus: 400 });
 * ```
 */
export function readText(req: IncomingMessage, body: unknown, rules: BodyRules): { text: string; mediaType: MediaType } {
  const header = req.headers["content-type"];
  const mediaType = parseMediaType(header);
  const accepted = rules.accept.join(" or ");
  if (!mediaType) {
    throw contentTypeError(rules, header ? `Content-Type ${JSON.stringify(header.slice(0, 100))} is malformed; send ${accepted}` : `Content-Type header is missing; send ${accepted}`);
  }
  if (!rules.accept.includes(mediaType.type)) {
    throw contentTypeError(rules, `Content-Type ${mediaType.type.slice(0, 100)} is not supported; send ${accepted}`);
  }
  for (const [key, value] of Object.entries(mediaType.parameters)) {
    if (key === "charset") {
      if (!/^utf-?8$/i.test(value)) throw contentTypeError(rules, `charset ${JSON.stringify(value.slice(0, 40))} is not supported; send UTF-8`);
    } else if (rules.onlyCharset) {
      throw contentTypeError(rules, `Content-Type parameter ${JSON.stringify(key.slice(0, 40))} is not supported`);
    }
  }
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw new ServiceError(rules.wrongTypeStatus === 415 ? "BAD_REQUEST" : "INVALID_PARAMETER_VALUE", "request body is empty");
  }
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw new ServiceError(rules.wrongTypeStatus === 415 ? "BAD_REQUEST" : "INVALID_PARAMETER_VALUE", "request body is not valid UTF-8");
  }
  return { text, mediaType };
}

/**
 * Parses JSON text; a syntax error is a 400 that does not echo the body.
 *
 * @example
 * ```ts
 * parseJson('{"reviews": ["Great"]}'); // { reviews: ["Great"] }
 * ```
 */
export function parseJson(text: string, code: "INVALID_PARAMETER_VALUE" | "BAD_REQUEST" = "INVALID_PARAMETER_VALUE"): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const position = /position (\d+)/.exec((e as Error).message)?.[1];
    const detail = e instanceof RangeError ? " (nested too deeply)" : position ? ` (at byte ${position})` : "";
    throw new ServiceError(code, `request body is not valid JSON${detail}`);
  }
}

/**
 * True when the request carries a body (`Content-Length` > 0 or chunked).
 *
 * @example
 * ```ts
 * if (hasBody(req)) body = parseJson(readText(req, req.body, rules).text);
 * ```
 */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}
