/**
 * The Express application: request ids and logs (pino-http), request metrics, the routes, 404 for
 * unknown routes and one error handler that answers every error as JSON `{ error_code, message }`
 * without stack traces.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import express, { type Application, type ErrorRequestHandler, type Request, type RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import type { AppContext } from "./app-context.js";
import { addInfoRoutes } from "./info-routes.js";
import { addPredictionRoutes } from "./prediction-routes.js";
import { addScoringRoutes } from "./scoring-routes.js";
import { ServiceError, toErrorAnswer } from "./service-error.js";
import { addTrainingRoutes } from "./training-routes.js";

/** Request ids clients may send (`X-Request-Id`); anything else is replaced by a UUID. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

function requestMetrics(context: AppContext): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    if (context.draining()) res.setHeader("Connection", "close");
    context.inFlight.add(res);
    res.on("close", () => context.inFlight.delete(res));
    res.on("finish", () => {
      const labels = { method: req.method, route: (req as Request).route?.path ?? "unmatched", status: String(res.statusCode) };
      context.metrics.requests.inc(labels);
      context.metrics.requestDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
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
  app.use(
    pinoHttp({
      logger: context.logger,
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
      // pino-http makes up an Error (with a stack) for every 5xx; the error handler logs real errors itself.
      customErrorObject: (_req, _res, _error, value: Record<string, unknown>) => {
        const { err: _synthetic, ...rest } = value;
        return rest;
      },
      // Requests are logged by method and URL only: no headers (Authorization is also redacted by the logger).
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.slice(0, 512) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }) as unknown as RequestHandler,
  );
  app.use(requestMetrics(context));
  addInfoRoutes(app, context);
  addPredictionRoutes(app, context);
  addTrainingRoutes(app, context);
  addScoringRoutes(app, context);
  app.use((req: Request) => {
    throw new ServiceError("ENDPOINT_NOT_FOUND", `no route ${req.method.slice(0, 20)} ${req.path.slice(0, 200)}; see GET /openapi.json`);
  });
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const answer = toErrorAnswer(error, { maxBody: context.config.maxBody });
    if (answer.unexpected) req.log?.error({ err: error }, "unexpected error");
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
