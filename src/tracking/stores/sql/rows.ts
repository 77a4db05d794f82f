/**
 * Rows of the SQL tracking store read back as MLflow entities: experiments with their tags, runs
 * with their latest metrics, params, tags and dataset inputs (a few bulk queries per page).
 *
 * @module
 */
import type { DatasetInput, Experiment, LifecycleStage, Run, RunInfo, RunStatus, Tag } from "../../../mlflow/tracking-entities.js";
import { notFound, RUN_NAME_TAG } from "../tracking-semantics.js";
import type { ExperimentRow, RunRow, SqlTrackingContext } from "./context.js";

interface KeyValueRow {
  owner: string | number;
  key: string;
  value: string | null;
}

interface LatestRow {
  run_uuid: string;
  key: string;
  value: number;
  is_nan: number;
}

interface InputRow {
  run_uuid: string;
  input_uuid: string;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
  tag_name: string | null;
  tag_value: string | null;
}

function groupKeyValues(rows: readonly KeyValueRow[]): Map<string, Record<string, string>> {
  const byOwner = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const owner = String(r.owner);
    let record = byOwner.get(owner);
    if (!record) byOwner.set(owner, (record = {}));
    record[r.key] = r.value ?? "";
  }
  return byOwner;
}

/**
 * Experiments with their tags (one query for the tags of every row).
 *
 * @example
 * ```ts
 * const [experiment] = loadExperiments(ctx, [ctx.experimentRow("0")]);
 * ```
 */
export function loadExperiments(ctx: SqlTrackingContext, rows: readonly ExperimentRow[]): Experiment[] {
  if (rows.length === 0) return [];
  const tags = groupKeyValues(ctx.s.experimentTags.all(JSON.stringify(rows.map((r) => r.experiment_id))) as KeyValueRow[]);
  return rows.map((r) => ({
    experimentId: String(r.experiment_id),
    name: r.name,
    artifactLocation: r.artifact_location ?? "",
    lifecycleStage: (r.lifecycle_stage ?? "active") as LifecycleStage,
    creationTime: r.creation_time ?? 0,
    lastUpdateTime: r.last_update_time ?? 0,
    tags: tags.get(String(r.experiment_id)) ?? {},
  }));
}

/**
 * A run row as MLflow's `RunInfo`; the name falls back to the `mlflow.runName` tag, as MLflow's
 * does for runs logged by MLflow <= 1.29 (no name column value).
 *
 * @example
 * ```ts
 * const info = toRunInfo(ctx.s.runById.get(runId) as RunRow);
 * ```
 */
export function toRunInfo(r: RunRow, tags?: Readonly<Record<string, string>>): RunInfo {
  return {
    runId: r.run_uuid,
    runName: r.name || tags?.[RUN_NAME_TAG] || "",
    experimentId: String(r.experiment_id),
    userId: r.user_id ?? "",
    status: (r.status ?? "RUNNING") as RunStatus,
    startTime: r.start_time ?? 0,
    endTime: r.end_time ?? null,
    artifactUri: r.artifact_uri ?? "",
    lifecycleStage: (r.lifecycle_stage ?? "active") as LifecycleStage,
  };
}

function latestMetricsOf(ctx: SqlTrackingContext, ids: string): Map<string, Record<string, number>> {
  const metrics = new Map<string, Record<string, number>>();
  for (const m of ctx.s.runsLatestMetrics.all(ids) as LatestRow[]) {
    let record = metrics.get(m.run_uuid);
    if (!record) metrics.set(m.run_uuid, (record = {}));
    record[m.key] = m.is_nan ? NaN : m.value;
  }
  return metrics;
}

function datasetInputsOf(ctx: SqlTrackingContext, ids: string): Map<string, DatasetInput[]> {
  const inputs = new Map<string, DatasetInput[]>();
  let current: { uuid: string; tags: Tag[] } | undefined;
  for (const i of ctx.s.runsInputs.all(ids) as InputRow[]) {
    if (current?.uuid !== i.input_uuid) {
      const dataset = {
        name: i.name,
        digest: i.digest,
        sourceType: i.source_type,
        source: i.source,
        ...(i.schema !== null ? { schema: i.schema } : {}),
        ...(i.profile !== null ? { profile: i.profile } : {}),
      };
      current = { uuid: i.input_uuid, tags: [] };
      let list = inputs.get(i.run_uuid);
      if (!list) inputs.set(i.run_uuid, (list = []));
      list.push({ dataset, tags: current.tags });
    }
    if (i.tag_name !== null) current.tags.push({ key: i.tag_name, value: i.tag_value ?? "" });
  }
  return inputs;
}

/**
 * Runs with their latest metrics, params, tags and dataset inputs (a few bulk queries for the page).
 *
 * @example
 * ```ts
 * const runs = loadRuns(ctx, stmt.all(...params) as RunRow[]);
 * ```
 */
export function loadRuns(ctx: SqlTrackingContext, rows: readonly RunRow[]): Run[] {
  if (rows.length === 0) return [];
  const ids = JSON.stringify(rows.map((r) => r.run_uuid));
  const metrics = latestMetricsOf(ctx, ids);
  const params = groupKeyValues(ctx.s.runsParams.all(ids) as KeyValueRow[]);
  const tags = groupKeyValues(ctx.s.runsTags.all(ids) as KeyValueRow[]);
  const inputs = datasetInputsOf(ctx, ids);
  return rows.map((r) => {
    const runTags = tags.get(r.run_uuid) ?? {};
    return {
      info: toRunInfo(r, runTags),
      data: { metrics: metrics.get(r.run_uuid) ?? {}, params: params.get(r.run_uuid) ?? {}, tags: runTags },
      inputs: { datasetInputs: inputs.get(r.run_uuid) ?? [] },
    };
  });
}

/**
 * One run, else MLflow's not-found error.
 *
 * @example
 * ```ts
 * const run = ctx.read(() => loadRun(ctx, runId));
 * ```
 */
export function loadRun(ctx: SqlTrackingContext, runId: string): Run {
  const row = ctx.s.runById.get(runId) as RunRow | undefined;
  if (!row) throw notFound(`Run with id=${runId} not found`);
  return loadRuns(ctx, [row])[0]!;
}
