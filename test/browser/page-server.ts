/**
 * A tiny static HTTP server for browser tests: serves an in-memory map of files (pages, bundles,
 * model bytes, JSON) on 127.0.0.1 at a free port. Anything not in the map is a 404.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** The content type of a path by its extension; other files are bytes. */
export function contentTypeOf(path: string): string {
  const dot = path.lastIndexOf(".");
  const ext = dot > path.lastIndexOf("/") ? path.slice(dot).toLowerCase() : "";
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

export interface PageServer {
  /** e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly origin: string;
  /** The files served, by path (`/index.html`); may be changed while the server runs. */
  readonly files: Map<string, string | Uint8Array>;
  close(): Promise<void>;
}

/**
 * Starts `server` listening on 127.0.0.1 at a free port: its origin (`http://127.0.0.1:<port>`)
 * and a close() that also drops open connections.
 */
export async function listenOnLoopback(server: Server): Promise<{ origin: string; close(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Starts the server on 127.0.0.1:0. `/` serves `/index.html`. */
export async function startPageServer(files: Record<string, string | Uint8Array> = {}): Promise<PageServer> {
  const map = new Map(Object.entries(files));
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const key = path === "/" ? "/index.html" : path;
    const body = map.get(key);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (body === undefined) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`not found: ${path}`);
      return;
    }
    const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    res.writeHead(200, { "content-type": contentTypeOf(key), "content-length": bytes.length, "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : bytes);
  });
  const { origin, close } = await listenOnLoopback(server);
  return { origin, files: map, close };
}
