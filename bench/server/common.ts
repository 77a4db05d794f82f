/**
 * What bench/server/run.ts and bench/server/profile.ts share: the cached set-up (bench venv, both
 * models), the workloads, starting and stopping each side's server, and one autocannon load run.
 * See run.ts for what is measured and how.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import autocannonUntyped from "autocannon";
import { parse } from "csv-parse/sync";
import { PROJECT_ROOT } from "../../test/peers/python-env.js";
import { dataFile } from "../../test/peers/sklearn.js";

export { PROJECT_ROOT };
export const CACHE = join(PROJECT_ROOT, ".cache", "bench-server");
export const LOGS = join(CACHE, "logs");
const REQUIREMENTS = join(PROJECT_ROOT, "bench/server/requirements.txt");
const FLASK_APP = join(PROJECT_ROOT, "bench/server/flask_app.py");
export const DEFAULT_MAIN = join(PROJECT_ROOT, "examples/express-server/dist/main.js");
const TRAIN = dataFile("imdb/train.csv");
const TEST = dataFile("imdb/test.csv");
const OURS_OPTIONS = ["--ngram-range", "1,2", "--min-df", "2", "--sublinear-tf", "-C", "4"];
const SKLEARN_VEC = { ngram_range: [1, 2], min_df: 2, sublinear_tf: true };
const SKLEARN_CLF = { C: 4, max_iter: 1000 };
const REGISTERED = "sentiment-tfidf";
export const GUNICORN_WORKERS = 2;
/** The service's default WORKERS (examples/express-server/src/config.ts: os.availableParallelism(), at most 256). */
export const DEFAULT_WORKERS = Math.min(256, availableParallelism());
export const log = (s: string) => process.stderr.write(s);

/**
 * ours: the service as `npm start` runs it (WORKERS unset: its default, one process per core);
 * ours1: the same main.js with WORKERS=1 (one process, no node:cluster primary).
 */
export type SideName = "flask" | "flask-gthread" | "ours" | "ours1";
export const SIDE_LABEL: Record<SideName, string> = {
  flask: `Flask + scikit-learn, gunicorn ${GUNICORN_WORKERS} sync workers`,
  "flask-gthread": `Flask + scikit-learn, gunicorn ${GUNICORN_WORKERS} gthread workers (1 thread each, keep-alive)`,
  ours: `Express service as \`npm start\` runs it (WORKERS=${DEFAULT_WORKERS}, the default)`,
  ours1: "Express service, WORKERS=1",
};

// ---------------------------------------------------------------- set-up (cached)

const sha = (...parts: (string | Buffer)[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex").slice(0, 12);
};
const fileKey = (path: string) => `${path}:${statSync(path).size}:${statSync(path).mtimeMs}`;

/** The bench venv (Flask, gunicorn, scikit-learn), reused while requirements.txt is unchanged. */
function ensureVenv(): string {
  const venv = join(CACHE, "venv");
  const python = join(venv, "bin", "python");
  const marker = join(venv, ".senti-requirements");
  const wanted = sha(readFileSync(REQUIREMENTS));
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, "utf8").trim() === wanted) return python;
  log(`[setup] creating ${venv} (bench/server/requirements.txt from PyPI)\n`);
  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(python)) execFileSync(process.env.PYTHON ?? "python3", ["-m", "venv", venv], { stdio: "inherit" });
  execFileSync(python, ["-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", REQUIREMENTS], { stdio: "inherit" });
  writeFileSync(marker, `${wanted}\n`);
  return python;
}

/** scikit-learn's pipeline fitted on IMDB train, pickled once per (requirements, options, data). */
function ensureSklearnModel(python: string): { path: string; fit_s: number | null } {
  const key = sha(readFileSync(REQUIREMENTS), JSON.stringify([SKLEARN_VEC, SKLEARN_CLF]), fileKey(TRAIN));
  const path = join(CACHE, `sklearn-imdb-${key}.pkl`);
  if (existsSync(path)) return { path, fit_s: null };
  log(`[setup] fitting scikit-learn on ${TRAIN}… `);
  const out = execFileSync(python, [FLASK_APP, "train", TRAIN, path, JSON.stringify(SKLEARN_VEC), JSON.stringify(SKLEARN_CLF)], {
    stdio: ["ignore", "pipe", "inherit"],
  }).toString();
  const info = JSON.parse(out) as { fit_s: number; features: number };
  log(`${info.fit_s.toFixed(1)} s, ${info.features} features\n`);
  return { path, fit_s: info.fit_s };
}

