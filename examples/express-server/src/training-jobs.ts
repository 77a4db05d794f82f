/**
 * Training jobs (`POST /train_model`): one at a time per registered model across every process and
 * replica sharing the tracking store (the training lease, ./training-lease.ts), in the background.
 * A job reads `TRAIN_DATA`, holds out the texts `holdoutSplit` picks (`VALIDATION_SPLIT`,
 * `TRAIN_SEED`: decided by each text, so no model trained by the service or by the CLI with
 * `--holdout` has seen them), trains TF-IDF with `trainTfidf({ run })` (the run lists both parts
 * of `TRAIN_DATA` as its datasets, `FILE (training split)` and `FILE (holdout)`), logs and registers the
 * model, measures the champion on the same held-out texts, and — when the promotion policy says so
 * and the lease is still held — moves the alias (`champion`) to the new version and swaps it in
 * atomically. The job's state is kept on its run (a tag), so any process can answer for it.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { basename, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { predict, trainTfidf, type LabeledText, type SentimentModel } from "senti-mlops";
import { collect, holdoutSplit, readDataset } from "senti-mlops/data";
import type { TrainingDatasets } from "senti-mlops/tfidf";
import type { ActiveRun, Tracking } from "senti-mlops/tracking";
import type { PromotionPolicy, ServiceConfig } from "./config.js";
import type { ServedModel, ServedModels } from "./served-models.js";
import { ServiceError, toErrorAnswer } from "./service-error.js";
import type { ServiceMetrics } from "./service-metrics.js";
import type { HeldLease, LeaseRecord, TrainingLeases } from "./training-lease.js";

/**
 * How a job's run names its data in MLflow's Datasets: the two parts of `TRAIN_DATA`, with the file
 * as their source (the digests are those of the rows of each part).
 *
 * @example
 * ```ts
 * trainingDatasets("/data/train.csv");
 * // { training: { name: "train.csv (training split)", source: "/data/train.csv" }, validation: { name: "train.csv (holdout)", … } }
 * ```
 */
export function trainingDatasets(trainData: string): TrainingDatasets {
  const source = /^[a-z][\w+.-]*:\/\//i.test(trainData) ? trainData : resolve(trainData);
  const name = basename(trainData.replace(/[/\\]+$/, "")) || trainData;
  return { training: { name: `${name} (training split)`, source }, validation: { name: `${name} (holdout)`, source } };
}

/** A job's state, as `GET /train_model/:id` shows it (snake_case: wire format). */
export interface TrainingJobView {
  job_id: string;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  phase: string | null;
  promotion_policy: PromotionPolicy;
  run_id: string | null;
  registered_model: { name: string; version: string } | null;
  examples: { train: number; validation: number } | null;
  metrics: { accuracy: number; precision: number; recall: number; f1: number; roc_auc: number | null; log_loss: number } | null;
  baseline_accuracy: number | null;
  promoted: boolean | null;
  decision: string | null;
  error: { error_code: string; message: string } | null;
}

/** The job runner. */
export interface TrainingJobs {
  /**
   * Takes the training lease and starts a job in the background; returns its first state.
   * @throws {ServiceError} 409 `RESOURCE_CONFLICT` while another job runs, here or in any process
   * sharing the tracking store.
   */
  start(options?: { promotionPolicy?: PromotionPolicy }): Promise<TrainingJobView>;
  /** A job's state (from this process, else from its run in the store), or null for an unknown id. */
  get(id: string): Promise<TrainingJobView | null>;
  /** The id of the job running in this process, or null. */
  runningId(): string | null;
  /** Resolves when the running job (if any) has finished. */
  idle(): Promise<void>;
  /**
   * Ends what a dead process left: when the lease's latest holder died (a process on this host
   * that no longer runs) or its lease expired, its run is ended FAILED, its temporary files are
   * removed and the lease is released. Called at start; taking over an expired lease does the same.
   */
  recover(): Promise<void>;
  /** Cancels the running job (shutdown) and waits for it. */
  cancel(): Promise<void>;
}

