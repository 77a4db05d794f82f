/**
 * Serves `models/<name>/…` from the shared models folder of this repository's checkout
 * (`$SENTI_SHARED_DIR/models`, default `../shared/models` beside the checkout) in `npm start`,
 * `vite` and `vite preview`, so the default BERT URL (`models/bert-tiny-sst2`) works without
 * copying the model into the app. Nothing is served when the folder does not exist; a deployed
 * app points VITE_BERT_URL (or `?bert=`) at wherever its model is hosted.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Connect, Plugin } from "vite";

const REPOSITORY = fileURLToPath(new URL("../../..", import.meta.url));

/** The shared models folder, or undefined when this checkout has none. */
export function sharedModelsDir(): string | undefined {
  const dir = resolve(process.env.SENTI_SHARED_DIR ?? join(REPOSITORY, "..", "shared"), "models");
  return existsSync(dir) ? dir : undefined;
}

const TYPES: Record<string, string> = { ".json": "application/json", ".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8" };

function serveFrom(dir: string, base: string): Connect.NextHandleFunction {
  const prefix = `${base}models/`;
  return (req: IncomingMessage, res: ServerResponse, next: Connect.NextFunction) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    if ((req.method !== "GET" && req.method !== "HEAD") || !path.startsWith(prefix)) return next();
    const file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) return next();
    const ext = file.slice(file.lastIndexOf("."));
    res.writeHead(200, { "content-type": TYPES[ext] ?? "application/octet-stream", "content-length": statSync(file).size });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  };
}

export function serveSharedModels(): Plugin {
  const dir = sharedModelsDir();
  return {
    name: "senti-example-shared-models",
    configureServer(server) {
      if (dir) server.middlewares.use(serveFrom(dir, server.config.base));
    },
    configurePreviewServer(server) {
      if (dir) server.middlewares.use(serveFrom(dir, server.config.base));
    },
  };
}
