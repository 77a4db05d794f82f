/**
 * The Express application: request ids, logs and metrics (one middleware), the routes, 404 for
 * unknown routes and one error handler that answers every error as JSON `{ error_code, message }`
 * without stack traces.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import express, { type Application, type ErrorRequestHandler, type Request, type RequestHandler } from "express";
import type { AppContext } from "./app-context.js";
import { addInfoRoutes } from "./info-routes.js";
import { addPredictionRoutes } from "./prediction-routes.js";
import { addQueryGuards } from "./query-parameters.js";
import { addScoringRoutes } from "./scoring-routes.js";
import { ServiceError, toErrorAnswer } from "./service-error.js";
import { addTrainingRoutes } from "./training-routes.js";

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

/**
 * Request ids, metrics and the one log line per request, in a single middleware: the id comes from
 * a well-formed `X-Request-Id` or a new UUID, and the line is written when the answer is finished,
 * through the base logger (no per-request child logger: pino-http's cost ~85 µs per request here,
 * see docs/benchmarks.md). Requests are logged by method and URL only (query values masked, see
 * {@link loggedUrl}): no headers.
 */
function requestTrail(context: AppContext): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    const incoming = req.headers["x-request-id"];
    const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    (req as Request & { id?: string }).id = id;
    res.setHeader("X-Request-Id", id);
    if (context.draining()) res.setHeader("Connection", "close");
    context.inFlight.add(res);
    res.on("close", () => context.inFlight.delete(res));
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const status = res.statusCode;
      const labels = { method: req.method, route: (req as Request).route?.path ?? "unmatched", status: String(status) };
      context.metrics.requests.inc(labels);
      context.metrics.requestDuration.observe(labels, seconds);
      const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
      if (context.logger.isLevelEnabled(level)) {
        context.logger[level](
          { req: { id, method: req.method, url: loggedUrl(req.originalUrl) }, res: { statusCode: status }, responseTime: Math.round(seconds * 1e4) / 10 },
          "request completed",
        );
      }
    });
    next();
  };
}

/**
 * Creates the application (no listening: see `createServer`).
 *
 * @example
 * ```ts
 * const app = createApp(context);
 * http.createServer(app).listen(5001);
 * ```
 */
export function createApp(context: AppContext): Application {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(requestTrail(context));
  // Unknown query parameters are 400 on every route (the table is in query-parameters.ts).
  addQueryGuards(app);
  addInfoRoutes(app, context);
  addPredictionRoutes(app, context);
  addTrainingRoutes(app, context);
  addScoringRoutes(app, context);
  app.use((req: Request) => {
    throw new ServiceError("ENDPOINT_NOT_FOUND", `no route ${req.method.slice(0, 20)} ${req.path.slice(0, 200)}; see GET /openapi.json`);
  });
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const answer = toErrorAnswer(error, { maxBody: context.config.maxBody });
    if (answer.unexpected) context.logger.error({ reqId: (req as Request & { id?: string }).id, component: answer.component, err: error }, "unexpected error");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // Unread bodies (e.g. a 401 before the body was read) are drained by Node; close the connection so it is not reused mid-body.
    if (!req.complete) res.setHeader("Connection", "close");
    res.status(answer.status).set(answer.headers).json(answer.body);
  };
  app.use(onError);
  return app;
}
