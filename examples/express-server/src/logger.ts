/**
 * The service's logger: pino, JSON lines, with secrets redacted (the `Authorization` header and
 * cookies never reach the log; tracking URIs are logged with their credentials masked).
 *
 * @module
 */
import { pino, type DestinationStream, type Logger } from "pino";

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
 * Creates the logger.
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
  };
  return destination ? pino(settings, destination) : pino(settings);
}
