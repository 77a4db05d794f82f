/**
 * The service as a process (`npm start`, the Docker image's CMD): reads the configuration from the
 * environment (exit 2 with one line per bad variable) and serves on `WORKERS` processes.
 *
 * With one worker, this process is the server. With more, it is node:cluster's primary: it forks
 * the workers (which share the port; the primary hands connections out round-robin), tells all of
 * them to re-read the registry when one of them promoted a version, replaces a worker that dies
 * (unless they keep dying), and on SIGTERM or SIGINT passes SIGTERM to every worker and exits when
 * they have — 0 when all of them drained, 1 otherwise. Each server stops accepting connections,
 * drains in-flight requests, cancels its training job and closes the tracking store (exit 1 when
 * requests had to be cut off at SHUTDOWN_TIMEOUT_MS). Training is kept to one job at a time across
 * workers (and replicas) by the lease in the tracking store, not by this process.
 *
 * A start that finds the tracking store unreachable (MLflow not listening yet: compose and
 * Kubernetes start containers in any order) is retried with exponential backoff for up to
 * STORE_STARTUP_TIMEOUT_SECONDS, each retry logged with its cause, then exits 1 saying so.
 *
 * @module
 */
import cluster, { type Worker } from "node:cluster";
import { hasErrorCode } from "senti-mlops";
import { ConfigError, loadConfig, redactUri, redactUrisInText, type ServiceConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { createServer, type RunningServer } from "./server.js";

/**
 * Messages between the primary and its workers: a worker that promoted a version says so; the
 * primary asks every other worker to refresh; each answers when it serves the registry's version;
 * the primary then tells the promoting worker, whose job reports success only after that. A worker
 * whose own registry check swapped in a new version says so too, and the primary asks the others to
 * check at once (nobody waits for their answers).
 */
type ClusterMessage =
  | { type: "promoted"; version: string; id: number }
  | { type: "swapped"; version: string }
  | { type: "refresh"; key: string }
  | { type: "refreshed"; key: string }
  | { type: "all-refreshed"; id: number }
  | { type: "ready" };

/** How long a promoting worker waits for the others to serve the new version. */
const PROPAGATION_TIMEOUT_MS = 30_000;

/** The first wait between two starts that found the store unreachable; it doubles up to the cap. */
const STARTUP_RETRY_FIRST_MS = 500;
const STARTUP_RETRY_MAX_MS = 15_000;

/**
 * Whether a failed start is worth retrying: the tracking store (or the server it names) could not
 * be reached or did not answer in time. Anything else — a malformed URI, a missing model named by
 * MODEL_URI, a refused credential — would fail the same way again, so it stops the start at once.
 */
function storeUnreachable(e: unknown): boolean {
  return hasErrorCode(e, "TEMPORARILY_UNAVAILABLE") || hasErrorCode(e, "DEADLINE_EXCEEDED");
}

let config: ServiceConfig;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  const logger = createLogger({ level: "info" });
  logger.fatal({ problems: e.problems }, "invalid configuration");
  process.stderr.write(`senti-mlops-express-server: ${e.message}\n`);
  process.exit(2);
}

const logger = createLogger({ level: config.logLevel });
process.on("unhandledRejection", (reason) => {
  logger.fatal({ err: reason }, "unhandled rejection");
  process.exit(1);
});

if (config.workers > 1 && cluster.isPrimary) runPrimary(config.workers);
else await runServer();

