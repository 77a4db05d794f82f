/**
 * The service as the Docker image runs it, without Docker: a production-style install made by the
 * Dockerfile's own `prod-deps` commands (production dependencies only), laid out as the runtime
 * stage lays out /app, started with the runtime stage's CMD, ENV and WORKDIR (the port, the bind
 * address and /data moved to a free port, 127.0.0.1 and a temp folder). Checks the HEALTHCHECK
 * command, training and predicting on the default sqlite store, configuration errors, and SIGTERM:
 * no new connections, the in-flight request completes, exit code 0.
 *
 * Needs `npm run build`, ../shared/data/sst2, and the npm registry (or npm's cache) the first time
 * the production install is made (cached in .cache/server-prod-install by the lockfile's hash).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { describeResult, runProcess } from "../helpers/run-process.js";
import { assembleImageTree, productionInstall, runtimeSpec } from "./dockerfile.js";
import { TOKEN, tempDir, waitForJob, writeTrainingCsv } from "./helpers.js";

const spec = runtimeSpec();
let root: string;
let app: string;
let data: string;
let cwd: string;

/** The image's environment with /data, the port and the bind address moved for the test. */
function imageEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.env)) env[k] = v.replaceAll("/data", data);
  return { PATH: process.env.PATH, HOME: root, ...env, PORT: "0", HOST: "127.0.0.1", ...extra };
}

