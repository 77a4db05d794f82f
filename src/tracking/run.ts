/**
 * The fluent run API: a started run that logs metrics, params, tags and inputs through a
 * {@link TrackingStore}, optionally buffering metrics for training loops.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import type { ArtifactFile, ArtifactStore } from "../adapters/artifact-store.js";
import type { SentimentModel } from "../types.js";
import type { LoggedModel, LogModelOptions } from "./model-logging.js";
import type { TrackingStore } from "../mlflow/tracking-store.js";
import type { Dataset, Metric, Param, RunInfo, RunStatus, Tag } from "../mlflow/tracking-entities.js";

/**
 * Buffering of metrics: flushed when `maxBatch` points wait, every `flushIntervalMs`, and at the end.
 *
 * @example
 * ```ts
 * const run = await tracking.startRun({ experimentName: "sentiment", buffer: { maxBatch: 500, flushIntervalMs: 5000 } });
 * ```
 */
export interface BufferOptions {
  /** @default 1000 (MLflow's per-batch metric limit) */
  maxBatch?: number;
  /** @default 2000 */
  flushIntervalMs?: number;
}

/**
 * Reads local files for `logArtifact` / `logArtifacts` (the Node entry supplies one): a file gives
 * one entry named by its base name; a folder gives its files with paths relative to it.
 *
 * @example
 * ```ts
 * const readLocal: LocalFileReader = async (path) => [{ path: basename(path), bytes: await readFile(path) }];
 * ```
 */
export type LocalFileReader = (localPath: string, kind: "file" | "folder") => Promise<ArtifactFile[]>;

/**
 * Options of one metric point.
 *
 * @example
 * ```ts
 * await run.logMetric("train_loss", 0.42, { step: 10, timestamp: Date.now() });
 * ```
 */
export interface MetricOptions {
  /** @default 0 */
  step?: number;
  /** Epoch ms. @default now */
  timestamp?: number;
}

/**
 * A run in progress. End it with {@link ActiveRun.end} (or use `withRun`).
 *
 * @example
 * ```ts
 * const run: ActiveRun = await tracking.startRun({ experimentName: "sentiment" });
 * await run.logParams({ C: 4 });
 * await run.logMetric("accuracy", 0.905);
 * await run.end(); // FINISHED
 * ```
 */
export interface ActiveRun {
  readonly runId: string;
  readonly experimentId: string;
  /** The run's info when it was started. */
  readonly info: RunInfo;
  readonly store: TrackingStore;
  logMetric(key: string, value: number, options?: MetricOptions): Promise<void>;
  logMetrics(metrics: Readonly<Record<string, number>>, options?: MetricOptions): Promise<void>;
  logParam(key: string, value: string | number | boolean): Promise<void>;
  logParams(params: Readonly<Record<string, string | number | boolean>>): Promise<void>;
  setTag(key: string, value: string): Promise<void>;
  setTags(tags: Readonly<Record<string, string>>): Promise<void>;
  /** Records a dataset the run used; `context` becomes the `mlflow.data.context` input tag ("train", "eval"…). */
  logInput(dataset: Dataset, options?: { context?: string; tags?: Readonly<Record<string, string>> }): Promise<void>;
  /** Stores `text` as the artifact `artifactPath` (e.g. "plots/roc.svg") of this run. */
  logText(text: string, artifactPath: string): Promise<void>;
  /** Stores `value` as JSON at `artifactPath`. */
  logDict(value: unknown, artifactPath: string): Promise<void>;
  /** Stores bytes at `artifactPath` (a file path, e.g. "data/sample.bin"). */
  logArtifactBytes(bytes: Uint8Array, artifactPath: string): Promise<void>;
  /**
   * Stores a local file (Node) in the folder `artifactPath` (default: the root) under its own name,
   * as MLflow's `log_artifact` does: `logArtifact("out/roc.svg", "plots")` → `plots/roc.svg`.
   */
  logArtifact(localPath: string, artifactPath?: string): Promise<void>;
  /** Stores the files of a local folder (Node) under `artifactPath`, as MLflow's `log_artifacts` does. */
  logArtifacts(localDir: string, artifactPath?: string): Promise<void>;
  /** This run's artifacts: list, download, delete (MLflow's artifact-repository calls). */
  artifacts(): Promise<ArtifactStore>;
  /**
   * Logs `model` as an MLflow model folder at `artifactPath` (files, then an `MLmodel` with
   * checksums), records it in the run's `mlflow.log-model.history` tag, and registers a version
   * when `registeredModelName` is given.
   *
   * @example
   * ```ts
   * const logged = await run.logModel(model, "model", { registeredModelName: "sentiment-tfidf" });
   * logged.version?.version; // "1"
   * ```
   */
  logModel(model: SentimentModel, artifactPath: string, options?: LogModelOptions): Promise<LoggedModel>;
  /** Writes buffered metrics now. */
  flush(): Promise<void>;
  /** Flushes, then sets the status (default FINISHED) and end time. Idempotent. */
  end(status?: Extract<RunStatus, "FINISHED" | "FAILED" | "KILLED">): Promise<void>;
}

const toParams = (params: Readonly<Record<string, string | number | boolean>>): Param[] =>
  Object.entries(params).map(([key, value]) => ({ key, value: String(value) }));

const toTags = (tags: Readonly<Record<string, string>>): Tag[] => Object.entries(tags).map(([key, value]) => ({ key, value }));

/**
 * Wraps a created run in the fluent API. Most code gets one from `tracking.startRun(...)`.
 *
 * @example
 * ```ts
 * const run = createActiveRun(store, await store.createRun({ experimentId: "0" }).then((r) => r.info), { buffer: {} });
 * for (let step = 0; step < 100; step++) await run.logMetric("loss", 1 / (step + 1), { step });
 * await run.end();
 * ```
 */