/** One server (the only process, or a worker). */
async function runServer(): Promise<void> {
  const worker = cluster.isWorker ? cluster.worker : undefined;
  const waiting = new Map<number, () => void>();
  let nextId = 0;
  const onRefreshed = (version: string) => process.send?.({ type: "swapped", version } satisfies ClusterMessage);
  const onPromoted = (version: string) =>
    new Promise<void>((resolve) => {
      const id = ++nextId;
      const timer = setTimeout(() => done(), PROPAGATION_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve();
      };
      waiting.set(id, done);
      process.send?.({ type: "promoted", version, id } satisfies ClusterMessage);
    });
  // Signals are handled from the start: one that comes while the server is starting stops it as
  // soon as it has started (so nothing it was doing is cut off, and the exit code says drained).
  let server: RunningServer | undefined;
  let requested: NodeJS.Signals | null = null;
  let stopping = false;
  // Wakes a start that waits to retry, so that a signal does not wait out the backoff.
  let wake: (() => void) | null = null;
  const stop = (signal: NodeJS.Signals) => {
    requested ??= signal;
    wake?.();
    if (stopping || !server) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    server.close().then(
      ({ drained }) => {
        logger.flush();
        process.exit(drained ? 0 : 1);
      },
      (err: unknown) => {
        logger.fatal({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // From here on a SIGTERM is handled; the primary signals a worker only after this.
  if (worker) process.send?.({ type: "ready" } satisfies ClusterMessage);
  const serverLogger = worker ? logger.child({ worker: worker.id, pid: process.pid }) : logger;
  // A stop asked for before the service ever served has nothing to drain.
  const stoppedWhileWaiting = (): never => {
    serverLogger.info({ signal: requested }, "stopped while waiting for the tracking store");
    logger.flush();
    process.exit(0);
  };
  const deadline = Date.now() + config.storeStartupTimeoutSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      server = await createServer(config, { logger: serverLogger, ...(worker ? { onPromoted, onRefreshed } : {}) });
      if (attempt > 1) serverLogger.info({ attempts: attempt }, "the tracking store is reachable: started");
      break;
    } catch (e) {
      const left = deadline - Date.now();
      if (!storeUnreachable(e)) {
        serverLogger.fatal({ err: e }, "could not start");
        logger.flush();
        process.exit(1);
      }
      if (requested) stoppedWhileWaiting();
      const store = redactUri(config.trackingUri);
      if (left <= 0) {
        const why = `the tracking store ${store} could not be reached within STORE_STARTUP_TIMEOUT_SECONDS=${config.storeStartupTimeoutSeconds} (${attempt} attempt${attempt === 1 ? "" : "s"})`;
        serverLogger.fatal({ err: e, attempts: attempt }, `could not start: ${why}`);
        logger.flush();
        process.stderr.write(`senti-mlops-express-server: could not start: ${why}; last error: ${redactUrisInText((e as Error).message)}\n`);
        process.exit(1);
      }
      const delay = Math.min(left, STARTUP_RETRY_MAX_MS, STARTUP_RETRY_FIRST_MS * 2 ** (attempt - 1));
      serverLogger.warn(
        { cause: (e as Error).message, attempt, retry_in_ms: delay, gives_up_in_s: Math.ceil(left / 1000) },
        `the tracking store ${store} cannot be reached yet; retrying`,
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
      if (requested) stoppedWhileWaiting();
    }
  }
  if (worker) {
    const started = server;
    process.on("message", (message: ClusterMessage) => {
      if (message?.type === "refresh") {
        void started.refresher.checkNow().finally(() => process.send?.({ type: "refreshed", key: message.key } satisfies ClusterMessage));
      } else if (message?.type === "all-refreshed") waiting.get(message.id)?.();
    });
  }
  if (requested) stop(requested);
}

/** node:cluster's primary: forks, relays promotions, replaces dead workers, drains on a signal. */
function runPrimary(count: number): void {
  /** More deaths than this within {@link RESTART_WINDOW_MS} stop the service instead of looping. */
  const MAX_RESTARTS = 5;
  const RESTART_WINDOW_MS = 60_000;
  const restarts: number[] = [];
  let stopping = false;
  let failed = false;
  let listening = 0;
  // Workers whose signal handlers are installed, and workers that have listened.
  const ready = new Set<number>();
  const listened = new Set<number>();

  const fork = (): Worker => cluster.fork();
  const workers = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: workers().length }, "shutting down: draining every worker");
    // A worker not ready yet gets its signal when it says it is (before, it would die of it).
    for (const w of workers()) if (ready.has(w.id)) w.process.kill("SIGTERM");
    if (workers().length === 0) process.exit(failed ? 1 : 0);
  };

  cluster.on("listening", (worker) => {
    listened.add(worker.id);
    if (++listening === count) logger.info({ workers: count }, "every worker is listening");
  });
  // Promotions being propagated: the promoting worker and the workers still to answer.
  const propagating = new Map<string, { from: Worker; id: number; pending: Set<number> }>();
  const settle = (key: string) => {
    const p = propagating.get(key);
    if (!p || p.pending.size > 0) return;
    propagating.delete(key);
    if (p.from.isConnected()) p.from.send({ type: "all-refreshed", id: p.id } satisfies ClusterMessage);
  };
  /** Asks every connected worker but `from` to check the registry now; returns those asked. */
  const askOthersToRefresh = (from: Worker, key: string): Worker[] => {
    const others = workers().filter((w) => w !== from && w.isConnected());
    for (const w of others) w.send({ type: "refresh", key } satisfies ClusterMessage);
    return others;
  };
  cluster.on("message", (from: Worker, message: ClusterMessage) => {
    if (message?.type === "ready") {
      ready.add(from.id);
      if (stopping) from.process.kill("SIGTERM");
    } else if (message?.type === "promoted") {
      const key = `${from.id}:${message.id}`;
      const others = askOthersToRefresh(from, key);
      propagating.set(key, { from, id: message.id, pending: new Set(others.map((w) => w.id)) });
      settle(key);
    } else if (message?.type === "swapped") {
      // No propagation to wait for: the others check now instead of at their next interval.
      askOthersToRefresh(from, `swapped:${from.id}:${message.version}`);
    } else if (message?.type === "refreshed") {
      propagating.get(message.key)?.pending.delete(from.id);
      settle(message.key);
    }
  });
  cluster.on("exit", (worker, code, signal) => {
    // A worker that died answers no refresh.
    for (const [key, p] of propagating) {
      p.pending.delete(worker.id);
      settle(key);
    }
    if (stopping) {
      // A worker that had not listened yet had nothing to drain (an interrupt sent to the whole
      // process group may reach it before its handlers): only a failed start counts.
      if (code !== 0 && (listened.has(worker.id) || code !== null)) failed = true;
      if (workers().length === 0) {
        logger.info({ drained: !failed }, "stopped");
        logger.flush();
        process.exit(failed ? 1 : 0);
      }
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
    if (code === 2 || restarts.length > MAX_RESTARTS || listening === 0) {
      // A worker that cannot start (or keeps dying) would not start the next time either.
      logger.fatal({ worker: worker.id, code, signal, restarts: restarts.length }, "a worker exited and will not be replaced; stopping the service");
      failed = true;
      stop("SIGTERM");
      return;
    }
    logger.error({ worker: worker.id, code, signal }, "a worker exited; starting another");
    fork();
  });
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  logger.info({ workers: count }, "starting workers");
  for (let i = 0; i < count; i++) fork();
}