interface Started {
  child: ChildProcess;
  url: string;
  port: number;
  lines: string[];
  /** Resolves with the first log line whose msg matches. */
  waitFor(msg: RegExp): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function start(extra: Record<string, string> = {}): Promise<Started> {
  const child = spawn(spec.cmd[0]!, spec.cmd.slice(1), { cwd, env: imageEnv(extra), stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters: { msg: RegExp; resolve: (line: Record<string, unknown>) => void }[] = [];
  let buffer = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    for (const line of parts.filter(Boolean)) {
      lines.push(line);
      const parsed = JSON.parse(line) as Record<string, unknown>;
      for (const w of [...waiters]) {
        if (w.msg.test(String(parsed.msg))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(parsed);
        }
      }
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => lines.push(`stderr: ${chunk}`));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = (msg: RegExp) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = lines.map((l) => (l.startsWith("{") ? (JSON.parse(l) as Record<string, unknown>) : null)).find((l) => l && msg.test(String(l.msg)));
      if (seen) resolve(seen);
      else waiters.push({ msg, resolve });
      exited.then((code) => reject(new Error(`exited ${code} before logging ${msg}:\n${lines.join("\n")}`)));
    });
  return waitFor(/^listening$/).then((listening) => {
    const port = listening.port as number;
    return { child, url: `http://127.0.0.1:${port}`, port, lines, waitFor, exited };
  });
}

beforeAll(async () => {
  root = tempDir("senti-server-image-");
  app = join(root, "app");
  data = join(root, "data");
  assembleImageTree(await productionInstall(), app);
  cwd = join(app, spec.workdir.replace(/^\/app\/?/, ""));
}, 600_000);

afterAll(async () => {
  const { rmSync } = await import("node:fs");
  if (root) rmSync(root, { recursive: true, force: true });
});

test("the Dockerfile runs the built service as an unprivileged user, with a health check on /health", () => {
  expect(spec.cmd).toEqual(["node", "dist/main.js"]);
  expect(spec.workdir).toBe("/app/examples/express-server");
  expect(spec.healthcheck.join(" ")).toContain("/health");
  expect(spec.env).toMatchObject({ NODE_ENV: "production", PORT: "5001", MLFLOW_TRACKING_URI: "sqlite:////data/mlflow.db" });
});

test("configuration errors: exit 2 and one line per bad variable, before listening", async () => {
  const r = await runProcess(spec.cmd[0]!, spec.cmd.slice(1), { cwd, env: imageEnv({ PORT: "http", MAX_REVIEWS: "0", API_TOKEN: "short" }) });
  expect(r.code, describeResult(r)).toBe(2);
  expect(r.stderr).toContain('PORT must be an integer from 0 to 65535, got "http"');
  expect(r.stderr).toContain('MAX_REVIEWS must be an integer from 1 to 100000, got "0"');
  expect(r.stderr).toContain("API_TOKEN must be at least 16 characters");
  expect(r.stderr + r.stdout).not.toContain("short");
});

describe("the image's CMD from a production install", () => {
  let s: Started;
  beforeAll(async () => {
    s = await start({ API_TOKEN: TOKEN, TRAIN_DATA: writeTrainingCsv(root, 2000) });
  });
  afterAll(async () => {
    if (s && s.child.exitCode === null) {
      s.child.kill("SIGTERM");
      await s.exited;
    }
  });

  test("answers /health, passes the HEALTHCHECK command, trains on the default SQLite store and predicts", async () => {
    const health = await fetch(`${s.url}/health`);
    expect(await health.json()).toMatchObject({ status: "healthy", models: { tfidf: false } });
    const check = await runProcess(spec.healthcheck[0]!, spec.healthcheck.slice(1), { cwd, env: { PATH: process.env.PATH, PORT: String(s.port) } });
    expect(check.code, describeResult(check)).toBe(0);
    const started = await fetch(`${s.url}/train_model`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(started.status).toBe(202);
    const job = await waitForJob(s.url, ((await started.json()) as { job_id: string }).job_id);
    expect(job, JSON.stringify(job.error)).toMatchObject({ status: "succeeded", promoted: true });
    const predicted = await fetch(`${s.url}/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ reviews: ["Wonderful!"] }) });
    expect(predicted.status).toBe(200);
    for (const line of s.lines) expect(line).not.toContain(TOKEN);
  });

  test("SIGTERM: no new connections, the in-flight request completes, the store is closed, exit 0", async () => {
    const body = JSON.stringify({ reviews: ["An absolute joy from start to finish.", "A tedious, joyless mess."] });
    // The request's headers reach the app (100 Continue) before SIGTERM; its body is sent after.
    const inFlight = new Promise<{ status: number; text: string; connection: string | undefined }>((resolve, reject) => {
      const req = request(`${s.url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" },
      });
      req.on("continue", async () => {
        s.child.kill("SIGTERM");
        // Every worker (WORKERS, node:cluster) drains; the shared port closes once all have closed
        // their servers, which the primary learns over IPC: connect until refused (bounded).
        const workers = Number((s.lines.map((l) => JSON.parse(l) as { msg?: string; workers?: number }).find((l) => l.msg === "starting workers")?.workers) ?? 1);
        while (s.lines.filter((l) => l.includes('"msg":"draining')).length < workers) await new Promise((r) => setTimeout(r, 10));
        let refused = "connected";
        for (let attempt = 0; attempt < 100 && refused === "connected"; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, 20));
          refused = await new Promise<string>((done) => {
            const socket = connect(s.port, "127.0.0.1");
            socket.on("connect", () => {
              socket.destroy();
              done("connected");
            });
            socket.on("error", (e: NodeJS.ErrnoException) => done(e.code ?? "error"));
          });
        }
        expect(refused).toBe("ECONNREFUSED");
        req.end(body);
      });
      req.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode!, text, connection: res.headers.connection }));
      });
      req.on("error", reject);
    });
    const answer = await inFlight;
    expect(answer.status, answer.text).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ model: "TF-IDF", count: 2 });
    expect(answer.connection).toBe("close");
    expect(await s.exited).toBe(0);
    const stopped = await s.waitFor(/^stopped$/);
    expect(stopped.drained).toBe(true);
  });

  test("a restart serves the champion it trained from the SQLite file", async () => {
    const again = await start();
    try {
      const info = (await (await fetch(`${again.url}/model_info`)).json()) as { models: { tfidf: { loaded: boolean; registered_model: unknown } } };
      expect(info.models.tfidf).toMatchObject({ loaded: true, registered_model: { name: "sentiment-tfidf", version: "1" } });
    } finally {
      again.child.kill("SIGTERM");
      expect(await again.exited).toBe(0);
    }
  });
});
