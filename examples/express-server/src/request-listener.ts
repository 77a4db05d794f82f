/**
 * The HTTP server's request listener. `POST /predict` with a plain body (a `Content-Length` within
 * `MAX_BODY`, no `Content-Encoding`) is answered here, before Express; every other request goes to
 * the Express app (app.ts), `/predict`'s other cases included.
 *
 * Why a lane in front of Express: measured on this service's busiest route (docs/benchmarks.md,
 * "Express service: profile"), Express's router, its request/response objects and body parsing cost
 * about 90 µs per request on their own, more than the model's `predict()`. The lane runs the same
 * code as the Express route for everything that is not routing (request-trail.ts for ids, logs and
 * metrics; query-parameters.ts for the query check; prediction-routes.ts for the body checks, the
 * model choice and the answer; the same JSON error answers), so the two cannot drift apart: an
 * answer differs only in how fast it comes.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseQuery } from "node:querystring";
import getRawBody from "raw-body";
import type { AppContext } from "./app-context.js";
import { createApp } from "./app.js";
import { createPredictionAnswerer } from "./prediction-routes.js";
import { QUERY_PARAMETERS, queryCheck } from "./query-parameters.js";
import { sendError, sendJson, traceRequest } from "./request-trail.js";

/**
 * True for the requests the `/predict` lane answers: `POST /predict` exactly (with or without a
 * query string; Express's case-insensitive and trailing-slash variants are left to it), with a
 * `Content-Length` within `maxBody` and neither `Content-Encoding` nor `Transfer-Encoding`. Every
 * other request (a compressed or chunked body, one over the limit, which Express answers 413 after
 * draining it) goes to Express.
 *
 * @example
 * ```ts
 * inPredictLane({ method: "POST", url: "/predict?model=tfidf", headers: { "content-length": "42" } }, 1_000_000); // true
 * inPredictLane({ method: "POST", url: "/predict", headers: { "content-length": "42", "content-encoding": "gzip" } }, 1_000_000); // false
 * ```
 */
export function inPredictLane(req: Pick<IncomingMessage, "method" | "url" | "headers">, maxBody: number): boolean {
  const url = req.url ?? "";
  return (
    req.method === "POST" &&
    url.startsWith("/predict") &&
    (url.length === 8 || url.charCodeAt(8) === 63) /* "?" */ &&
    Number(req.headers["content-length"]) <= maxBody &&
    req.headers["content-encoding"] === undefined &&
    req.headers["transfer-encoding"] === undefined
  );
}

/**
 * Creates the service's request listener (the Express app behind it is created here too).
 *
 * @example
 * ```ts
 * const server = http.createServer(createRequestListener(context));
 * server.listen(5001);
 * ```
 */
export function createRequestListener(context: AppContext): (req: IncomingMessage, res: ServerResponse) => void {
  const app = createApp(context);
  const answerPrediction = createPredictionAnswerer(context);
  const checkQuery = queryCheck("/predict", QUERY_PARAMETERS["/predict"]!);
  const limit = context.config.maxBody;
  const predictRoute = () => "/predict";
  const answer = async (req: IncomingMessage, res: ServerResponse, url: string, length: number) => {
    try {
      const q = url.indexOf("?");
      // Express's "simple" query parser is Node's querystring.parse: the same parse, the same check.
      const query = q < 0 ? {} : parseQuery(url.slice(q + 1));
      checkQuery(query);
      const body = await getRawBody(req, { length, limit });
      sendJson(res, 200, await answerPrediction(req, body, query));
    } catch (error) {
      sendError(context, req, res, error);
    }
  };
  return (req, res) => {
    if (!inPredictLane(req, limit)) {
      app(req, res);
      return;
    }
    traceRequest(context, req, res, predictRoute);
    void answer(req, res, req.url!, Number(req.headers["content-length"]));
  };
}
