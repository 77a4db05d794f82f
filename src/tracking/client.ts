/**
 * `createTracking`: a tracking client from a URI (or a store), with experiments resolved by name
 * and runs started in the fluent API.
 *
 * @module
 */
import { SentiMlopsError, describeType, hasErrorCode } from "../errors.js";
import { createMlflowArtifactsBackend, createIndexedDbArtifactBackend } from "../adapters/artifact-backends.js";
import { createArtifactResolver, createMemoryArtifactBackend, type ArtifactBackend, type ArtifactResolver } from "../adapters/artifact-resolver.js";
import type { ArtifactStore } from "../adapters/artifact-store.js";
import type { RegistryStore } from "../mlflow/registry-store.js";
import type { TrackingStore } from "../mlflow/tracking-store.js";
import { createRestRegistryStore } from "../registry/stores/rest-store.js";
import type { ModelLogger } from "./model-logging.js";
import { createActiveRun, type ActiveRun, type BufferOptions, type LocalFileReader } from "./run.js";
import { createRestStore, type RestStoreOptions } from "./stores/rest-store.js";

/**
 * Options of {@link createTracking}.
 *
 * @example
 * ```ts
 * const tracking = await createTracking("http://mlflow.internal:5000", { token: process.env.MLFLOW_TRACKING_TOKEN, timeoutMs: 30_000 });
 * ```
 */
export interface TrackingOptions extends RestStoreOptions {
  /**
   * Default artifact root of new experiments in embedded stores (`sqlite:`, `memory:`,
   * `indexeddb:`). @default "./mlruns" for `sqlite:`, "indexeddb://<name>-artifacts" for `indexeddb://<name>`
   */
  artifactRoot?: string;
  /**
   * Where `sqlite3.wasm` is served, for `indexeddb://` stores in setups whose bundler does not
   * serve the file `@sqlite.org/sqlite-wasm` references (Vite and webpack do).
   */
  sqliteWasmUrl?: string | URL;

  /**
   * Opens the tracking and registry stores for schemes the universal build cannot (the Node entry
   * supplies `sqlite:`, both stores on one database).
   */
  openStores?: (uri: string, options: TrackingOptions) => Promise<OpenedStores> | undefined;
  /**
   * The model registry. @default the registry at the tracking URI (MLflow's default registry URI):
   * the same server, the same SQLite file, or a memory registry for `memory:`
   */
  registry?: RegistryStore;
  /** Environment to read MLFLOW_TRACKING_* from. @default process.env when there is one */
  env?: Readonly<Record<string, string | undefined>>;
  /** User recorded in `mlflow.user` and the run's user id. @default "unknown" (Node: the OS user) */
  user?: string;
  /** Recorded in `mlflow.source.name`. @default "" (Node: the main script) */
  sourceName?: string;
  /**
   * Artifact backends by URI scheme, added to (or replacing) the built-in ones: `mlflow-artifacts`
   * (the tracking server's proxy), `indexeddb`, `memory`; the Node entry adds `file` and `s3`.
   */
  artifactBackends?: Readonly<Record<string, ArtifactBackend>>;
  /** Reads local files for `run.logArtifact(path)` (the Node entry supplies one). */
  readLocal?: LocalFileReader;
  /** Implements `run.logModel` (the package's `createTracking` passes the one of its runtime). */
  logModel?: ModelLogger;
}

/**
 * The stores a tracking URI opens.
 *
 * @example
 * ```ts
 * const opened: OpenedStores = { store: createMemoryStore(), registry: createMemoryRegistryStore() };
 * ```
 */
export interface OpenedStores {
  readonly store: TrackingStore;
  readonly registry?: RegistryStore;
  /** The database as an SQLite file in MLflow's schema, for stores that are one. */
  readonly exportDatabase?: () => Promise<Uint8Array>;
}

/**
 * Options of {@link Tracking.startRun}.
 *
 * @example
 * ```ts
 * const run = await tracking.startRun({ experimentName: "sentiment", runName: "tfidf-C4", tags: { team: "nlp" }, buffer: true });
 * ```
 */
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

/**
 * A tracking client.
 *
 * @example
 * ```ts
 * const tracking: Tracking = await createTracking("memory:");
 * const experimentId = await tracking.getOrCreateExperiment("sentiment");
 * const run = await tracking.startRun({ experimentId });
 * await run.end();
 * await tracking.close();
 * ```
 */
