/**
 * Starts the real `mlflow server` (from the project's .venv, see python-env.ts) on a loopback port.
 *
 * The server runs in its own process group (uvicorn forks workers), so `stop()` can signal the whole
 * group: SIGTERM, a grace period, then SIGKILL, and it waits until no process of the group is left.
 * Telemetry is switched off and job execution (huey consumers, only used by GenAI scorers) is not
 * started, so the server makes no outgoing connections and stays small.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VENV_DIR } from "./python-env.js";
import { keepOutputTail, killGroup, sleep, trackGroup, untrackGroup, waitGroupGone } from "./process-group.js";

/** The `mlflow` console script of the project's virtualenv. */
export const MLFLOW_BIN = join(VENV_DIR, "bin", "mlflow");

/** Environment that keeps MLflow from reaching the network or starting side processes. */
export const MLFLOW_QUIET_ENV: Readonly<Record<string, string>> = Object.freeze({
  // mlflow/telemetry/utils.py: is_telemetry_disabled() honours both.
  MLFLOW_DISABLE_TELEMETRY: "true",
  DO_NOT_TRACK: "true",
  // No huey job runner next to the server (it is only needed for server-side GenAI jobs).
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false",
  PYTHONUNBUFFERED: "1",
});

export interface MlflowServerOptions {
  /** @default `sqlite:///<dir>/mlflow.db` in a fresh temp dir */
  backendStoreUri?: string;
  /** @default `<dir>/artifacts` */
  artifactsDestination?: string;
  /** uvicorn worker processes. @default 1 */
  workers?: number;
  /** How long to wait for `GET /health`. @default 120_000 */
  startTimeoutMs?: number;
  /** Keep the temp dir on `stop()` (it holds the default database). @default false */
  keepDir?: boolean;
  /** `--allowed-hosts`: the Host headers the server answers. @default MLflow's (localhost and private addresses) */
  allowedHosts?: readonly string[];
  /** `--cors-allowed-origins`: page origins besides localhost's that may call it. @default MLflow's (localhost only) */
  corsAllowedOrigins?: readonly string[];
}

export interface MlflowServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  backendStoreUri: string;
  /** The temp dir created for this server (default database, artifacts, cwd). */
  dir: string;
  /** The pid of the `mlflow` process, which is also its process-group id. */
  pid: number;
  /** The last lines the server wrote to stdout/stderr. */
  logTail(): string;
  /** Stops the whole process group; idempotent. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (released before returning, so a small race remains: see retries). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const TAIL_CHARS = 8_000;

/**
 * Starts `mlflow server` on a free 127.0.0.1 port and resolves once `GET /health` answers 200.
 *
 * @example
 * ```ts
 * const server = await startMlflowServer();
 * await fetch(`${server.url}/api/2.0/mlflow/experiments/search`, { ... });
 * await server.stop();
 * ```
 */
export async function startMlflowServer(options: MlflowServerOptions = {}): Promise<MlflowServer> {
  if (!existsSync(MLFLOW_BIN)) {
    throw new Error(`${MLFLOW_BIN} is missing: the python-env global setup installs it from test/peers/requirements.txt`);
  }
  const dir = await mkdtemp(join(tmpdir(), "senti-mlflow-"));
  const backendStoreUri = options.backendStoreUri ?? `sqlite:///${join(dir, "mlflow.db")}`;
  const artifactsDestination = options.artifactsDestination ?? join(dir, "artifacts");
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = [
      "server",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--backend-store-uri",
      backendStoreUri,
      "--artifacts-destination",
      artifactsDestination,
      "--workers",
      String(options.workers ?? 1),
      ...(options.allowedHosts ? ["--allowed-hosts", options.allowedHosts.join(",")] : []),
      ...(options.corsAllowedOrigins ? ["--cors-allowed-origins", options.corsAllowedOrigins.join(",")] : []),
    ];
    try {
      const server = await launch(port, dir, { args, readyPath: "/health", what: "mlflow server" }, options);
      return { ...server, backendStoreUri };
    } catch (e) {
      lastError = e;
      // Another process took the port between freePort() and the bind: try another one.
      if (!/address already in use|Errno 98/i.test(String((e as Error).message))) break;
    }
  }
  if (!options.keepDir) await rm(dir, { recursive: true, force: true });
  throw lastError;
}

