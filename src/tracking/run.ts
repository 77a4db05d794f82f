/**
 * The fluent run API: a started run that logs metrics, params, tags and inputs through a
 * {@link TrackingStore}, optionally buffering metrics for training loops.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import type { TrackingStore } from "./store.js";
import type { Dataset, Metric, Param, RunInfo, RunStatus, Tag } from "./types.js";

/** Buffering of metrics: flushed when `maxBatch` points wait, every `flushIntervalMs`, and at the end. */
export interface BufferOptions {
  /** @default 1000 (MLflow's per-batch metric limit) */
  maxBatch?: number;
  /** @default 2000 */
  flushIntervalMs?: number;
}

/** Writes one artifact file under a run's artifact URI. */
export type ArtifactWriter = (artifactUri: string, path: string, bytes: Uint8Array) => Promise<void>;

/** Options of one metric point. */
export interface MetricOptions {
  /** @default 0 */
  step?: number;
  /** Epoch ms. @default now */
  timestamp?: number;
}

/** A run in progress. End it with {@link ActiveRun.end} (or use `withRun`). */
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
  /** Stores bytes at `artifactPath`. */
  logArtifactBytes(bytes: Uint8Array, artifactPath: string): Promise<void>;
  /**
   * Stores a local file (Node) under `artifactPath` (default: its file name), as MLflow's
   * `log_artifact` does.
   */
  logArtifact(localPath: string, artifactPath?: string): Promise<void>;
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
    writeArtifact?: ArtifactWriter;
    /** Reads local files for {@link ActiveRun.logArtifact} (the Node entry supplies one). */
    readFile?: (path: string) => Promise<Uint8Array>;
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

  const ensureOpen = (): void => {
    if (ended) throw new SentiMlopsError("INVALID_STATE", `[senti-mlops] [tracking] run ${info.runId} has ended`);
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
    async logArtifactBytes(bytes, artifactPath) {
      ensureOpen();
      if (!options.writeArtifact) {
        throw new SentiMlopsError("NOT_IMPLEMENTED", `[senti-mlops] [tracking] no artifact store for ${info.artifactUri} in this version`);
      }
      if (artifactPath === "" || artifactPath.startsWith("/") || artifactPath.split("/").includes("..")) {
        throw SentiMlopsError.invalidParameterValue(`artifact path must be relative without '..', got ${JSON.stringify(artifactPath)}`);
      }
      await options.writeArtifact(info.artifactUri, artifactPath, bytes);
    },
    async logArtifact(localPath, artifactPath) {
      ensureOpen();
      if (!options.readFile) {
        throw new SentiMlopsError("NOT_IMPLEMENTED", "[senti-mlops] [tracking] logArtifact(localPath) reads files: use it in Node, or logArtifactBytes");
      }
      const name = localPath.split(/[\\/]/).pop()!;
      await this.logArtifactBytes(await options.readFile(localPath), artifactPath ?? name);
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