export interface Tracking {
  readonly uri: string;
  readonly store: TrackingStore;
  /** The id of the experiment with this name, created when missing. */
  getOrCreateExperiment(name: string): Promise<string>;
  /** Starts a run; end it with `run.end()`, or use {@link Tracking.withRun}. */
  startRun(options?: StartRunOptions): Promise<ActiveRun>;
  /** Runs `fn` in a new run: ends it FINISHED, or FAILED (and rethrows) when `fn` throws. */
  withRun<T>(options: StartRunOptions, fn: (run: ActiveRun) => Promise<T> | T): Promise<T>;
  /** The model registry (see {@link TrackingOptions.registry}). */
  readonly registry: RegistryStore;
  /** Opens the artifacts under an artifact URI (a run's `artifactUri`, a model's folder). Dispose it when done. */
  openArtifacts(artifactUri: string): Promise<ArtifactStore>;
  /** The artifacts of a run, by id. */
  runArtifacts(runId: string): Promise<ArtifactStore>;
  /**
   * The tracking and registry data as an SQLite file in MLflow's schema, which Python MLflow and
   * `mlflow ui` open as `sqlite:///<file>`: the database itself, for `indexeddb://` stores (a
   * `sqlite:///` store is such a file already). Other stores reject with `NOT_IMPLEMENTED`.
   */
  exportDatabase(): Promise<Uint8Array>;
  /** Closes the stores and the artifact backends. */
  close(): Promise<void>;
}

/**
 * The tracking URI used when none is given or configured.
 *
 * @example
 * ```ts
 * const uri = process.env.MLFLOW_TRACKING_URI ?? DEFAULT_TRACKING_URI; // "sqlite:///mlflow.db"
 * ```
 */
export const DEFAULT_TRACKING_URI = "sqlite:///mlflow.db";

function processEnv(): Readonly<Record<string, string | undefined>> {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env ?? {};
}

/** Opens the stores a URI names; `openStores` handles what the universal build cannot. */
async function storesFor(uri: string, options: TrackingOptions, env: Readonly<Record<string, string | undefined>>): Promise<OpenedStores> {
  if (/^https?:\/\//i.test(uri)) {
    const rest = restOptions(options, env);
    return { store: createRestStore(uri, rest), registry: createRestRegistryStore(uri, rest) };
  }
  if (uri === "memory:" || uri.startsWith("memory:")) {
    // Imported when used: a page that talks to an MLflow server does not carry the in-memory stores.
    const [{ createMemoryStore }, { createMemoryRegistryStore }] = await Promise.all([
      import("./stores/memory-store.js"),
      import("../registry/stores/memory-store.js"),
    ]);
    const store = createMemoryStore({ artifactRoot: options.artifactRoot });
    return { store, registry: createMemoryRegistryStore({ tracking: store }) };
  }
  if (/^indexeddb:/i.test(uri)) {
    // Imported when used: SQLite's WebAssembly module is loaded only for this store.
    const { openIndexedDbStores } = await import("./stores/indexeddb-store.js");
    return openIndexedDbStores(uri, {
      ...(options.artifactRoot !== undefined ? { artifactRoot: options.artifactRoot } : {}),
      ...(options.sqliteWasmUrl !== undefined ? { sqliteWasmUrl: options.sqliteWasmUrl } : {}),
    });
  }
  const opened = await options.openStores?.(uri, options);
  if (opened) return opened;
  if (uri.startsWith("sqlite:")) {
    throw new SentiMlopsError("NOT_IMPLEMENTED", `${uri}: SQLite stores need Node.js (import "senti-mlops/tracking" in Node)`, { component: "tracking" });
  }
  throw SentiMlopsError.invalidParameterValue(
    `unsupported tracking URI ${JSON.stringify(uri)}: use http(s)://…, sqlite:///path, indexeddb://name, memory: (MLflow's file store ./mlruns is not supported)`,
    { component: "tracking" },
  );
}

function restOptions(options: TrackingOptions, env: Readonly<Record<string, string | undefined>>): RestStoreOptions {
  return {
    ...options,
    token: options.token ?? env.MLFLOW_TRACKING_TOKEN,
    username: options.username ?? env.MLFLOW_TRACKING_USERNAME,
    password: options.password ?? env.MLFLOW_TRACKING_PASSWORD,
  };
}

