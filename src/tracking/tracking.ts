/**
 * `createTracking`: a tracking client from a URI (or a store), with experiments resolved by name
 * and runs started in the fluent API.
 *
 * @module
 */
import { SentiMlopsError, describeType, hasErrorCode } from "../errors.js";
import { createActiveRun, type ActiveRun, type ArtifactWriter, type BufferOptions } from "./run.js";
import { createRestClient } from "./stores/rest-client.js";
import type { TrackingStore } from "./store.js";
import { createMemoryStore } from "./stores/memory-store.js";
import { createRestStore, type RestStoreOptions } from "./stores/rest-store.js";

/** Options of {@link createTracking}. */
export interface TrackingOptions extends RestStoreOptions {
  /** Default artifact root of new experiments in embedded stores (`sqlite:`, `memory:`). */
  artifactRoot?: string;
  /** Opens stores for schemes the universal build cannot (the Node entry supplies `sqlite:`). */
  openStore?: (uri: string, options: TrackingOptions) => Promise<TrackingStore> | undefined;
  /** Environment to read MLFLOW_TRACKING_* from. @default process.env when there is one */
  env?: Readonly<Record<string, string | undefined>>;
  /** User recorded in `mlflow.user` and the run's user id. @default "unknown" (Node: the OS user) */
  user?: string;
  /** Recorded in `mlflow.source.name`. @default "" (Node: the main script) */
  sourceName?: string;
  /**
   * Writes artifacts whose URI the built-in writers do not handle. Built in: `mlflow-artifacts:`
   * through the MLflow server's proxy, and `memory://` (kept in {@link Tracking.memoryArtifacts});
   * the Node entry adds local paths and `file://`.
   */
  writeArtifact?: ArtifactWriter;
  /** Reads local files for `run.logArtifact(path)` (the Node entry supplies one). */
  readFile?: (path: string) => Promise<Uint8Array>;
}

/** Options of {@link Tracking.startRun}. */
export interface StartRunOptions {
  /** The experiment, by name (created when missing) … */
  experimentName?: string;
  /** … or by id. @default "0" (MLflow's default experiment) */
  experimentId?: string;
  runName?: string;
  tags?: Readonly<Record<string, string>>;
  /** Makes this a nested run (tag `mlflow.parentRunId`). */
  parentRunId?: string;
  /** Buffer metrics (flushed by size, interval and at the end): for training loops. */
  buffer?: boolean | BufferOptions;
}

/** A tracking client. */
export interface Tracking {
  readonly uri: string;
  readonly store: TrackingStore;
  /** The id of the experiment with this name, created when missing. */
  getOrCreateExperiment(name: string): Promise<string>;
  /** Starts a run; end it with `run.end()`, or use {@link Tracking.withRun}. */
  startRun(options?: StartRunOptions): Promise<ActiveRun>;
  /** Runs `fn` in a new run: ends it FINISHED, or FAILED (and rethrows) when `fn` throws. */
  withRun<T>(options: StartRunOptions, fn: (run: ActiveRun) => Promise<T> | T): Promise<T>;
  /** Artifacts written under `memory://` URIs, by full URI. */
  readonly memoryArtifacts: ReadonlyMap<string, Uint8Array>;
  close(): Promise<void>;
}

/** The tracking URI used when none is given or configured. */
export const DEFAULT_TRACKING_URI = "sqlite:///mlflow.db";

function processEnv(): Readonly<Record<string, string | undefined>> {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env ?? {};
}

/** Opens the store a URI names; `openStore` handles what the universal build cannot. */
async function storeFor(uri: string, options: TrackingOptions, env: Readonly<Record<string, string | undefined>>): Promise<TrackingStore> {
  if (/^https?:\/\//i.test(uri)) {
    return createRestStore(uri, {
      ...options,
      token: options.token ?? env.MLFLOW_TRACKING_TOKEN,
      username: options.username ?? env.MLFLOW_TRACKING_USERNAME,
      password: options.password ?? env.MLFLOW_TRACKING_PASSWORD,
    });
  }
  if (uri === "memory:" || uri.startsWith("memory:")) return createMemoryStore({ artifactRoot: options.artifactRoot });
  const opened = await options.openStore?.(uri, options);
  if (opened) return opened;
  if (uri.startsWith("sqlite:")) {
    throw new SentiMlopsError("NOT_IMPLEMENTED", `[senti-mlops] [tracking] ${uri}: SQLite stores need Node.js (import "senti-mlops/tracking" in Node)`);
  }
  if (uri.startsWith("indexeddb:")) {
    throw new SentiMlopsError("NOT_IMPLEMENTED", `[senti-mlops] [tracking] ${uri}: the IndexedDB store is not part of this version yet`);
  }
  throw SentiMlopsError.invalidParameterValue(
    `[senti-mlops] [tracking] unsupported tracking URI ${JSON.stringify(uri)}: use http(s)://…, sqlite:///path, memory: (MLflow's file store ./mlruns is not supported)`,
  );
}

