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
 * A check that throws 400 `INVALID_PARAMETER_VALUE` when a parsed query (Express's: Node's
 * `querystring.parse`) has a parameter not in `names`, naming it and what the route takes.
 *
 * @example
 * ```ts
 * const check = queryCheck("/predict", ["model"]);
 * check({ model: "bert" });      // fine
 * check({ token: "abc" });       // throws: unknown query parameter "token"; /predict takes only ?model=
 * ```
 */
export function queryCheck(route: string, names: readonly string[]): (query: Readonly<Record<string, unknown>>) => void {
  const allowed = new Set(names);
  const takes = names.length ? `takes only ${names.map((n) => `?${n}=`).join(", ")}` : "takes no query parameters";
  return (query) => {
    for (const key in query) {
      if (!allowed.has(key)) throw new ServiceError("INVALID_PARAMETER_VALUE", `unknown query parameter ${JSON.stringify(key.slice(0, 64))}; ${route} ${takes}`);
    }
  };
}

/**
 * A middleware that runs {@link queryCheck} on the request's query.
 *
 * @example
 * ```ts
 * app.all("/predict", allowQuery("/predict", ["model"]));  // before the route's handlers
 * ```
 */
export function allowQuery(route: string, names: readonly string[]): RequestHandler {
  const check = queryCheck(route, names);
  return (req, _res, next) => {
    check(req.query as Record<string, unknown>);
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
