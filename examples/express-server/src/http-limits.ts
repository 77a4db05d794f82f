/**
 * Connection and slow-client limits of the service's HTTP server, from the configuration
 * (`MAX_CONNECTIONS`, `BODY_TIMEOUT_MS`).
 *
 * @module
 */
import type { Server } from "node:http";
import type { ServiceConfig } from "./config.js";

/** The longest a client may take to send its request headers, whatever `BODY_TIMEOUT_MS` is. */
export const MAX_HEADERS_TIMEOUT_MS = 15_000;

/**
 * Applies `MAX_CONNECTIONS` and `BODY_TIMEOUT_MS` to an HTTP server: connections above
 * `maxConnections` are closed as they arrive (`server.maxConnections`); a request whose headers and
 * body have not all arrived within `bodyTimeoutMs` is answered 408 and its connection closed
 * (`server.requestTimeout`); headers alone get `min(15000, bodyTimeoutMs)` (`server.headersTimeout`).
 * Call it before `listen`.
 *
 * @example
 * ```ts
 * const server = http.createServer(app);
 * applyHttpLimits(server, loadConfig({ MAX_CONNECTIONS: "512", BODY_TIMEOUT_MS: "10000" }));
 * server.listen(5001);
 * ```
 */
export function applyHttpLimits(server: Server, config: Pick<ServiceConfig, "maxConnections" | "bodyTimeoutMs">): void {
  server.maxConnections = config.maxConnections;
  server.requestTimeout = config.bodyTimeoutMs;
  server.headersTimeout = Math.min(MAX_HEADERS_TIMEOUT_MS, config.bodyTimeoutMs);
}
