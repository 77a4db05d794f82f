/**
 * 405 for methods a route does not answer (OPTIONS and odd methods included), with `Allow`.
 *
 * @module
 */
import type { Application } from "express";
import { ServiceError } from "./service-error.js";

/**
 * Answers every method of `path` not in `methods` with 405 `BAD_REQUEST` and an `Allow` header.
 * Register it after the route's handlers. GET routes also answer HEAD.
 *
 * @example
 * ```ts
 * app.get("/health", health);
 * allowOnly(app, "/health", ["GET"]);
 * ```
 */
export function allowOnly(app: Application, path: string, methods: readonly string[]): void {
  const allow = [...methods, ...(methods.includes("GET") ? ["HEAD"] : [])].join(", ");
  app.all(path, (req) => {
    throw new ServiceError("BAD_REQUEST", `method ${req.method.slice(0, 20)} is not allowed on ${path}; use ${allow}`, { status: 405, headers: { Allow: allow } });
  });
}
