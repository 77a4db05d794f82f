/**
 * The HTTP server of the BERT browser tests and benchmark, on 127.0.0.1 at a free port: a bundled
 * site (files in memory, by URL path) plus folders of the disk mounted under URL prefixes (the
 * shared model folder, read in place, never copied). Optionally cross-origin isolated: every
 * response carries `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`, which pages need for WebAssembly threads.
 * Every request is recorded with its status.
 */
import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join, normalize } from "node:path";
import { contentTypeOf, listenOnLoopback } from "./page-server.js";

export interface BertServerOptions {
  /** Files by URL path (`/index.html`, `/assets/x.js`); `/` serves `/index.html`. */
  files?: Map<string, Uint8Array | string>;
  /** URL prefix (`/models/bert`) → folder on disk; `GET <prefix>/<file>` serves `<folder>/<file>`. */
  folders?: Record<string, string>;
  /** Sends COOP/COEP headers, so pages are cross-origin isolated. @default false */
  isolated?: boolean;
}

export interface BertServer {
  /** e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly origin: string;
  /** Requests served so far: path and status, in order. */
  readonly requests: { path: string; status: number }[];
  close(): Promise<void>;
}

/** Starts the server. */
export async function startBertServer(options: BertServerOptions): Promise<BertServer> {
  const files = options.files ?? new Map<string, Uint8Array | string>();
  const folders = Object.entries(options.folders ?? {});
  const requests: { path: string; status: number }[] = [];
  const isolation: Record<string, string> = options.isolated
    ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp", "cross-origin-resource-policy": "same-origin" }
    : {};

  const lookup = async (path: string): Promise<Uint8Array | string | undefined> => {
    const key = path === "/" ? "/index.html" : path;
    const inMemory = files.get(key);
    if (inMemory !== undefined) return inMemory;
    for (const [prefix, folder] of folders) {
      if (!path.startsWith(`${prefix}/`)) continue;
      const file = normalize(path.slice(prefix.length + 1));
      if (file.startsWith("..") || file.startsWith("/")) return undefined;
      const full = join(folder, file);
      if (!(await stat(full).then((s) => s.isFile(), () => false))) return undefined;
      return new Uint8Array(await readFile(full));
    }
    return undefined;
  };

  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    const send = (status: number, headers: Record<string, string | number>, body?: Uint8Array | string): void => {
      requests.push({ path, status });
      res.writeHead(status, { ...isolation, ...headers }).end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(405, { allow: "GET, HEAD" });
      return;
    }
    lookup(path).then(
      (body) => {
        if (body === undefined) {
          send(404, { "content-type": "text/plain; charset=utf-8" }, `not found: ${path}`);
          return;
        }
        const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
        const key = path === "/" ? "/index.html" : path;
        send(200, { "content-type": contentTypeOf(key), "content-length": bytes.length, "cache-control": "no-store" }, req.method === "HEAD" ? undefined : bytes);
      },
      (error: unknown) => send(500, { "content-type": "text/plain; charset=utf-8" }, String(error)),
    );
  });
  const { origin, close } = await listenOnLoopback(server);
  return { origin, requests, close };
}