/** What {@link createTrainingJobs} needs. */
export interface TrainingJobsContext {
  readonly config: ServiceConfig;
  readonly tracking: Tracking;
  readonly models: ServedModels;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly leases: TrainingLeases;
  /** Brings the served champion up to date with the registry (before it is measured). */
  readonly refresh: () => Promise<void>;
  /** Serves `next` in this process (records the swap in the metrics). */
  readonly serve: (next: ServedModel) => void;
  /** Called after a promotion, e.g. to tell the other workers; the job succeeds once it resolves. */
  readonly onPromoted?: (version: string) => Promise<void> | void;
}

/** How many finished jobs are remembered in memory (older ones are read from their runs). */
const HISTORY = 50;
/** The run tag holding a job's state (JSON of {@link TrainingJobView}). */
const JOB_TAG = "senti_mlops.service.job";
const JOB_ID_TAG = "senti_mlops.service.job_id";
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The label name a raw label has under `labels` (numeric labels index the names, unless they are names themselves). */
function labelName(raw: string | number, labels: readonly string[]): string {
  if (typeof raw === "string") return raw;
  const asText = String(raw);
  return labels.includes(asText) ? asText : (labels[raw] ?? asText);
}

/**
 * Accuracy of `model` on `rows`, labels named as `labels` names them; predicts in chunks, yielding
 * to the event loop between them so that requests keep being answered.
 *
 * @example
 * ```ts
 * await accuracyOn(model, validation, trained.labels); // 0.87
 * ```
 */
