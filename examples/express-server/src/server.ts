/**
 * `createServer(config)`: opens the tracking store, loads the configured models, listens, and
 * returns a handle whose `close()` drains (stop accepting, let in-flight requests finish, cancel a
 * running training job, close the store). Tests create it in-process on port 0; `main.ts` runs it
 * as a process.
 *
 * @module
 */
import { createServer as createHttpServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { DestinationStream, Logger } from "pino";
import { randomUUID } from "node:crypto";
import { hasErrorCode } from "senti-mlops";
import { resolveModelVersion } from "senti-mlops/models";
import { createTracking, type Tracking } from "senti-mlops/tracking";
import { createRequestListener } from "./request-listener.js";
import type { AppContext } from "./app-context.js";
import { redactUri, type ServiceConfig } from "./config.js";
import { applyHttpLimits } from "./http-limits.js";
import { createLogger } from "./logger.js";
import { importBertLoader, loadBertModel, loadTfidfModel, type BertLoader } from "./model-loading.js";
import { createModelRefresher, type ModelRefresher } from "./model-refresh.js";
import { createOpenApiDocument } from "./openapi.js";
import { createServedModels, type ServedModel, type ServedModels } from "./served-models.js";
import { toErrorAnswer } from "./service-error.js";
import { createServiceMetrics, type ServiceMetrics } from "./service-metrics.js";
import { serviceVersion } from "./service-version.js";
import { createTrainingJobs, type TrainingJobs } from "./training-jobs.js";
import { createTrainingLeases } from "./training-lease.js";

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** The logger. @default pino at `config.logLevel`, on `logDestination` or stdout */
  logger?: Logger;
  /** Where the default logger writes. @default stdout */
  logDestination?: DestinationStream;
  /** Loads BERT models. @default `loadBert` from `senti-mlops/bert`, imported when BERT_MODEL is set */
  loadBert?: BertLoader;
  /** Collect Node's default process metrics. @default true */
  defaultMetrics?: boolean;
  /** Called after a training job of this process promoted a version (main.ts tells the other workers). */
  onPromoted?: (version: string) => Promise<void> | void;
  /**
   * Called after this process's registry check swapped in another version (main.ts asks the other
   * workers to check at once, so that workers of one process do not serve different versions for up
   * to `MODEL_REFRESH_SECONDS`, e.g. when the first champion appears).
   */
  onRefreshed?: (version: string) => void;
}

/** A listening service. */
export interface RunningServer {
  /** `http://host:port`, with 127.0.0.1 for a wildcard host. */
  readonly url: string;
  readonly port: number;
  readonly config: ServiceConfig;
  readonly models: ServedModels;
  readonly jobs: TrainingJobs;
  readonly refresher: ModelRefresher;
  readonly tracking: Tracking;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly http: Server;
  /**
   * Drains and stops: stops accepting connections, waits up to `SHUTDOWN_TIMEOUT_MS` for in-flight
   * requests, cancels a running training job, disposes models and closes the tracking store.
   * Resolves `{ drained: false }` when requests were cut off at the timeout. Idempotent.
   */
  close(): Promise<{ drained: boolean }>;
}

/** Serves `next` in its slot and records the swap in the metrics. */
function serveWith(models: ServedModels, metrics: ServiceMetrics): (next: ServedModel) => void {
  return (next) => {
    const previous = models[next.kind].swap(next);
    metrics.recordServed(previous, next);
  };
}

async function loadStartModels(config: ServiceConfig, tracking: Tracking, models: ServedModels, metrics: ServiceMetrics, logger: Logger, serve: (next: ServedModel) => void, loadBert?: BertLoader) {
  const record = (served: ServedModel, started: number) => {
    serve(served);
    metrics.modelLoadSeconds.observe({ model: served.kind }, (performance.now() - started) / 1000);
    logger.info({ model: served.kind, uri: redactUri(served.uri), version: served.registeredModel?.version ?? null }, "model loaded");
  };
  if (config.modelUri) {
    const uri = config.modelUri;
    const started = performance.now();
    if (config.modelUriExplicit) {
      record(await loadTfidfModel(tracking, uri), started);
    } else {
      // The default URI is the registry's alias. Its absence is normal before the first training
      // (serve nothing until a job promotes a model); an alias whose model cannot be read is not an
      // absence: the service starts degraded and says why.
      let version: { name: string; version: string } | null = null;
      try {
        version = await resolveModelVersion(tracking.registry, uri);
      } catch (e) {
        if (!hasErrorCode(e, "RESOURCE_DOES_NOT_EXIST")) throw e;
        const problem = `${uri} does not exist yet`;
        models.tfidf.setProblem(problem);
        logger.warn({ uri }, `no TF-IDF model to serve: ${problem}; POST /train_model trains one`);
      }
      if (version) {
        try {
          const served = await loadTfidfModel(tracking, `models:/${version.name}/${version.version}`);
          record({ ...served, uri }, started);
        } catch (e) {
          const { body, component } = toErrorAnswer(e);
          const problem = `${uri} (version ${version.version}) exists but cannot be loaded: ${body.message}`;
          models.tfidf.setProblem(problem, body.error_code, { unreadable: true });
          logger.error({ error: body, component, uri, version: version.version }, "the champion cannot be loaded; serving no TF-IDF model (degraded) until a valid model is promoted");
        }
      }
    }
  }
  if (config.bertModel) {
    const started = performance.now();
    try {
      const served = await loadBertModel(loadBert ?? (await importBertLoader()), config.bertModel, tracking);
      record(served, started);
    } catch (e) {
      const { body, component } = toErrorAnswer(e);
      models.bert.setProblem(body.message, body.error_code, { unreadable: true });
      logger.error({ error: body, component, uri: redactUri(config.bertModel) }, "BERT model not loaded; /predict with model=bert answers with the reason");
    }
  }
}