export function createActiveRun(
  store: TrackingStore,
  info: RunInfo,
  options: {
    buffer?: BufferOptions;
    now?: () => number;
    /** Opens the artifact store under an artifact URI (the tracking client's resolver). */
    openArtifacts?: (artifactUri: string) => Promise<ArtifactStore>;
    /** Reads local files for {@link ActiveRun.logArtifact} (the Node entry supplies one). */
    readLocal?: LocalFileReader;
    /** Logs models for {@link ActiveRun.logModel} (the tracking client supplies it). */
    logModel?: (runId: string, model: SentimentModel, artifactPath: string, options?: LogModelOptions) => Promise<LoggedModel>;
  } = {},
): ActiveRun {
  const now = options.now ?? Date.now;
  const buffered = options.buffer !== undefined;
  const maxBatch = Math.min(options.buffer?.maxBatch ?? 1000, 1000);
  const interval = options.buffer?.flushIntervalMs ?? 2000;
  let pending: Metric[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let failure: unknown;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ended = false;

  const logLocal = async (localPath: string, kind: "file" | "folder", artifactPath: string | undefined): Promise<void> => {
    if (!options.readLocal) {
      throw new SentiMlopsError("NOT_IMPLEMENTED", "logging local files needs Node.js; use logArtifactBytes", { component: "tracking" });
    }
    if (!options.openArtifacts) {
      throw new SentiMlopsError("NOT_IMPLEMENTED", `no artifact store for ${info.artifactUri} here`, { component: "tracking" });
    }
    const files = await options.readLocal(localPath, kind);
    const artifacts = await options.openArtifacts(info.artifactUri);
    try {
      await artifacts.logArtifacts(files, artifactPath);
    } finally {
      await artifacts.dispose();
    }
  };

  const ensureOpen = (): void => {
    if (ended) throw new SentiMlopsError("INVALID_STATE", `run ${info.runId} has ended`, { component: "tracking" });
    if (failure !== undefined) {
      const e = failure;
      failure = undefined;
      throw e;
    }
  };

  const flush = (): Promise<void> => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const batch = pending;
    pending = [];
    flushing = flushing.then(async () => {
      for (let i = 0; i < batch.length; i += maxBatch) await store.logBatch(info.runId, { metrics: batch.slice(i, i + maxBatch) });
    });
    return flushing;
  };

  const add = async (metrics: Metric[]): Promise<void> => {
    ensureOpen();
    if (!buffered) return store.logBatch(info.runId, { metrics });
    pending.push(...metrics);
    if (pending.length >= maxBatch) await flush();
    else if (timer === undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        flush().catch((e) => (failure = e));
      }, interval);
      (timer as { unref?: () => void }).unref?.();
    }
  };

  const point = (key: string, value: number, o: MetricOptions = {}): Metric => ({ key, value, step: o.step ?? 0, timestamp: o.timestamp ?? now() });

  return {
    runId: info.runId,
    experimentId: info.experimentId,
    info,
    store,
    logMetric: (key, value, o) => add([point(key, value, o)]),
    logMetrics: (metrics, o) => add(Object.entries(metrics).map(([k, v]) => point(k, v, o))),
    async logParam(key, value) {
      ensureOpen();
      await store.logBatch(info.runId, { params: [{ key, value: String(value) }] });
    },
    async logParams(params) {
      ensureOpen();
      const all = toParams(params);
      for (let i = 0; i < all.length; i += 100) await store.logBatch(info.runId, { params: all.slice(i, i + 100) });
    },
    async setTag(key, value) {
      ensureOpen();
      await store.logBatch(info.runId, { tags: [{ key, value }] });
    },
    async setTags(tags) {
      ensureOpen();
      const all = toTags(tags);
      for (let i = 0; i < all.length; i += 100) await store.logBatch(info.runId, { tags: all.slice(i, i + 100) });
    },
    async logInput(dataset, o = {}) {
      ensureOpen();
      const tags = toTags({ ...(o.context ? { "mlflow.data.context": o.context } : {}), ...o.tags });
      await store.logInputs(info.runId, [{ dataset, tags }]);
    },
    async artifacts() {
      if (!options.openArtifacts) {
        throw new SentiMlopsError("NOT_IMPLEMENTED", `no artifact store for ${info.artifactUri} here`, { component: "tracking" });
      }
      return options.openArtifacts(info.artifactUri);
    },
    async logArtifactBytes(bytes, artifactPath) {
      ensureOpen();
      const artifacts = await this.artifacts();
      try {
        await artifacts.writeArtifact(artifactPath, bytes);
      } finally {
        await artifacts.dispose();
      }
    },
    async logArtifact(localPath, artifactPath) {
      ensureOpen();
      await logLocal(localPath, "file", artifactPath);
    },
    async logArtifacts(localDir, artifactPath) {
      ensureOpen();
      await logLocal(localDir, "folder", artifactPath);
    },
    async logModel(model, artifactPath, o) {
      ensureOpen();
      if (!options.logModel) throw new SentiMlopsError("NOT_IMPLEMENTED", "this run cannot log models", { component: "tracking" });
      return options.logModel(info.runId, model, artifactPath, o);
    },
    logText(text, artifactPath) {
      return this.logArtifactBytes(new TextEncoder().encode(text), artifactPath);
    },
    logDict(value, artifactPath) {
      return this.logText(JSON.stringify(value, null, 2), artifactPath);
    },
    flush: async () => {
      await flush();
      ensureOpen();
    },
    async end(status = "FINISHED") {
      if (ended) return;
      await flush();
      ended = true;
      await store.updateRunInfo(info.runId, { status, endTime: now() });
      if (failure !== undefined) throw failure;
    },
  };
}
