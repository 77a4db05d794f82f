/**
 * The service's logger: pino, JSON lines, with secrets redacted (the `Authorization` header and
 * cookies never reach the log; every `scheme://` URL in a line — `tracking_uri`, `uri`, `url`
 * fields, messages, `err.message`, `err.stack` and their causes — has its credentials and
 * token-like query parameters masked by `redactUri`).
 *
 * @module
 */
import { pino, type DestinationStream, type Logger } from "pino";
import { redactUrisInText } from "./config.js";

/** Paths pino replaces with `[redacted]` wherever a request or response is logged. */
export const REDACTED_PATHS = Object.freeze([
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  "headers.authorization",
  "authorization",
  "apiToken",
  "api_token",
]);

/**
 * Creates the logger. Whatever is logged, URLs in the line are masked (`http://me:***@mlflow:5000`).
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: "info" });               // JSON lines on stdout
 * const quiet = createLogger({ level: "silent" });
 * const captured = createLogger({ level: "debug" }, stream);     // any writable stream
 * ```
 */
export function createLogger(options: { level: string }, destination?: DestinationStream): Logger {
  const settings = {
    level: options.level,
    base: { service: "senti-mlops-express-server" },
    redact: { paths: [...REDACTED_PATHS], censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    // On the serialized line, so no field, message, error or cause can carry a URL's credentials out.
    hooks: { streamWrite: redactUrisInText },
  };
  return destination ? pino(settings, destination) : pino(settings);
}
