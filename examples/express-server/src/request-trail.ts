/**
 * What every request gets, whichever path answers it (the Express app or the `/predict` lane of
 * request-listener.ts): a request id, the in-flight set that shutdown drains, the request metrics,
 * one log line when the answer is finished, and errors answered as JSON `{ error_code, message }`.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppContext } from "./app-context.js";
import { toErrorAnswer } from "./service-error.js";

/** Request ids clients may send (`X-Request-Id`); anything else is replaced by a UUID. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * A request's URL as logged: the path, then the query's parameter names with every value masked
 * (`/train_model?token=***`): query values can carry secrets, and none is worth a log line.
 *
 * @example
 * ```ts
 * loggedUrl("/predict?model=bert&token=abc"); // "/predict?model=***&token=***"
 * ```
 */
export function loggedUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url.slice(0, 512);
  const names = url
    .slice(q + 1)
    .split("&")
    .filter(Boolean)
    .map((pair) => `${pair.split("=", 1)[0]!.slice(0, 64)}=***`);
  return `${url.slice(0, Math.min(q, 512))}?${names.join("&")}`.slice(0, 1024);
}

/** A request the trail has seen: its id, for error logs. */
export type TracedRequest = IncomingMessage & { id?: string };

/**
 * Starts a request's trail: the id (a well-formed `X-Request-Id` or a new UUID) is set on the
 * request and answered in `X-Request-Id`; the answer is tracked until it closes; when it finishes,
 * the request metrics are recorded under `route()` (called then, as Express knows its route only
 * after routing) and one line is logged through the base logger (no per-request child logger:
 * pino-http cost ~85 µs per request here, see docs/benchmarks.md). Requests are logged by method
 * and URL only (query values masked, see {@link loggedUrl}): no headers.
 *
 * @example
 * ```ts
 * http.createServer((req, res) => {
 *   traceRequest(context, req, res, () => "/predict");
 *   // … answer
 * });
 * ```
 */
export function traceRequest(context: AppContext, req: TracedRequest, res: ServerResponse, route: () => string): void {
  const start = process.hrtime.bigint();
  const url = req.url ?? "";
  const incoming = req.headers["x-request-id"];
  const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  req.id = id;
  res.setHeader("X-Request-Id", id);
  if (context.draining()) res.setHeader("Connection", "close");
  context.inFlight.add(res);
  res.on("close", () => context.inFlight.delete(res));
  res.on("finish", () => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const status = res.statusCode;
    const labels = { method: req.method ?? "", route: route(), status: String(status) };
    context.metrics.requests.inc(labels);
    context.metrics.requestDuration.observe(labels, seconds);
    const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
    if (context.logger.isLevelEnabled(level)) {
      context.logger[level](
        { req: { id, method: req.method, url: loggedUrl(url) }, res: { statusCode: status }, responseTime: Math.round(seconds * 1e4) / 10 },
        "request completed",
      );
    }
  });
}

/**
 * Answers `body` as JSON (`application/json; charset=utf-8`) with `status` and extra `headers`.
 *
 * @example
 * ```ts
 * sendJson(res, 200, { status: "ok" });
 * ```
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

/**
 * Answers an error as JSON `{ error_code, message }` with its status (see `toErrorAnswer`; no stack
 * traces), logging unexpected ones with the request id. An answer already begun is cut off; a
 * request whose body was not read closes its connection, so it is not reused mid-body.
 *
 * @example
 * ```ts
 * try { … } catch (e) { sendError(context, req, res, e); }
 * ```
 */
export function sendError(context: AppContext, req: TracedRequest, res: ServerResponse, error: unknown): void {
  const answer = toErrorAnswer(error, { maxBody: context.config.maxBody });
  if (answer.unexpected) context.logger.error({ reqId: req.id, component: answer.component, err: error }, "unexpected error");
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Unread bodies (e.g. a 401 before the body was read) are drained by Node; close the connection so it is not reused mid-body.
  if (!req.complete) res.setHeader("Connection", "close");
  sendJson(res, answer.status, answer.body, answer.headers);
}