/** Our model: trained, logged and registered by the CLI into an SQLite store (skipped when registered). */
function ensureOurModel(): { trackingUri: string; dir: string } {
  const dir = join(CACHE, `store-imdb-${sha(JSON.stringify(OURS_OPTIONS), fileKey(TRAIN))}`);
  mkdirSync(dir, { recursive: true });
  const trackingUri = `sqlite:///${join(dir, "mlflow.db")}`;
  log(`[setup] senti-mlops train … --register ${REGISTERED} --alias champion --skip-if-registered (store ${dir})\n`);
  // cwd = the store's folder: the run's artifacts (the model files) go to its ./mlruns.
  execFileSync(
    process.execPath,
    [
      join(PROJECT_ROOT, "bin/senti-mlops.js"), "train", "--data", TRAIN, ...OURS_OPTIONS, "--quiet",
      "--tracking-uri", trackingUri, "--experiment", "bench-server", "--run-name", "bench-server",
      "--register", REGISTERED, "--alias", "champion", "--skip-if-registered",
    ],
    { cwd: dir, stdio: ["ignore", "inherit", "inherit"] },
  );
  return { trackingUri, dir };
}

// ---------------------------------------------------------------- workloads

const testRows = (parse(readFileSync(TEST), { columns: true }) as { text: string; label: string }[]).map((r) => ({ text: r.text, label: Number(r.label) }));
/** `n` reviews spread evenly over the test set (it is sorted by label). */
const spread = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => testRows[(offset + Math.floor((i * testRows.length) / n)) % testRows.length]!);
export const SINGLES = spread(256);
export const BATCHES = Array.from({ length: 64 }, (_, b) => spread(2048, 5).slice(b * 32, b * 32 + 32));
export const bodiesFor = (reviewsPerRequest: number): string[] => {
  if (reviewsPerRequest === 1) return SINGLES.map((r) => JSON.stringify({ reviews: [r.text] }));
  if (reviewsPerRequest === 32) return BATCHES.map((batch) => JSON.stringify({ reviews: batch.map((r) => r.text) }));
  throw new Error(`workload ${reviewsPerRequest}: only 1 and 32 reviews per request are defined`);
};

// ---------------------------------------------------------------- processes

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Running {
  side: SideName;
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of running) c.kill("SIGKILL");
});

/** CPU seconds (user + system) of a process and all its descendants, from /proc. */
export function treeCpuSeconds(pid: number): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  const visit = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / tick; // utime, stime
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, "utf8").trim();
        if (children) for (const c of children.split(" ")) visit(Number(c));
      }
    } catch {
      // the process ended meanwhile
    }
  };
  visit(pid);
  return total;
}

