/**
 * The Express application: the request trail (ids, logs and metrics, see request-trail.ts), the
 * routes, 404 for unknown routes and one error handler that answers every error as JSON
 * `{ error_code, message }` without stack traces.
 *
 * @module
 */
import express, { type Application, type ErrorRequestHandler, type Request } from "express";
import type { AppContext } from "./app-context.js";
import { addInfoRoutes } from "./info-routes.js";
import { addPredictionRoutes } from "./prediction-routes.js";
import { addQueryGuards } from "./query-parameters.js";
import { addScoringRoutes } from "./scoring-routes.js";
import { sendError, traceRequest } from "./request-trail.js";
import { ServiceError } from "./service-error.js";
import { addTrainingRoutes } from "./training-routes.js";

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
  app.use((req, res, next) => {
    traceRequest(context, req, res, () => (req as Request).route?.path ?? "unmatched");
    next();
  });
  // Unknown query parameters are 400 on every route (the table is in query-parameters.ts).
  addQueryGuards(app);
  addInfoRoutes(app, context);
  addPredictionRoutes(app, context);
  addTrainingRoutes(app, context);
  addScoringRoutes(app, context);
  app.use((req: Request) => {
    throw new ServiceError("ENDPOINT_NOT_FOUND", `no route ${req.method.slice(0, 20)} ${req.path.slice(0, 200)}; see GET /openapi.json`);
  });
  const onError: ErrorRequestHandler = (error, req, res, _next) => sendError(context, req, res, error);
  app.use(onError);
  return app;
}
