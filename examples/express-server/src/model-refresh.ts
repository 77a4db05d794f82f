/**
 * Following the registry: every `MODEL_REFRESH_SECONDS` (and on demand, e.g. when another worker
 * promoted a version) the process resolves its `models:/` URI and, when the version changed, loads
 * the new one and swaps it in atomically. When the store cannot be reached, or the new version
 * cannot be read, it keeps serving what it has and says so (`/model_info`, `/health`, `/metrics`).
 *
 * @module
 */
import type { Logger } from "pino";
import { hasErrorCode } from "senti-mlops";
import { resolveModelVersion } from "senti-mlops/models";
import type { Tracking } from "senti-mlops/tracking";
import type { ServiceConfig } from "./config.js";
import { loadTfidfModel } from "./model-loading.js";
import type { ServedModel, ServedModels } from "./served-models.js";
import { toErrorAnswer } from "./service-error.js";
import type { ServiceMetrics } from "./service-metrics.js";

/** What the last check found. */
export interface RefreshStatus {
  /**
   * ISO time at which the last successful check read the registry (its start), or null: what is
   * served reflects the registry as of then.
   */
  readonly lastCheckedAt: string | null;
  /** Why the last check failed (store unreachable, version unreadable), or null when it worked. */
  readonly lastError: string | null;
  /** The interval in seconds; 0 when refresh is off. */
  readonly intervalSeconds: number;
}

/** The refresher of the TF-IDF slot. */
export interface ModelRefresher {
  /** Checks the registry now (one check at a time: a call during a check waits for it). */
  checkNow(): Promise<void>;
  status(): RefreshStatus;
  /** Starts the periodic checks (no-op when the interval is 0 or the URI is not `models:/`). */
  start(): void;
  stop(): void;
}

/** What {@link createModelRefresher} needs. */
export interface ModelRefresherContext {
  readonly config: ServiceConfig;
  readonly tracking: Tracking;
  readonly models: ServedModels;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  /** Serves a loaded model (records the swap). */
  readonly serve: (next: ServedModel) => void;
  /** Called after a check swapped in `version` (not after a check that found nothing new). */
  readonly onSwapped?: (version: string) => void;
}

/**
 * Creates the refresher of the TF-IDF slot for `config.modelUri` (only `models:/` URIs move).
 *
 * @example
 * ```ts
 * const refresher = createModelRefresher({ config, tracking, models, metrics, logger, serve });
 * refresher.start();
 * await refresher.checkNow(); // after another worker promoted a version
 * ```
 */
export function createModelRefresher(context: ModelRefresherContext): ModelRefresher {
  const { config, tracking, models, metrics, logger, serve, onSwapped } = context;
  const uri = config.modelUri;
  const follows = uri !== null && uri.startsWith("models:/");
  let lastCheckedAt: string | null = null;
  let lastError: string | null = null;
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const check = async (): Promise<void> => {
    if (!follows) return;
    const startedAt = new Date().toISOString();
    const served = models.tfidf.current();
    let name: string;
    let version: string;
    try {
      ({ name, version } = await resolveModelVersion(tracking.registry, uri));
    } catch (e) {
      if (hasErrorCode(e, "RESOURCE_DOES_NOT_EXIST")) {
        // The alias is gone (or never existed): keep serving what there is.
        lastCheckedAt = startedAt;
        lastError = served ? `${uri} no longer exists in the registry; still serving version ${served.registeredModel?.version ?? "?"}` : null;
        metrics.refreshChecks.inc({ outcome: "missing" });
        return;
      }
      lastError = `the registry could not be reached: ${toErrorAnswer(e).body.message}`;
      metrics.refreshChecks.inc({ outcome: "error" });
      logger.warn({ err: e }, "model refresh: the registry could not be reached; still serving the current model");
      return;
    }
    metrics.refreshLastSuccess.set(Date.now() / 1000);
    if (served?.registeredModel?.version === version) {
      lastCheckedAt = startedAt;
      lastError = null;
      metrics.refreshChecks.inc({ outcome: "unchanged" });
      return;
    }
    const started = performance.now();
    try {
      const pinned = await loadTfidfModel(tracking, `models:/${name}/${version}`);
      const next: ServedModel = { ...pinned, uri, loadedAt: new Date().toISOString() };
      // Something else (a training job of this process) may have swapped a model in while this one
      // loaded: that one is newer than what this check read, so it stays (the next check reconciles).
      if (models.tfidf.current() !== served) {
        metrics.refreshChecks.inc({ outcome: "unchanged" });
        return;
      }
      serve(next);
      metrics.modelLoadSeconds.observe({ model: "tfidf" }, (performance.now() - started) / 1000);
      lastCheckedAt = startedAt;
      lastError = null;
      metrics.refreshChecks.inc({ outcome: "swapped" });
      logger.info({ uri, from: served?.registeredModel?.version ?? null, to: version }, "model refresh: now serving the registry's version");
      onSwapped?.(version);
    } catch (e) {
      // A job of this process may have swapped in this very version while it loaded.
      if (models.tfidf.current()?.registeredModel?.version === version) {
        lastCheckedAt = startedAt;
        lastError = null;
        metrics.refreshChecks.inc({ outcome: "unchanged" });
        return;
      }
      const { body } = toErrorAnswer(e);
      lastError = hasErrorCode(e, "TEMPORARILY_UNAVAILABLE")
        ? `the registry could not be reached while loading version ${version} of ${uri}: ${body.message}`
        : `version ${version} of ${uri} cannot be loaded: ${body.message}`;
      metrics.refreshChecks.inc({ outcome: "error" });
      if (!models.tfidf.current()) models.tfidf.setProblem(lastError, body.error_code, { unreadable: true });
      logger.error({ err: e, version }, "model refresh: the registry's version cannot be loaded; still serving the current model");
    }
  };

  const checkNow = (): Promise<void> => {
    inFlight ??= check().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  return {
    checkNow,
    status: () => ({ lastCheckedAt, lastError, intervalSeconds: follows ? config.modelRefreshSeconds : 0 }),
    start() {
      if (!follows || config.modelRefreshSeconds <= 0 || timer) return;
      timer = setInterval(() => void checkNow(), config.modelRefreshSeconds * 1000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