/** Starts one side's server on a free port of 127.0.0.1 and waits until it (every worker) is ready. */
export async function start(
  side: SideName,
  models: Models,
  options: { main?: string; extraEnv?: Record<string, string>; nodeArgs?: string[]; logName?: string } = {},
): Promise<Running> {
  const { main = DEFAULT_MAIN, extraEnv = {}, nodeArgs = [] } = options;
  const port = await freePort();
  mkdirSync(LOGS, { recursive: true });
  const logFile = join(LOGS, `${options.logName ?? side}.log`);
  const out = openSync(logFile, "w");
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LANG: process.env.LANG ?? "C.UTF-8" };
  let child: ChildProcess;
  let ready: (err: string) => boolean;
  if (side === "flask" || side === "flask-gthread") {
    const bin = join(models.python, "..", "gunicorn");
    child = spawn(
      bin,
      [
        "-w", String(GUNICORN_WORKERS),
        // sync: one request at a time per worker, Connection: close; gthread with 1 thread: the same, but keeps connections alive.
        ...(side === "flask" ? ["-k", "sync"] : ["-k", "gthread", "--threads", "1", "--keep-alive", "5"]),
        "-b", `127.0.0.1:${port}`, "--no-control-socket", "--chdir", join(PROJECT_ROOT, "bench/server"), "flask_app:create_app()"],
      { env: { ...base, PYTHONDONTWRITEBYTECODE: "1", BENCH_SERVER_MODEL: models.sklearn, ...extraEnv }, stdio: ["ignore", out, "pipe"] },
    );
    ready = (err) => (err.match(/\[flask_app\] model loaded/g) ?? []).length >= GUNICORN_WORKERS;
  } else {
    // The service's own configuration from the environment; WORKERS is set only for ours1, so ours
    // runs with the default `npm start` gets (one worker per core).
    const env: Record<string, string> = {
      ...base,
      HOST: "127.0.0.1",
      PORT: String(port),
      MLFLOW_TRACKING_URI: models.trackingUri,
      MODEL_URI: `models:/${REGISTERED}@champion`,
      ...(side === "ours1" ? { WORKERS: "1" } : {}),
      ...extraEnv,
    };
    const workers = env.WORKERS ? Number(env.WORKERS) : DEFAULT_WORKERS;
    child = spawn(process.execPath, [...nodeArgs, main], { env, cwd: models.storeDir, stdio: ["ignore", out, "pipe"] });
    // With more than one worker, /health answers as soon as the first one listens: wait for the
    // primary's log line (stdout, in the log file) that all of them do, and check their number.
    ready =
      workers > 1
        ? () => {
            const line = readFileSync(logFile, "utf8").split("\n").find((l) => l.includes('"every worker is listening"'));
            if (!line) return false;
            const said = (JSON.parse(line) as { workers?: number }).workers;
            if (said !== workers) throw new Error(`${side}: expected ${workers} workers, the service says ${said}`);
            return true;
          }
        : () => true;
  }
  closeSync(out);
  running.add(child);
  let err = "";
  child.stderr!.on("data", (d: Buffer) => {
    if (err.length < 1 << 20) err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${side} exited with ${child.exitCode} before it was ready:\n${err}\n(log: ${logFile})`);
    if (Date.now() > deadline) throw new Error(`${side} not ready after 180 s:\n${err}`);
    if (ready(err)) {
      const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (ok) break;
    }
    await sleep(100);
  }
  return {
    side,
    url,
    child,
    stderr: () => err,
    async stop() {
      child.kill("SIGTERM");
      const code = await Promise.race([exited, sleep(20_000).then(() => "timeout" as const)]);
      if (code === "timeout") child.kill("SIGKILL");
      running.delete(child);
    },
  };
}

// ---------------------------------------------------------------- load

export interface Measured {
  responses: number;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  seconds: number;
  server_cpu: number; // cores the server used on average
  loadgen_cpu: number; // cores this process (autocannon) used on average
}

/** The part of autocannon's API used here (test/server/autocannon.d.ts declares less). */
interface AutocannonInstance extends PromiseLike<{ errors: number; timeouts: number; non2xx: number }> {
  on(event: "response", listener: (client: unknown, status: number, bytes: number, responseTime: number) => void): void;
}
type SetupClient = (client: { _connect: () => void; pipelinedRequests: { clear(): void } }) => void;
const autocannon = autocannonUntyped as unknown as (options: {
  url: string;
  connections: number;
  pipelining: number;
  duration: number;
  maxOverallRequests: number;
  timeout: number;
  requests: { method: string; path: string; headers: Record<string, string>; body: string }[];
  setupClient: SetupClient;
}) => AutocannonInstance;

/** One autocannon run against `url`, POSTing `bodies` in turn on every connection. */
export async function load(url: string, bodies: string[], seconds: number, serverPid: number, settings: { connections: number; maxRequests: number }): Promise<Measured> {
  const latencies: number[] = [];
  let last = 0;
  const cpu0 = treeCpuSeconds(serverPid);
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const instance = autocannon({
    url,
    connections: settings.connections,
    pipelining: 1,
    duration: seconds,
    maxOverallRequests: settings.maxRequests,
    timeout: 10,
    requests: bodies.map((body) => ({ method: "POST", path: "/predict", headers: { "content-type": "application/json" }, body })),
    // See the module comment: after a server closes the connection, drop the request written to it.
    setupClient(client: { _connect: () => void; pipelinedRequests: { clear(): void } }) {
      const connect = client._connect;
      client._connect = function (this: typeof client) {
        this.pipelinedRequests.clear();
        connect.call(this);
      };
    },
  });
  instance.on("response", (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
    last = performance.now();
  });
  const result = await instance;
  const self = process.cpuUsage(self0);
  const wall = (last - t0) / 1000;
  const cpu = treeCpuSeconds(serverPid) - cpu0;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? NaN;
  return {
    responses: latencies.length,
    rps: latencies.length / wall,
    p50: q(0.5),
    p99: q(0.99),
    mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    seconds: wall,
    server_cpu: cpu / wall,
    loadgen_cpu: (self.user + self.system) / 1e6 / wall,
  };
}

/** Labels a side answers for the agreement sample (the 32-review bodies, then the singles by 32). */
export async function sampleLabels(url: string): Promise<string[]> {
  const bodies = [...BATCHES, ...Array.from({ length: SINGLES.length / 32 }, (_, i) => SINGLES.slice(i * 32, i * 32 + 32))];
  const labels: string[] = [];
  for (const batch of bodies) {
    const res = await fetch(`${url}/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ reviews: batch.map((r) => r.text) }) });
    if (!res.ok) throw new Error(`${url}/predict answered ${res.status}: ${await res.text()}`);
    const json = (await res.json()) as { model: string; predictions: string[]; count: number };
    if (json.model !== "TF-IDF" || json.count !== batch.length || json.predictions.length !== batch.length) throw new Error(`unexpected answer shape from ${url}: ${JSON.stringify(json).slice(0, 300)}`);
    labels.push(...json.predictions);
  }
  return labels;
}
export const SAMPLE_TRUTH = [...BATCHES.flat(), ...SINGLES].map((r) => (r.label === 1 ? "Positive" : "Negative"));


export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Paths of the set-up: the bench venv's python, the pickled scikit-learn model, our SQLite store. */
export interface Models {
  python: string;
  sklearn: string;
  trackingUri: string;
  storeDir: string;
}

/** The cached set-up (venv, both models), made on first use. */
export function prepare(): Models {
  const python = ensureVenv();
  const sk = ensureSklearnModel(python);
  const ours = ensureOurModel();
  return { python, sklearn: sk.path, trackingUri: ours.trackingUri, storeDir: ours.dir };
}
