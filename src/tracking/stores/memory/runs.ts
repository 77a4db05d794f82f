/**
 * Runs in the memory tracking store: create, read, update, soft delete and restore; params, tags
 * and metrics (`logBatch`, with latest-metric upkeep), dataset inputs and metric history.
 *
 * @module
 */
import { paginate } from "../../../mlflow/page-token.js";
import { newRunId } from "../../../mlflow/run-name.js";
import type { DatasetInput, Metric } from "../../../mlflow/tracking-entities.js";
import type { CreateRunRequest, LogBatch, RunInfoUpdate } from "../../../mlflow/tracking-store.js";
import { validateBatch, validateDatasetInputs, validateRunId } from "../../../mlflow/validation.js";
import {
  experimentNotActive,
  isNewerMetric,
  joinUri,
  newRunNameAndTags,
  notFound,
  paramChanged,
  RUN_NAME_TAG,
  sanitizeMetricValue,
  type StoredMetric,
} from "../tracking-semantics.js";
import { type MemoryTrackingContext, type RunRecord, setRunTag, toRun, toRunInfo } from "./context.js";
import type { RunOps } from "../ops.js";


/** A new run record in `request.experimentId`, which must be active. */
function newRun(ctx: MemoryTrackingContext, request: CreateRunRequest): RunRecord {
  const exp = ctx.experiment(request.experimentId);
  if (exp.lifecycleStage !== "active") throw experimentNotActive(request.experimentId, exp.lifecycleStage);
  const { name, tags } = newRunNameAndTags(request);
  const runId = newRunId();
  const record: RunRecord = {
    runId,
    name,
    experimentId: exp.id,
    userId: request.userId ?? "",
    status: "RUNNING",
    startTime: request.startTime ?? ctx.now(),
    endTime: null,
    artifactUri: joinUri(exp.artifactLocation, runId, "artifacts"),
    lifecycleStage: "active",
    deletedTime: null,
    params: new Map(),
    tags: new Map(),
    history: new Map(),
    latest: new Map(),
    inputs: [],
  };
  for (const t of tags) setRunTag(record, t);
  return record;
}

/** Adds a metric point unless an identical one exists; keeps the key's latest point. */
function logMetricPoint(record: RunRecord, m: Metric): void {
  const { value, isNan } = sanitizeMetricValue(m.value);
  const point: StoredMetric = { value, isNan, timestamp: m.timestamp, step: m.step };
  const history = record.history.get(m.key) ?? [];
  const duplicate = history.some(
    (h) => h.timestamp === point.timestamp && h.step === point.step && h.value === point.value && h.isNan === point.isNan,
  );
  if (duplicate) return;
  history.push(point);
  record.history.set(m.key, history);
  const latest = record.latest.get(m.key);
  if (!latest || isNewerMetric(point, latest)) record.latest.set(m.key, point);
}

/** Applies a validated batch; every param is checked before anything is written (all or nothing). */
function applyBatch(record: RunRecord, batch: ReturnType<typeof validateBatch>): void {
  const { metrics, params, tags } = batch;
  for (const p of params) {
    const old = record.params.get(p.key);
    if (old !== undefined && old !== p.value) throw paramChanged(record.runId, p.key, old, p.value);
  }
  for (const p of params) record.params.set(p.key, p.value);
  for (const m of metrics) logMetricPoint(record, m);
  for (const t of tags) {
    // An empty mlflow.runName changes nothing in MLflow: set_tag hands it to update_run_info
    // (sqlalchemy_store.py:2191-2193, also from log_batch's _set_tags :2233), which skips an
    // empty name (`if run_name:`, :1265) — neither runs.name nor the tag is written.
    if (t.key === RUN_NAME_TAG && t.value === "") continue;
    setRunTag(record, t);
  }
}

/**
 * Datasets belong to the experiment, one per (name, digest): a run logging a known pair links to
 * the dataset first logged in that experiment (sqlalchemy_store.py:2483-2535, _log_inputs_impl).
 * A run links to a dataset once; a repeat (same call or later) changes nothing, tags included.
 */
function addInputs(ctx: MemoryTrackingContext, record: RunRecord, datasets: readonly DatasetInput[]): void {
  const shared = ctx.experiments.get(record.experimentId)!.datasets;
  for (const input of datasets) {
    const key = `${input.dataset.name}\u0000${input.dataset.digest}`;
    let dataset = shared.get(key);
    if (!dataset) {
      dataset = { ...input.dataset };
      shared.set(key, dataset);
    }
    const same = record.inputs.find((i) => i.dataset.name === dataset.name && i.dataset.digest === dataset.digest);
    if (!same) record.inputs.push({ dataset: { ...dataset }, tags: input.tags.map((t) => ({ ...t })) });
  }
}

/**
 * The run methods on the shared memory context.
 *
 * @example
 * ```ts
 * const { createRun, logBatch } = createRunOps(ctx);
 * const run = await createRun({ experimentId: "0", runName: "tfidf" });
 * await logBatch(run.info.runId, { metrics: [{ key: "acc", value: 0.9, timestamp: Date.now(), step: 0 }] });
 * ```
 */
export function createRunOps(ctx: MemoryTrackingContext): RunOps {
  const { check, now } = ctx;
  return {
    async createRun(request: CreateRunRequest) {
      const record = newRun(ctx, request);
      ctx.runs.set(record.runId, record);
      return toRun(record);
    },

    async getRun(runId) {
      return toRun(ctx.run(runId));
    },

    async updateRunInfo(runId, update: RunInfoUpdate) {
      const record = ctx.activeRun(runId);
      if (update.status !== undefined) record.status = update.status;
      if (update.endTime !== undefined) record.endTime = update.endTime;
      if (update.runName) setRunTag(record, { key: RUN_NAME_TAG, value: update.runName });
      return toRunInfo(record);
    },

    async deleteRun(runId) {
      const record = ctx.run(runId);
      record.lifecycleStage = "deleted";
      record.deletedTime = now();
    },

    async restoreRun(runId) {
      const record = ctx.run(runId);
      record.lifecycleStage = "active";
      record.deletedTime = null;
    },

    async logBatch(runId, batch: LogBatch) {
      check();
      validateRunId(runId); // sqlalchemy_store.py:2396, before the run is looked up
      const valid = validateBatch(batch);
      applyBatch(ctx.activeRun(runId), valid);
    },

    async deleteTag(runId, key) {
      const record = ctx.activeRun(runId);
      if (!record.tags.delete(key)) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
    },

    async getMetricHistory(runId, key, opts = {}) {
      check();
      // MLflow's SQL store reads the metrics table without looking the run up (sqlalchemy_store.py:1706-1745):
      // an unknown run has an empty history.
      const record = ctx.runs.get(runId);
      const points = [...(record?.history.get(key) ?? [])].sort((a, b) => a.timestamp - b.timestamp || a.step - b.step || a.value - b.value);
      const metrics: Metric[] = points.map((p) => ({ key, value: p.isNan ? NaN : p.value, timestamp: p.timestamp, step: p.step }));
      if (opts.maxResults === undefined) return paginate(metrics, Math.max(metrics.length, 1), opts.pageToken);
      return paginate(metrics, opts.maxResults, opts.pageToken);
    },

    async logInputs(runId, datasets) {
      check();
      validateRunId(runId); // sqlalchemy_store.py:2451
      const record = ctx.activeRun(runId);
      validateDatasetInputs(datasets);
      addInputs(ctx, record, datasets);
    },
  };
}
