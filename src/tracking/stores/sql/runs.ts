/**
 * Runs in the SQL tracking store: create, read, update, soft delete and restore; params, tags and
 * metrics (`logBatch`, keeping `latest_metrics` up to date), dataset inputs and metric history.
 *
 * @module
 */
import { decodePageToken } from "../../../mlflow/page-token.js";
import { newRunId } from "../../../mlflow/run-name.js";
import { offsetPage } from "../../../mlflow/sql/store-session.js";
import type { DatasetInput, Metric, Page, Tag } from "../../../mlflow/tracking-entities.js";
import type { LogBatch, RunInfoUpdate } from "../../../mlflow/tracking-store.js";
import { validateBatch, validateDatasetInputs, validateRunId } from "../../../mlflow/validation.js";
import {
  isNewerMetric,
  joinUri,
  newRunNameAndTags,
  notFound,
  paramChanged,
  RUN_NAME_TAG,
  sanitizeMetricValue,
  type StoredMetric,
} from "../tracking-semantics.js";
import type { RunRow, SqlTrackingContext } from "./context.js";
import { loadRun, toRunInfo } from "./rows.js";
import type { RunOps } from "../ops.js";


interface MetricRow {
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}

/** Upserts a run tag; `mlflow.runName` also renames the run (MLflow: set_tag → update_run_info). */
function setTag(ctx: SqlTrackingContext, runId: string, tag: Tag): void {
  ctx.s.upsertTag.run(tag.key, tag.value, runId);
  if (tag.key === RUN_NAME_TAG) ctx.s.setRunName.run(tag.value, runId);
}

/**
 * Inserts metric points (exact duplicates are ignored by the `metrics` primary key) and keeps
 * `latest_metrics` up to date as MLflow's `_update_latest_metrics_if_necessary` does: a key's row
 * is replaced by a newly inserted point that is strictly greater by (step, timestamp, stored value).
 */
function logMetrics(ctx: SqlTrackingContext, runId: string, metrics: readonly Metric[]): void {
  const { s } = ctx;
  const best = new Map<string, StoredMetric>();
  for (const m of metrics) {
    const { value, isNan } = sanitizeMetricValue(m.value);
    if (s.insertMetric.run(m.key, value, m.timestamp, runId, m.step, isNan ? 1 : 0).changes === 0) continue;
    const point = { value, isNan, timestamp: m.timestamp, step: m.step };
    const current = best.get(m.key);
    if (!current || isNewerMetric(point, current)) best.set(m.key, point);
  }
  for (const [key, point] of best) {
    const row = s.latestMetric.get(runId, key) as MetricRow | undefined;
    if (row && !isNewerMetric(point, { value: row.value, isNan: row.is_nan === 1, timestamp: row.timestamp, step: row.step })) continue;
    s.upsertLatestMetric.run(key, point.value, point.timestamp, point.step, point.isNan ? 1 : 0, runId);
  }
}

/** Writes a validated batch; every param is checked before anything is written (all or nothing). */
function writeBatch(ctx: SqlTrackingContext, runId: string, batch: ReturnType<typeof validateBatch>): void {
  const { s } = ctx;
  const { metrics, params, tags } = batch;
  for (const p of params) {
    const old = s.paramValue.get(runId, p.key) as { value: string } | undefined;
    if (old !== undefined && old.value !== p.value) throw paramChanged(runId, p.key, old.value, p.value);
  }
  for (const p of params) s.insertParam.run(p.key, p.value, runId);
  if (metrics.length > 0) logMetrics(ctx, runId, metrics);
  for (const t of tags) {
    // An empty mlflow.runName changes nothing in MLflow (sqlalchemy_store.py:2191-2193 → :1265 `if run_name:`).
    if (t.key === RUN_NAME_TAG && t.value === "") continue;
    setTag(ctx, runId, t);
  }
}

/**
 * As MLflow's _log_inputs_impl: one datasets row per (experiment, name, digest), reused by every
 * run of the experiment; one inputs row (with its tags) per (dataset, run).
 */
