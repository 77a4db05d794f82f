/**
 * Helpers for the express-server tests: start the service in-process on 127.0.0.1:0 (real HTTP),
 * capture its JSON logs, write a small training set from the shared SST-2 data, poll training
 * jobs, and check responses against the service's own /openapi.json (JSON Schema → zod with
 * `z.fromJSONSchema`).
 *
 * Needs `npm run build` (the service imports senti-mlops by package name, i.e. dist/) and
 * ../shared/data/sst2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { expect } from "vitest";
import { z } from "zod";
import { loadConfig } from "../../examples/express-server/src/config.js";
import { createServer, type RunningServer, type ServerOptions } from "../../examples/express-server/src/server.js";
import { PROJECT_ROOT } from "../peers/python-env.js";
import { dataFile } from "../peers/sklearn.js";

export { PROJECT_ROOT };
export const SERVER_DIR = join(PROJECT_ROOT, "examples", "express-server");

/** The bearer token the tests configure. */
export const TOKEN = "server-test-token-0123456789";

/** A started service, its captured log lines and a temp folder removed by `stop()`. */
export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly logs: string[];
  readonly dir: string;
  stop(): Promise<void>;
}

/** A temp folder, removed by the caller. */
export function tempDir(prefix = "senti-server-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Writes the first `rows` rows of SST-2's train split (text,label) to `dir/train.csv`; returns its path.
 */
export function writeTrainingCsv(dir: string, rows: number, offset = 0): string {
  const lines = readFileSync(dataFile("sst2/train.csv"), "utf8").split("\n");
  const path = join(dir, `train-${offset}-${rows}.csv`);
  writeFileSync(path, [lines[0], ...lines.slice(1 + offset, 1 + offset + rows)].join("\n") + "\n");
  return path;
}

/**
 * The environment of a service that trains: the test token, `rows` rows of SST-2 as TRAIN_DATA, and
 * an SQLite tracking store with a local artifact root, all inside `dir`. Replicas given the same
 * `dir` share one store (and so one registry and one training lease).
 */
export function trainingEnv(dir: string, rows: number) {
  return {
    API_TOKEN: TOKEN,
    TRAIN_DATA: writeTrainingCsv(dir, rows),
    MLFLOW_TRACKING_URI: `sqlite:///${join(dir, "mlflow.db")}`,
    MLFLOW_ARTIFACT_ROOT: join(dir, "mlruns"),
  };
}

/**
 * Starts the service with `env` on top of test defaults (127.0.0.1, port 0, memory: tracking,
 * logs captured at info level).
 */
export async function startTestServer(env: Record<string, string> = {}, options: ServerOptions = {}): Promise<TestServer> {
  const dir = tempDir();
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    MLFLOW_TRACKING_URI: "memory:",
    LOG_LEVEL: "info",
    SHUTDOWN_TIMEOUT_MS: "5000",
    ...env,
  });
  const server = await createServer(config, { logDestination: destination, defaultMetrics: false, ...options });
  return {
    server,
    url: server.url,
    logs,
    dir,
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POSTs JSON (or raw text with a content type). */
export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const raw = typeof body === "string" || body instanceof Uint8Array;
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: raw ? (body as string) : JSON.stringify(body),
  });
}

/** A job as GET /train_model/:id answers it. */
export interface JobView {
  job_id: string;
  status: string;
  run_id: string | null;
  registered_model: { name: string; version: string } | null;
  metrics: { accuracy: number } | null;
  baseline_accuracy: number | null;
  promoted: boolean | null;
  decision: string | null;
  error: { error_code: string; message: string } | null;
  examples: { train: number; validation: number } | null;
}

/**
 * Starts a training job on the service at `url` (no body: its default promotion policy), checks
 * it is accepted (202) and waits until it has succeeded; returns the job. The set-up of suites that
 * need a champion trained by the service itself.
 */
export async function trainChampion(url: string): Promise<JobView> {
  const started = await post(`${url}/train_model`, "", { authorization: `Bearer ${TOKEN}`, "content-type": "" });
  expect(started.status).toBe(202);
  const job = await waitForJob(url, ((await started.json()) as { job_id: string }).job_id);
  expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
  return job;
}

/** Polls a training job until it has finished (no wall-clock assertions: the test timeout bounds it). */
export async function waitForJob(url: string, jobId: string, token = TOKEN): Promise<JobView> {
  for (;;) {
    const res = await fetch(`${url}/train_model/${jobId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const job = (await res.json()) as JobView;
    if (job.status !== "queued" && job.status !== "running") return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type JsonObject = Record<string, unknown>;

/** Replaces `{ $ref: "#/components/schemas/X" }` by the schema it names, recursively. */
function inlineRefs(value: unknown, components: Record<string, unknown>, depth = 0): unknown {
  if (depth > 50) throw new Error("schema nesting too deep (a $ref cycle?)");
  if (Array.isArray(value)) return value.map((v) => inlineRefs(v, components, depth + 1));
  if (value === null || typeof value !== "object") return value;
  const object = value as JsonObject;
  if (typeof object.$ref === "string") {
    const name = /^#\/components\/schemas\/(.+)$/.exec(object.$ref)?.[1];
    if (!name || !(name in components)) throw new Error(`unresolved $ref ${object.$ref}`);
    return inlineRefs(components[name], components, depth + 1);
  }
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, inlineRefs(v, components, depth + 1)]));
}

/** Checks responses against an OpenAPI document: the status is documented, and so are the content type and body. */
export interface OpenApiChecker {
  /** Asserts `res` (whose body was read as `body`) is what the document says `method template` answers. */
  check(method: string, template: string, res: Response, body: string): void;
  /** The operations that were checked, as "METHOD template status". */
  readonly seen: Set<string>;
}

/**
 * Creates a checker for `doc` (the service's /openapi.json).
 */
export function createOpenApiChecker(doc: JsonObject): OpenApiChecker {
  const components = ((doc.components as JsonObject | undefined)?.schemas ?? {}) as Record<string, unknown>;
  const paths = doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  const cache = new Map<string, z.ZodType>();
  const seen = new Set<string>();
  return {
    seen,
    check(method, template, res, body) {
      const operation = paths[template]?.[method.toLowerCase()];
      expect(operation, `${method} ${template} is in /openapi.json`).toBeDefined();
      const status = String(res.status);
      const spec = operation!.responses[status];
      expect(spec, `${method} ${template} documents status ${status} (body: ${body.slice(0, 200)})`).toBeDefined();
      seen.add(`${method.toUpperCase()} ${template} ${status}`);
      if (!spec!.content) return;
      const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
      const media = spec!.content[type];
      expect(media, `${method} ${template} ${status} documents content type ${type}`).toBeDefined();
      if (type !== "application/json") return;
      const key = `${method} ${template} ${status}`;
      let schema = cache.get(key);
      if (!schema) {
        schema = z.fromJSONSchema(inlineRefs(media!.schema, components) as Parameters<typeof z.fromJSONSchema>[0]);
        cache.set(key, schema);
      }
      // MLflow's /ping answers a bare newline as application/json: documented as a string.
      if (body.trim() === "") {
        expect(media!.schema, `${key}: an empty JSON body is documented as a string`).toEqual({ type: "string" });
        return;
      }
      const parsed = schema.safeParse(JSON.parse(body));
      expect(parsed.success, `${key} body matches the documented schema: ${parsed.success ? "" : JSON.stringify(parsed.error.issues.slice(0, 3))}\n${body.slice(0, 300)}`).toBe(true);
    },
  };
}