/**
 * Creates a tracking client. `uriOrStore` is an MLflow server URL (`http://…`), an embedded
 * SQLite file in MLflow's schema (`sqlite:///mlflow.db`, Node), `memory:`, or a store; without it,
 * MLFLOW_TRACKING_URI is read, else `sqlite:///mlflow.db`.
 *
 * @example
 * ```ts
 * const tracking = await createTracking("sqlite:///mlflow.db");
 * await tracking.withRun({ experimentName: "sentiment", runName: "tfidf" }, async (run) => {
 *   await run.logParams({ C: 4, ngram: "1-2" });
 *   await run.logMetric("accuracy", 0.905);
 * });
 * ```
 */
export async function createTracking(uriOrStore?: string | TrackingStore, options: TrackingOptions = {}): Promise<Tracking> {
  const env = options.env ?? processEnv();
  let store: TrackingStore;
  if (typeof uriOrStore === "object" && uriOrStore !== null) store = uriOrStore;
  else if (uriOrStore === undefined || typeof uriOrStore === "string") {
    store = await storeFor(uriOrStore ?? env.MLFLOW_TRACKING_URI ?? DEFAULT_TRACKING_URI, options, env);
  } else {
    throw SentiMlopsError.invalidParameterValue(`tracking must be a URI or a TrackingStore, got ${describeType(uriOrStore)}`);
  }
  const user = options.user ?? "unknown";
  const sourceName = options.sourceName ?? "";
  const memoryArtifacts = new Map<string, Uint8Array>();
  const serverUrl = /^https?:\/\//i.test(store.uri) ? store.uri : undefined;
  const proxy = serverUrl
    ? createRestClient(serverUrl, {
        ...options,
        token: options.token ?? env.MLFLOW_TRACKING_TOKEN,
        username: options.username ?? env.MLFLOW_TRACKING_USERNAME,
        password: options.password ?? env.MLFLOW_TRACKING_PASSWORD,
      })
    : undefined;
  const writeArtifact: ArtifactWriter = async (artifactUri, path, bytes) => {
    const target = `${artifactUri.replace(/\/+$/, "")}/${path}`;
    if (artifactUri.startsWith("mlflow-artifacts:") && proxy) {
      // mlflow-artifacts:/<p> → PUT <server>/api/2.0/mlflow-artifacts/artifacts/<p> (the server's proxy).
      const relative = target.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/*/, "");
      await proxy.put(`/api/2.0/mlflow-artifacts/artifacts/${relative.split("/").map(encodeURIComponent).join("/")}`, bytes);
      return;
    }
    if (artifactUri.startsWith("memory://")) {
      memoryArtifacts.set(target, bytes.slice());
      return;
    }
    if (options.writeArtifact) return options.writeArtifact(artifactUri, path, bytes);
    throw new SentiMlopsError("NOT_IMPLEMENTED", `[senti-mlops] [tracking] cannot write artifacts to ${artifactUri} here`);
  };

  const getOrCreateExperiment = async (name: string): Promise<string> => {
    const found = await store.getExperimentByName(name);
    if (found) {
      if (found.lifecycleStage === "deleted") {
        throw SentiMlopsError.invalidParameterValue(`experiment ${JSON.stringify(name)} is deleted; restore it or choose another name`);
      }
      return found.experimentId;
    }
    try {
      return await store.createExperiment(name);
    } catch (e) {
      // Another process created it in between.
      if (hasErrorCode(e, "RESOURCE_ALREADY_EXISTS")) return (await store.getExperimentByName(name))!.experimentId;
      throw e;
    }
  };

  const startRun = async (o: StartRunOptions = {}): Promise<ActiveRun> => {
    const experimentId = o.experimentId ?? (o.experimentName ? await getOrCreateExperiment(o.experimentName) : "0");
    const tags: Record<string, string> = {
      "mlflow.user": user,
      "mlflow.source.name": sourceName,
      "mlflow.source.type": "LOCAL",
      ...(o.parentRunId ? { "mlflow.parentRunId": o.parentRunId } : {}),
      ...o.tags,
    };
    const run = await store.createRun({
      experimentId,
      userId: user,
      runName: o.runName,
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    });
    return createActiveRun(store, run.info, { buffer: o.buffer === true ? {} : o.buffer || undefined, writeArtifact, readFile: options.readFile });
  };

  return {
    uri: store.uri,
    store,
    getOrCreateExperiment,
    startRun,
    async withRun(o, fn) {
      const run = await startRun(o);
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        result = await fn(run);
      } catch (e) {
        await run.end("FAILED").catch(() => {});
        throw e;
      }
      await run.end("FINISHED");
      return result;
    },
    memoryArtifacts,
    close: () => store.close(),
  };
}