/**
 * Options of {@link startModelServer}.
 */
export interface ModelServerOptions {
  /** What to serve, e.g. `models:/sentiment@champion`. */
  modelUri: string;
  /** Where `models:/` and `runs:/` URIs resolve (`MLFLOW_TRACKING_URI`). */
  trackingUri: string;
  /** How long to wait for `GET /ping`. @default 120_000 */
  startTimeoutMs?: number;
}

/** A started `mlflow models serve`. */
export type ModelServer = Omit<MlflowServer, "backendStoreUri">;

/**
 * Starts `mlflow models serve --env-manager local` (MLflow's scoring server, in the project's .venv)
 * on a free 127.0.0.1 port and resolves once `GET /ping` answers 200, i.e. once the model loaded.
 *
 * @example
 * ```ts
 * const serving = await startModelServer({ modelUri: "models:/sentiment@champion", trackingUri: server.url });
 * await fetch(`${serving.url}/invocations`, { method: "POST", ... });
 * await serving.stop();
 * ```
 */
export async function startModelServer(options: ModelServerOptions): Promise<ModelServer> {
  const dir = await mkdtemp(join(tmpdir(), "senti-mlflow-serve-"));
  const port = await freePort();
  const args = ["models", "serve", "-m", options.modelUri, "--env-manager", "local", "--host", "127.0.0.1", "--port", String(port)];
  // The scoring server is started as `uvicorn …`, found on PATH: the virtualenv's bin comes first.
  const env = { MLFLOW_TRACKING_URI: options.trackingUri, PATH: `${join(VENV_DIR, "bin")}:${process.env.PATH ?? ""}` };
  try {
    return await launch(port, dir, { args, env, readyPath: "/ping", what: "mlflow models serve" }, options);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

interface LaunchSpec {
  args: readonly string[];
  env?: Record<string, string>;
  readyPath: string;
  what: string;
}

async function launch(
  port: number,
  dir: string,
  spec: LaunchSpec,
  options: { startTimeoutMs?: number; keepDir?: boolean },
): Promise<ModelServer> {
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(MLFLOW_BIN, spec.args, {
    cwd: dir,
    env: { ...process.env, ...MLFLOW_QUIET_ENV, ...spec.env },
    detached: true, // own process group: stop() signals -pid
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pgid = child.pid!;
  trackGroup(pgid);

  const output = keepOutputTail(child, TAIL_CHARS);
  let exited: string | null = null;
  const exitedPromise = new Promise<void>((r) =>
    child.once("exit", (code, signal) => {
      exited = signal ? `signal ${signal}` : `code ${code}`;
      r();
    }),
  );

  let stopping: Promise<void> | null = null;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      killGroup(pgid, "SIGTERM");
      if (!(await waitGroupGone(pgid, 10_000))) {
        killGroup(pgid, "SIGKILL");
        await waitGroupGone(pgid, 5_000);
      }
      await Promise.race([exitedPromise, sleep(1_000)]);
      untrackGroup(pgid);
      child.stdout!.destroy();
      child.stderr!.destroy();
    })());
  const stop = async (): Promise<void> => {
    await shutdown();
    if (!options.keepDir) await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  for (;;) {
    if (exited !== null) {
      await shutdown();
      throw new Error(`${spec.what} exited (${exited}) before answering ${url}${spec.readyPath}:\n${output.text()}`);
    }
    try {
      const res = await fetch(`${url}${spec.readyPath}`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
      await res.body?.cancel();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await shutdown();
      throw new Error(`${spec.what} did not answer ${url}${spec.readyPath} within ${options.startTimeoutMs ?? 120_000} ms:\n${output.text()}`);
    }
    await Promise.race([sleep(250), exitedPromise]);
  }
  return { url, dir, pid: pgid, logTail: output.text, stop };
}
