/**
 * Training jobs (`POST /train_model`): one at a time, in the background. A job reads `TRAIN_DATA`,
 * holds out a seeded validation split, trains TF-IDF with `trainTfidf({ run })` (the run logs the
 * options, the loss curve and validation metrics), logs and registers the model with
 * `run.logModel(..., { registeredModelName })`, measures the served model on the same split, and —
 * when the promotion policy says so — moves the alias (`champion`) to the new version and swaps it
 * in atomically.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { predict, trainTfidf, type LabeledText, type SentimentModel } from "senti-mlops";
import { collect, readDataset } from "senti-mlops/data";
import type { ActiveRun, Tracking } from "senti-mlops/tracking";
import type { PromotionPolicy, ServiceConfig } from "./config.js";
import type { ServedModels } from "./served-models.js";
import { ServiceError, toErrorAnswer } from "./service-error.js";
import type { ServiceMetrics } from "./service-metrics.js";

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
   * Starts a job in the background and returns its first state.
   * @throws {ServiceError} 409 `RESOURCE_CONFLICT` while another job runs.
   */
  start(options?: { promotionPolicy?: PromotionPolicy }): TrainingJobView;
  /** A job's state, or null for an unknown id. */
  get(id: string): TrainingJobView | null;
  /** The running job's id, or null. */
  runningId(): string | null;
  /** Resolves when the running job (if any) has finished. */
  idle(): Promise<void>;
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
}

/** How many finished jobs are remembered. */
const HISTORY = 50;

/** A small seeded PRNG (mulberry32), so a seed gives the same split every time. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Shuffles `rows` with `seed` and holds out `fraction` of them (at least one row each side).
 *
 * @example
 * ```ts
 * const { train, validation } = splitRows(rows, 0.2, 42);
 * ```
 */
export function splitRows<T>(rows: readonly T[], fraction: number, seed: number): { train: T[]; validation: T[] } {
  if (rows.length < 2) throw new ServiceError("INVALID_PARAMETER_VALUE", `TRAIN_DATA has ${rows.length} rows; training needs at least 2`);
  const shuffled = [...rows];
  const next = random(seed);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const held = Math.min(shuffled.length - 1, Math.max(1, Math.round(shuffled.length * fraction)));
  return { validation: shuffled.slice(0, held), train: shuffled.slice(held) };
}

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
 * Creates the job runner.
 *
 * @example
 * ```ts
 * const jobs = createTrainingJobs({ config, tracking, models, metrics, logger });
 * const job = jobs.start();               // { job_id, status: "queued", ... }
 * await jobs.idle();
 * jobs.get(job.job_id)?.status;           // "succeeded"
 * ```
 */