export async function accuracyOn(model: SentimentModel, rows: readonly LabeledText[], labels: readonly string[]): Promise<number> {
  let correct = 0;
  for (let start = 0; start < rows.length; start += 256) {
    const chunk = rows.slice(start, start + 256);
    const predictions = await predict(model, chunk.map((r) => r.text));
    predictions.forEach((p, i) => {
      if (p.label === labelName(chunk[i]!.label, labels)) correct++;
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
  return rows.length ? correct / rows.length : 0;
}

/**
 * The temporary files an interrupted atomic write of the fs byte store leaves: `<name>.<12 hex>.tmp`
 * (the name `writeFileAtomic` gives them).
 */
const TEMP_FILE = /\.[0-9a-f]{12}\.tmp$/;

/**
 * Creates the job runner.
 *
 * @example
 * ```ts
 * const jobs = createTrainingJobs({ config, tracking, models, metrics, logger, leases, refresh, serve });
 * const job = await jobs.start();         // { job_id, status: "queued", ... }
 * await jobs.idle();
 * (await jobs.get(job.job_id))?.status;   // "succeeded"
 * ```
 */
export function createTrainingJobs(context: TrainingJobsContext): TrainingJobs {
  const { config, tracking, models, metrics, logger, leases } = context;
  const jobs = new Map<string, TrainingJobView>();
  let running: { id: string; done: Promise<void>; abort: AbortController } | null = null;
  let starting = false;
  let experimentId: Promise<string> | null = null;
  const experiment = () => (experimentId ??= tracking.getOrCreateExperiment(config.experimentName).catch((e: unknown) => {
    experimentId = null;
    throw e;
  }));

  const remember = (job: TrainingJobView) => {
    jobs.set(job.job_id, job);
    while (jobs.size > HISTORY) {
      const oldest = [...jobs.values()].find((j) => j.status !== "running" && j.status !== "queued");
      if (!oldest) break;
      jobs.delete(oldest.job_id);
    }
  };

  // The job's state on its run, written in order; failures are logged, not fatal (the run's own
  // status and tags still tell the story).
  const saved = new Map<string, Promise<void>>();
  const save = (job: TrainingJobView): Promise<void> => {
    if (!job.run_id) return Promise.resolve();
    const runId = job.run_id;
    const value = JSON.stringify(job);
    const next = (saved.get(job.job_id) ?? Promise.resolve())
      .then(() => tracking.store.logBatch(runId, { tags: [{ key: JOB_TAG, value }] }))
      .catch((err: unknown) => logger.warn({ job_id: job.job_id, err }, "could not save the job's state on its run"));
    saved.set(job.job_id, next);
    return next;
  };

  /**
   * Removes the temporary files that writes cut off by the process's death left under a run's
   * artifacts. Only local artifact folders have them (the fs byte store writes a temporary file and
   * renames it, and hides such files from listings); S3 and MLflow's proxy write whole objects.
   */
  const removeTempFiles = async (runId: string): Promise<number> => {
    const uri = (await tracking.store.getRun(runId)).info.artifactUri;
    const root = uri.startsWith("file:") ? fileURLToPath(uri) : isAbsolute(uri) ? uri : null;
    if (root === null) return 0;
    let removed = 0;
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (depth > 32) return;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
        throw e;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path, depth + 1);
        else if (entry.isFile() && TEMP_FILE.test(entry.name)) {
          await rm(path, { force: true });
          removed++;
        }
      }
    };
    await walk(root, 0);
    return removed;
  };

  /** Ends the job a dead or stalled holder of `record` left behind, and releases its lease. */
  const cleanUpAfter = async (record: LeaseRecord, why: string): Promise<void> => {
    const runId = record.holder.runId;
    const log = logger.child({ job_id: record.holder.jobId, run_id: runId, lease_generation: record.generation });
    if (runId) {
      try {
        const run = await tracking.store.getRun(runId);
        if (run.info.status === "RUNNING" || run.info.status === "SCHEDULED") {
          const previous = run.data.tags[JOB_TAG];
          let view: TrainingJobView | null = null;
          try {
            view = previous ? (JSON.parse(previous) as TrainingJobView) : null;
          } catch {
            view = null;
          }
          const message = `the job's process stopped before it finished (${why}); nothing it wrote was promoted`;
          const tags = [
            { key: "senti_mlops.service.abandoned", value: why },
            ...(view ? [{ key: JOB_TAG, value: JSON.stringify({ ...view, status: "failed", finished_at: new Date().toISOString(), promoted: false, error: { error_code: "ABORTED", message } }) }] : []),
          ];
          await tracking.store.logBatch(runId, { tags });
          await tracking.store.updateRunInfo(runId, { status: "FAILED", endTime: Date.now() });
        }
        const removed = await removeTempFiles(runId);
        log.warn({ removed_temp_files: removed, reason: why }, "ended the run of a training job whose process stopped");
      } catch (err) {
        log.error({ err }, "could not clean up after a training job whose process stopped");
      }
    }
    await leases.markReleased(record);
  };

  async function execute(job: TrainingJobView, run: ActiveRun, lease: HeldLease, signal: AbortSignal): Promise<void> {
    const log = logger.child({ job_id: job.job_id, run_id: run.runId });
    job.status = "running";
    job.started_at = new Date().toISOString();
    job.phase = "reading";
    void save(job);
    // Renew the lease while the job runs; a renewal that fails is retried at the next tick, and the
    // lease is checked again before anything is promoted.
    const renewal = setInterval(() => {
      lease.renew().catch((err: unknown) => log.warn({ err }, "could not renew the training lease"));
    }, Math.max(1000, (config.trainingLeaseSeconds * 1000) / 3));
    renewal.unref();
    let ended = false;
    try {
      const rows = (await collect(readDataset(config.trainData!))) as LabeledText[];
      const { train, heldOut: validation } = holdoutSplit(rows, { fraction: config.validationSplit, seed: config.trainSeed });
      job.examples = { train: train.length, validation: validation.length };
      if (signal.aborted) throw new ServiceError("CANCELLED", "training was cancelled");
      log.info({ train: train.length, validation: validation.length }, "training started");
      await run.logParams({ validation_split: config.validationSplit, split_seed: config.trainSeed, split: "holdout by text hash", promotion_policy: job.promotion_policy });
      const result = await trainTfidf(train, {
        ...config.trainOptions,
        ngramRange: [config.trainOptions.ngramRange[0], config.trainOptions.ngramRange[1]],
        validation,
        run,
        datasets: trainingDatasets(config.trainData!),
        signal,
        onProgress: (event) => {
          if (job.phase !== event.phase) {
            job.phase = event.phase;
            void save(job);
          }
        },
      });
      job.phase = "evaluating";
      void save(job);
      const labels = result.model.labels;
      const candidate = await accuracyOn(result.model, validation, labels);
      // Measure the registry's champion, not whatever this process last loaded.
      await context.refresh().catch((err: unknown) => log.warn({ err }, "could not refresh the champion before measuring it"));
      const served = models.tfidf.current();
      const baseline = served ? await accuracyOn(served.model, validation, labels) : null;
      const m = result.metrics!;
      job.metrics = {
        accuracy: candidate,
        precision: m.precision,
        recall: m.recall,
        f1: m.f1,
        roc_auc: Number.isFinite(m.rocAuc) ? m.rocAuc : null,
        log_loss: m.logLoss,
      };
      job.baseline_accuracy = baseline;
      if (baseline !== null) await run.logMetric("baseline_val_accuracy", baseline);
      if (signal.aborted) throw new ServiceError("CANCELLED", "training was cancelled");

      job.phase = "logging";
      void save(job);
      const logged = await run.logModel(result.model, "model", {
        registeredModelName: config.registeredModelName,
        inputExample: validation.slice(0, 2).map((r) => r.text.slice(0, 200)),
        versionTags: { [JOB_ID_TAG]: job.job_id },
      });
      const version = logged.version!.version;
      job.registered_model = { name: config.registeredModelName, version };

      const policy = job.promotion_policy;
      let promote: boolean;
      if (policy === "always") {
        promote = true;
        job.decision = "promotion policy is always";
      } else if (policy === "never") {
        promote = false;
        job.decision = "promotion policy is never";
      } else if (baseline !== null) {
        promote = candidate > baseline;
        job.decision = `validation accuracy ${candidate.toFixed(4)} ${promote ? ">" : "≤"} served model's ${baseline.toFixed(4)} on the same held-out texts`;
      } else {
        // No champion to compare with — none yet, or one that cannot be read: the new model must
        // stand on its own.
        const why = models.tfidf.unreadable ? `no readable champion (${models.tfidf.problem})` : "no champion yet";
        promote = candidate >= config.minValidationAccuracy;
        job.decision = `${why}: validation accuracy ${candidate.toFixed(4)} ${promote ? "≥" : "<"} MIN_VALIDATION_ACCURACY ${config.minValidationAccuracy}`;
      }
      if (promote && !(await lease.stillHeld())) {
        throw new ServiceError("ABORTED", "the training lease expired before promotion (another job may have taken over); the version is registered but not promoted");
      }
      if (promote) {
        await tracking.registry.setRegisteredModelAlias(config.registeredModelName, config.modelAlias, version);
        const swapStarted = performance.now();
        context.serve({
          kind: "tfidf",
          model: result.model,
          uri: `models:/${config.registeredModelName}@${config.modelAlias}`,
          registeredModel: { name: config.registeredModelName, version },
          runId: run.runId,
          loadedAt: new Date().toISOString(),
          validationAccuracy: candidate,
        });
        metrics.modelLoadSeconds.observe({ model: "tfidf" }, (performance.now() - swapStarted) / 1000);
        await context.onPromoted?.(version);
      }
      job.promoted = promote;
      job.status = "succeeded";
      job.phase = "done";
      job.finished_at = new Date().toISOString();
      await run.setTags({ "senti_mlops.service.promoted": String(promote), "senti_mlops.service.decision": job.decision });
      await save(job);
      await run.end("FINISHED");
      ended = true;
      metrics.trainingJobs.inc({ status: promote ? "promoted" : "kept" });
      log.info({ version, accuracy: candidate, baseline, promoted: promote }, "training finished");
    } catch (e) {
      const cancelled = signal.aborted;
      const answer = toErrorAnswer(e);
      job.status = cancelled ? "cancelled" : "failed";
      job.error = cancelled ? { error_code: "CANCELLED", message: "training was cancelled (the service is shutting down)" } : answer.body;
      job.finished_at = new Date().toISOString();
      metrics.trainingJobs.inc({ status: cancelled ? "cancelled" : "failed" });
      if (answer.unexpected && !cancelled) log.error({ component: answer.component, err: e }, "training failed");
      else log.warn({ error: job.error, component: answer.component }, "training did not finish");
      if (!ended) {
        await save(job);
        await run.end(cancelled ? "KILLED" : "FAILED").catch((err: unknown) => log.error({ err }, "could not end the run"));
      }
    } finally {
      job.finished_at ??= new Date().toISOString();
      clearInterval(renewal);
      await lease.release().catch((err: unknown) => log.error({ err }, "could not release the training lease"));
      saved.delete(job.job_id);
    }
  }

  const view = (job: TrainingJobView): TrainingJobView => structuredClone(job);
  const conflict = (jobId: string, where?: string) =>
    new ServiceError("RESOURCE_CONFLICT", `training job ${jobId} is still running${where ? ` (${where})` : ""}; poll GET /train_model/${jobId} and retry when it has finished`);

  return {
    async start(options = {}) {
      if (running) throw conflict(running.id);
      if (starting) throw new ServiceError("RESOURCE_CONFLICT", "a training job is starting; retry in a moment");
      starting = true;
      try {
        const job: TrainingJobView = {
          job_id: randomUUID(),
          status: "queued",
          created_at: new Date().toISOString(),
          started_at: null,
          finished_at: null,
          phase: null,
          promotion_policy: options.promotionPolicy ?? config.promotionPolicy,
          run_id: null,
          registered_model: null,
          examples: null,
          metrics: null,
          baseline_accuracy: null,
          promoted: null,
          decision: null,
          error: null,
        };
        const acquired = await leases.acquire(job.job_id);
        if ("heldBy" in acquired) {
          const h = acquired.heldBy.holder;
          throw conflict(h.jobId, `another process holds the training lease: ${h.host} pid ${h.pid}, until ${new Date(acquired.heldBy.expiresAt).toISOString()}`);
        }
        const { lease, previous } = acquired;
        let run: ActiveRun;
        try {
          if (previous) await cleanUpAfter(previous, "its training lease expired");
          run = await tracking.startRun({
            experimentId: await experiment(),
            runName: `train-model-${job.job_id.slice(0, 8)}`,
            tags: { [JOB_ID_TAG]: job.job_id },
            buffer: true,
          });
          await lease.setRunId(run.runId);
        } catch (e) {
          await lease.release().catch(() => {});
          throw e;
        }
        job.run_id = run.runId;
        remember(job);
        await save(job);
        const abort = new AbortController();
        const first = view(job);
        const done = new Promise<void>((resolve) => setImmediate(resolve))
          .then(() => execute(job, run, lease, abort.signal))
          .finally(() => {
            running = null;
          });
        running = { id: job.job_id, done, abort };
        return first;
      } finally {
        starting = false;
      }
    },
    async get(id) {
      const job = jobs.get(id);
      if (job) return view(job);
      if (!JOB_ID.test(id)) return null;
      const page = await tracking.store.searchRuns({ experimentIds: [await experiment()], filter: `tags.\`${JOB_ID_TAG}\` = '${id}'`, maxResults: 1, viewType: "ALL" });
      const saved = page.items[0]?.data.tags[JOB_TAG];
      if (!saved) return null;
      try {
        return JSON.parse(saved) as TrainingJobView;
      } catch {
        return null;
      }
    },
    runningId: () => running?.id ?? null,
    async idle() {
      await running?.done;
    },
    async recover() {
      const latest = await leases.latest();
      if (!latest || latest.released) return;
      if (leases.holderIsDead(latest)) await cleanUpAfter(latest, "its process is no longer running");
      else if (latest.expiresAt <= Date.now()) await cleanUpAfter(latest, "its training lease expired");
    },
    async cancel() {
      if (!running) return;
      running.abort.abort(new Error("the service is shutting down"));
      await running.done;
    },
  };
}
