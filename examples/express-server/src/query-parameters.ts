/**
 * The query parameters each route takes, written once: the guard that answers any other one with
 * 400, and the table `/openapi.json` documents them from.
 *
 * @module
 */
import type { Application, RequestHandler } from "express";
import { ServiceError } from "./service-error.js";

/**
 * The query parameters each route accepts (routes in Express's syntax). MLflow's scoring server
 * (`mlflow models serve`) reads none on `/ping`, `/version` and `/invocations` (parameters travel in
 * the JSON body's `params`), so none are accepted there.
 */
export const QUERY_PARAMETERS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  "/health": [],
  "/predict": ["model"],
  "/train_model": [],
  "/train_model/:job_id": [],
  "/model_info": [],
  "/metrics": [],
  "/openapi.json": [],
  "/ping": [],
  "/version": [],
  "/invocations": [],
});

/**
 * A middleware that answers 400 `INVALID_PARAMETER_VALUE` when the query string has a parameter
 * not in `names`, naming it and what the route takes.
 *
 * @example
 * ```ts
 * app.all("/predict", allowQuery("/predict", ["model"]));  // before the route's handlers
 * ```
 */
export function allowQuery(route: string, names: readonly string[]): RequestHandler {
  const allowed = new Set(names);
  const takes = names.length ? `takes only ${names.map((n) => `?${n}=`).join(", ")}` : "takes no query parameters";
  return (req, _res, next) => {
    const unknown = Object.keys(req.query).find((key) => !allowed.has(key));
    if (unknown !== undefined) throw new ServiceError("INVALID_PARAMETER_VALUE", `unknown query parameter ${JSON.stringify(unknown.slice(0, 64))}; ${route} ${takes}`);
    next();
  };
}

/**
 * Registers {@link allowQuery} for every route of {@link QUERY_PARAMETERS}, on all methods. Call it
 * before the routes are added.
 *
 * @example
 * ```ts
 * const app = express();
 * addQueryGuards(app);
 * addInfoRoutes(app, context);
 * ```
 */
export function addQueryGuards(app: Application): void {
  for (const [route, names] of Object.entries(QUERY_PARAMETERS)) app.all(route, allowQuery(route, names));
}