export function createTrainingJobs(context: TrainingJobsContext): TrainingJobs {
  const { config, tracking, models, metrics, logger } = context;
  const jobs = new Map<string, TrainingJobView>();
  let running: { id: string; done: Promise<void>; abort: AbortController } | null = null;

  const remember = (job: TrainingJobView) => {
    jobs.set(job.job_id, job);
    while (jobs.size > HISTORY) {
      const oldest = [...jobs.values()].find((j) => j.status !== "running" && j.status !== "queued");
      if (!oldest) break;
      jobs.delete(oldest.job_id);
    }
  };

  async function execute(job: TrainingJobView, signal: AbortSignal): Promise<void> {
    const log = logger.child({ job_id: job.job_id });
    job.status = "running";
    job.started_at = new Date().toISOString();
    job.phase = "reading";
    let run: ActiveRun | null = null;
    try {
      const rows = (await collect(readDataset(config.trainData!))) as LabeledText[];
      const { train, validation } = splitRows(rows, config.validationSplit, config.trainSeed);
      job.examples = { train: train.length, validation: validation.length };
      if (signal.aborted) throw new ServiceError("CANCELLED", "training was cancelled");
      run = await tracking.startRun({
        experimentName: config.experimentName,
        runName: `train-model-${job.job_id.slice(0, 8)}`,
        tags: { "senti_mlops.service.job_id": job.job_id },
        buffer: true,
      });
      job.run_id = run.runId;
      log.info({ run_id: run.runId, train: train.length, validation: validation.length }, "training started");
      await run.logParams({ validation_split: config.validationSplit, split_seed: config.trainSeed, promotion_policy: job.promotion_policy });
      const result = await trainTfidf(train, {
        ...config.trainOptions,
        ngramRange: [config.trainOptions.ngramRange[0], config.trainOptions.ngramRange[1]],
        validation,
        run,
        signal,
        onProgress: (event) => {
          job.phase = event.phase;
        },
      });
      job.phase = "evaluating";
      const labels = result.model.labels;
      const candidate = await accuracyOn(result.model, validation, labels);
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
      const logged = await run.logModel(result.model, "model", {
        registeredModelName: config.registeredModelName,
        inputExample: validation.slice(0, 2).map((r) => r.text.slice(0, 200)),
        versionTags: { "senti_mlops.service.job_id": job.job_id },
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
      } else if (baseline === null) {
        promote = true;
        job.decision = "no model was being served";
      } else {
        promote = candidate > baseline;
        job.decision = `validation accuracy ${candidate.toFixed(4)} ${promote ? ">" : "≤"} served model's ${baseline.toFixed(4)} on the same split`;
      }
      if (promote) {
        await tracking.registry.setRegisteredModelAlias(config.registeredModelName, config.modelAlias, version);
        const started = performance.now();
        const previous = models.tfidf.swap({
          kind: "tfidf",
          model: result.model,
          uri: `models:/${config.registeredModelName}@${config.modelAlias}`,
          registeredModel: { name: config.registeredModelName, version },
          runId: run.runId,
          loadedAt: new Date().toISOString(),
          validationAccuracy: candidate,
        });
        metrics.modelLoadSeconds.observe({ model: "tfidf" }, (performance.now() - started) / 1000);
        if (previous) metrics.modelInfo.remove({ model: "tfidf", uri: previous.uri, version: previous.registeredModel?.version ?? "" });
        metrics.modelInfo.set({ model: "tfidf", uri: `models:/${config.registeredModelName}@${config.modelAlias}`, version }, 1);
      }
      job.promoted = promote;
      await run.setTags({ "senti_mlops.service.promoted": String(promote), "senti_mlops.service.decision": job.decision });
      await run.end("FINISHED");
      run = null;
      job.status = "succeeded";
      job.phase = "done";
      metrics.trainingJobs.inc({ status: promote ? "promoted" : "kept" });
      log.info({ version, accuracy: candidate, baseline, promoted: promote }, "training finished");
    } catch (e) {
      const cancelled = signal.aborted;
      const answer = toErrorAnswer(e);
      job.status = cancelled ? "cancelled" : "failed";
      job.error = cancelled ? { error_code: "CANCELLED", message: "training was cancelled (the service is shutting down)" } : answer.body;
      metrics.trainingJobs.inc({ status: cancelled ? "cancelled" : "failed" });
      if (answer.unexpected && !cancelled) log.error({ component: answer.component, err: e }, "training failed");
      else log.warn({ error: job.error, component: answer.component }, "training did not finish");
      if (run) await run.end(cancelled ? "KILLED" : "FAILED").catch((err: unknown) => log.error({ err }, "could not end the run"));
    } finally {
      job.finished_at = new Date().toISOString();
    }
  }

  const view = (job: TrainingJobView): TrainingJobView => structuredClone(job);

  return {
    start(options = {}) {
      if (running) {
        throw new ServiceError("RESOURCE_CONFLICT", `training job ${running.id} is still running; poll GET /train_model/${running.id} and retry when it has finished`);
      }
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
      remember(job);
      const abort = new AbortController();
      const first = view(job);
      const done = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => execute(job, abort.signal))
        .finally(() => {
          running = null;
        });
      running = { id: job.job_id, done, abort };
      return first;
    },
    get(id) {
      const job = jobs.get(id);
      return job ? view(job) : null;
    },
    runningId: () => running?.id ?? null,
    async idle() {
      await running?.done;
    },
    async cancel() {
      if (!running) return;
      running.abort.abort(new Error("the service is shutting down"));
      await running.done;
    },
  };
}