/** A registry for a store given as an object, when none was passed: every call says how to get one. */
function missingRegistry(uri: string): RegistryStore {
  return new Proxy({ uri } as RegistryStore, {
    get(target, key) {
      if (key === "uri") return target.uri;
      if (key === "close") return async () => {};
      if (key === "then") return undefined;
      return () =>
        Promise.reject(
          new SentiMlopsError("INVALID_STATE", `no model registry for ${uri}: pass options.registry to createTracking`, { component: "tracking" }),
        );
    },
  });
}

/**
 * Creates a tracking client — the core of `createTracking`, which adds what its runtime supplies
 * (SQLite stores, local artifacts, model logging). `uriOrStore` is an MLflow server URL (`http://…`), an embedded
 * SQLite file in MLflow's schema (`sqlite:///mlflow.db`, Node), `memory:`, or a store; without it,
 * MLFLOW_TRACKING_URI is read, else `sqlite:///mlflow.db`.
 *
 * @example
 * ```ts
 * const tracking = await createTrackingClient("memory:");
 * await tracking.withRun({ experimentName: "sentiment", runName: "tfidf" }, async (run) => {
 *   await run.logParams({ C: 4, ngram: "1-2" });
 *   await run.logMetric("accuracy", 0.905);
 * });
 * ```
 */
export async function createTrackingClient(uriOrStore?: string | TrackingStore, options: TrackingOptions = {}): Promise<Tracking> {
  const env = options.env ?? processEnv();
  let opened: OpenedStores;
  if (typeof uriOrStore === "object" && uriOrStore !== null) opened = { store: uriOrStore };
  else if (uriOrStore === undefined || typeof uriOrStore === "string") {
    opened = await storesFor(uriOrStore ?? env.MLFLOW_TRACKING_URI ?? DEFAULT_TRACKING_URI, options, env);
  } else {
    throw SentiMlopsError.invalidParameterValue(`tracking must be a URI or a TrackingStore, got ${describeType(uriOrStore)}`, { component: "tracking" });
  }
  const store = opened.store;
  const registry = options.registry ?? opened.registry ?? missingRegistry(store.uri);
  const user = options.user ?? "unknown";
  const sourceName = options.sourceName ?? "";
  const serverUrl = /^https?:\/\//i.test(store.uri) ? store.uri : undefined;
  const resolver: ArtifactResolver = createArtifactResolver({
    backends: {
      memory: createMemoryArtifactBackend(),
      indexeddb: createIndexedDbArtifactBackend(),
      ...(serverUrl ? { "mlflow-artifacts": createMlflowArtifactsBackend(serverUrl, restOptions(options, env)) } : {}),
      ...options.artifactBackends,
    },
  });
  const openArtifacts = (uri: string): Promise<ArtifactStore> => resolver.open(uri);
  const modelContext = { store, registry, openArtifacts };

  const getOrCreateExperiment = async (name: string): Promise<string> => {
    const found = await store.getExperimentByName(name);
    if (found) {
      if (found.lifecycleStage === "deleted") {
        throw SentiMlopsError.invalidParameterValue(`experiment ${JSON.stringify(name)} is deleted; restore it or choose another name`, { component: "tracking" });
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
    return createActiveRun(store, run.info, {
      buffer: o.buffer === true ? {} : o.buffer || undefined,
      openArtifacts,
      readLocal: options.readLocal,
      logModel: options.logModel && ((runId, model, artifactPath, logOptions) => options.logModel!(modelContext, runId, model, artifactPath, logOptions)),
    });
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
    registry,
    openArtifacts,
    async runArtifacts(runId) {
      return openArtifacts((await store.getRun(runId)).info.artifactUri);
    },
    async exportDatabase() {
      if (!opened.exportDatabase) {
        throw new SentiMlopsError("NOT_IMPLEMENTED", `${store.uri} is not an IndexedDB store; exportDatabase works for indexeddb:// stores (a sqlite:/// store is its file already; pushTracking copies any store into another)`, {
          component: "tracking",
        });
      }
      return opened.exportDatabase();
    },
    async close() {
      const results = await Promise.allSettled([resolver.dispose(), registry === opened.registry ? registry.close() : undefined, store.close()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    },
  };
}