function writeInputs(ctx: SqlTrackingContext, runId: string, experimentId: number, datasets: readonly DatasetInput[]): void {
  const { s } = ctx;
  for (const input of datasets) {
    const d = input.dataset;
    let datasetUuid = (s.datasetUuid.get(experimentId, d.name, d.digest) as { dataset_uuid: string } | undefined)?.dataset_uuid;
    if (datasetUuid === undefined) {
      datasetUuid = newRunId();
      s.insertDataset.run(datasetUuid, experimentId, d.name, d.digest, d.sourceType, d.source, d.schema ?? null, d.profile ?? null);
    }
    if (s.inputUuid.get(datasetUuid, runId) !== undefined) continue;
    const inputUuid = newRunId();
    s.insertInput.run(inputUuid, datasetUuid, runId);
    for (const t of input.tags) s.insertInputTag.run(inputUuid, t.key, t.value);
  }
}

/** One page of a metric's history, in MLflow's order (timestamp, step, value, then as logged). */
function metricHistoryPage(ctx: SqlTrackingContext, runId: string, key: string, opts: { maxResults?: number; pageToken?: string }): Page<Metric> {
  const offset = decodePageToken(opts.pageToken);
  const limit = opts.maxResults === undefined ? -1 : opts.maxResults + 1;
  const rows = ctx.s.metricHistory.all(runId, key, limit, offset) as MetricRow[];
  const more = opts.maxResults !== undefined && rows.length > opts.maxResults;
  const points: Metric[] = (more ? rows.slice(0, opts.maxResults) : rows).map((r) => ({
    key,
    value: r.is_nan ? NaN : r.value,
    timestamp: r.timestamp,
    step: r.step,
  }));
  return offsetPage(points, more, offset + (opts.maxResults ?? 0));
}

/**
 * The run methods on the shared SQL context.
 *
 * @example
 * ```ts
 * const { createRun, logBatch } = createRunOps(ctx);
 * const run = await createRun({ experimentId: "0", runName: "tfidf" });
 * await logBatch(run.info.runId, { params: [{ key: "C", value: "1.0" }] });
 * ```
 */
export function createRunOps(ctx: SqlTrackingContext): RunOps {
  const { s, read, write, check, now } = ctx;
  return {
    async createRun(request) {
      check();
      return write(() => {
        const exp = ctx.experimentRow(request.experimentId);
        ctx.requireActiveExperiment(exp, request.experimentId);
        const { name, tags } = newRunNameAndTags(request);
        const runId = newRunId();
        const artifactUri = joinUri(exp.artifact_location ?? "", runId, "artifacts");
        s.insertRun.run(runId, name, request.userId ?? "", request.startTime ?? now(), artifactUri, exp.experiment_id);
        for (const t of tags) setTag(ctx, runId, t);
        return loadRun(ctx, runId);
      });
    },

    async getRun(runId) {
      return read(() => loadRun(ctx, runId));
    },

    async updateRunInfo(runId, update: RunInfoUpdate) {
      return write(() => {
        ctx.activeRun(runId);
        if (update.status !== undefined) s.setRunStatus.run(update.status, runId);
        if (update.endTime !== undefined) s.setRunEndTime.run(update.endTime, runId);
        if (update.runName) setTag(ctx, runId, { key: RUN_NAME_TAG, value: update.runName });
        return toRunInfo(s.runById.get(runId) as RunRow);
      });
    },

    async deleteRun(runId) {
      write(() => {
        ctx.runStage(runId);
        s.setRunStage.run("deleted", now(), runId);
      });
    },

    async restoreRun(runId) {
      write(() => {
        ctx.runStage(runId);
        s.setRunStage.run("active", null, runId);
      });
    },

    async logBatch(runId, batch: LogBatch) {
      check();
      validateRunId(runId); // sqlalchemy_store.py log_batch: before the run is looked up
      const valid = validateBatch(batch);
      write(() => {
        ctx.activeRun(runId);
        writeBatch(ctx, runId, valid);
      });
    },

    async deleteTag(runId, key) {
      write(() => {
        ctx.activeRun(runId);
        if (s.deleteTag.run(runId, key).changes === 0) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
      });
    },

    async getMetricHistory(runId, key, opts = {}) {
      // As MLflow's SQL store, the metrics table is read without looking the run up: an unknown run has no history.
      return read(() => metricHistoryPage(ctx, runId, key, opts));
    },

    async logInputs(runId, datasets) {
      check();
      validateRunId(runId); // sqlalchemy_store.py log_inputs
      write(() => {
        const run = ctx.activeRun(runId);
        validateDatasetInputs(datasets);
        writeInputs(ctx, runId, run.experiment_id, datasets);
      });
    },
  };
}