/**
 * Starts the service.
 *
 * @throws the error of a model that `MODEL_URI` names explicitly and that cannot be loaded, or of
 * the tracking store (the store is closed first).
 *
 * @example
 * ```ts
 * const server = await createServer(loadConfig({ PORT: "0", HOST: "127.0.0.1", MLFLOW_TRACKING_URI: "memory:" }));
 * await fetch(`${server.url}/health`);
 * await server.close();
 * ```
 */
export async function createServer(config: ServiceConfig, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel }, options.logDestination);
  const metrics = createServiceMetrics({ defaultMetrics: options.defaultMetrics });
  const tracking = await createTracking(config.trackingUri, config.artifactRoot ? { artifactRoot: config.artifactRoot } : {});
  const models = createServedModels();
  const serve = serveWith(models, metrics);
  const refresher = createModelRefresher({ config, tracking, models, metrics, logger, serve, onSwapped: options.onRefreshed });
  const leases = createTrainingLeases({
    store: tracking.store,
    registeredModelName: config.registeredModelName,
    durationMs: config.trainingLeaseSeconds * 1000,
    instance: randomUUID(),
  });
  const jobs = createTrainingJobs({ config, tracking, models, metrics, logger, leases, serve, refresh: () => refresher.checkNow(), onPromoted: options.onPromoted });
  try {
    await loadStartModels(config, tracking, models, metrics, logger, serve, options.loadBert);
    // A job whose process died (on this host) or whose lease expired: end its run, release the lease.
    if (config.trainData) await jobs.recover();
  } catch (e) {
    await tracking.close().catch(() => {});
    throw e;
  }
  refresher.start();
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const version = serviceVersion();
  const context: AppContext = {
    config,
    tracking,
    models,
    jobs,
    refresher,
    metrics,
    logger,
    version,
    openapi: createOpenApiDocument(config, version),
    draining: () => draining,
    inFlight,
  };
  // Timed-out requests are looked for every second (Node's default is 30 s, which would let a slow
  // body outlive BODY_TIMEOUT_MS by that much).
  const http = createHttpServer({ keepAliveTimeout: 5_000, connectionsCheckingInterval: 1_000 }, createRequestListener(context));
  http.maxHeadersCount = 100;
  applyHttpLimits(http, config);
  // Malformed HTTP (bad method, bad header, oversized headers) never reaches Express: answer it as JSON too.
  http.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (error as { code?: string }).code === "ECONNRESET") {
      socket.destroy();
      return;
    }
    const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    const body = JSON.stringify({ error_code: "BAD_REQUEST", message: status === 431 ? "request headers too large" : status === 408 ? "request timed out" : "malformed HTTP request" });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request"}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.port, config.host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host.includes(":") ? `[${config.host}]` : config.host;
  logger.info({ port, host: config.host, tracking_uri: redactUri(config.trackingUri), version }, "listening");

  let closing: Promise<{ drained: boolean }> | null = null;
  const close = () =>
    (closing ??= (async () => {
      draining = true;
      // Answers still to come close their connection, so keep-alive clients reconnect elsewhere.
      for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
      logger.info({ in_flight: inFlight.size }, "draining: no new connections; waiting for in-flight requests");
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      // Keep-alive connections become idle as their requests finish; close them as they do.
      const sweep = setInterval(() => http.closeIdleConnections(), 25);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), config.shutdownTimeoutMs);
      });
      const drained = !(await Promise.race([closed.then(() => false), timedOut]));
      clearInterval(sweep);
      clearTimeout(timer);
      if (!drained) {
        logger.warn({ timeout_ms: config.shutdownTimeoutMs }, "in-flight requests did not finish in time; closing their connections");
        http.closeAllConnections();
      }
      refresher.stop();
      await jobs.cancel();
      for (const slot of [models.tfidf, models.bert]) await slot.current()?.model.dispose?.().catch(() => {});
      await tracking.close();
      logger.info({ drained }, "stopped");
      return { drained };
    })());

  return { url: `http://${host}:${port}`, port, config, models, jobs, refresher, tracking, metrics, logger, http, close };
}
