/**
 * The MLflow REST wire format (snake_case JSON) and its mapping to senti-mlops' camelCase
 * entities. The only place where snake_case names appear.
 *
 * @module
 */
import type { DatasetInput, Experiment, Metric, Run, RunInfo, Tag } from "../../mlflow/tracking-entities.js";

/**
 * Tag on the wire.
 *
 * @example
 * ```ts
 * const tag: WireTag = { key: "mlflow.runName", value: "tfidf-baseline" };
 * ```
 */
export interface WireTag {
  key: string;
  value?: string;
}

/**
 * Experiment on the wire.
 *
 * @example
 * ```ts
 * const wire: WireExperiment = { experiment_id: "1", name: "sentiment", lifecycle_stage: "active", tags: [] };
 * experimentFromWire(wire).experimentId; // "1"
 * ```
 */
export interface WireExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  creation_time?: number;
  last_update_time?: number;
  tags?: WireTag[];
}

/**
 * Run info on the wire.
 *
 * @example
 * ```ts
 * const wire: WireRunInfo = { run_id: "3f2a9c0d", experiment_id: "1", status: "FINISHED", start_time: 1733500000000 };
 * runInfoFromWire(wire).endTime; // null
 * ```
 */
export interface WireRunInfo {
  run_id: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status?: string;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage?: string;
}

/**
 * Metric on the wire (doubles may be the strings "NaN", "Infinity", "-Infinity").
 *
 * @example
 * ```ts
 * const wire: WireMetric = { key: "loss", value: "NaN", timestamp: 1733500000000, step: 3 };
 * metricFromWire(wire).value; // NaN
 * ```
 */
export interface WireMetric {
  key: string;
  value: number | string;
  timestamp?: number;
  step?: number;
}

/**
 * Run on the wire.
 *
 * @example
 * ```ts
 * const { run } = (await response.json()) as { run: WireRun };
 * const parsed = runFromWire(run);
 * ```
 */
export interface WireRun {
  info: WireRunInfo;
  data?: { metrics?: WireMetric[]; params?: WireTag[]; tags?: WireTag[] };
  inputs?: {
    dataset_inputs?: {
      tags?: WireTag[];
      dataset: { name: string; digest: string; source_type: string; source: string; schema?: string; profile?: string };
    }[];
  };
}

/**
 * A double as MLflow's JSON carries it.
 *
 * @example
 * ```ts
 * doubleToWire(0.5); // 0.5
 * doubleToWire(-Infinity); // "-Infinity"
 * ```
 */
export function doubleToWire(value: number): number | string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  return value;
}

/**
 * A double read from MLflow's JSON.
 *
 * @example
 * ```ts
 * doubleFromWire("NaN"); // NaN
 * doubleFromWire(0.5); // 0.5
 * ```
 */
export function doubleFromWire(value: number | string | undefined): number {
  if (typeof value === "number") return value;
  if (value === "NaN") return NaN;
  if (value === "Infinity") return Infinity;
  if (value === "-Infinity") return -Infinity;
  return Number(value);
}

const tagsToRecord = (tags: WireTag[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.key, t.value ?? ""]));

/**
 * Tags to the wire.
 *
 * @example
 * ```ts
 * tagsToWire([{ key: "team", value: "nlp" }]); // [{ key: "team", value: "nlp" }]
 * tagsToWire(undefined); // []
 * ```
 */
export const tagsToWire = (tags: readonly Tag[] | undefined): WireTag[] => (tags ?? []).map((t) => ({ key: t.key, value: t.value }));

/**
 * Experiment from the wire.
 *
 * @example
 * ```ts
 * experimentFromWire({ experiment_id: "1", name: "sentiment", tags: [{ key: "team", value: "nlp" }] });
 * // { experimentId: "1", name: "sentiment", lifecycleStage: "active", tags: { team: "nlp" }, … }
 * ```
 */
export function experimentFromWire(e: WireExperiment): Experiment {
  return {
    experimentId: String(e.experiment_id),
    name: e.name,
    artifactLocation: e.artifact_location ?? "",
    lifecycleStage: e.lifecycle_stage === "deleted" ? "deleted" : "active",
    creationTime: e.creation_time ?? 0,
    lastUpdateTime: e.last_update_time ?? 0,
    tags: tagsToRecord(e.tags),
  };
}

/**
 * Run info from the wire.
 *
 * @example
 * ```ts
 * runInfoFromWire({ run_id: "3f2a9c0d", experiment_id: "1" }).status; // "RUNNING"
 * ```
 */
export function runInfoFromWire(i: WireRunInfo): RunInfo {
  return {
    runId: i.run_id,
    runName: i.run_name ?? "",
    experimentId: String(i.experiment_id),
    userId: i.user_id ?? "",
    status: (i.status ?? "RUNNING") as RunInfo["status"],
    startTime: i.start_time ?? 0,
    endTime: i.end_time ?? null,
    artifactUri: i.artifact_uri ?? "",
    lifecycleStage: i.lifecycle_stage === "deleted" ? "deleted" : "active",
  };
}

/**
 * Run from the wire.
 *
 * @example
 * ```ts
 * const run = runFromWire({ info: { run_id: "3f2a9c0d", experiment_id: "1" }, data: { params: [{ key: "C", value: "4" }] } });
 * run.data.params; // { C: "4" }
 * ```
 */
export function runFromWire(r: WireRun): Run {
  return {
    info: runInfoFromWire(r.info),
    data: {
      metrics: Object.fromEntries((r.data?.metrics ?? []).map((m) => [m.key, doubleFromWire(m.value)])),
      params: tagsToRecord(r.data?.params),
      tags: tagsToRecord(r.data?.tags),
    },
    inputs: {
      datasetInputs: (r.inputs?.dataset_inputs ?? []).map(
        (d): DatasetInput => ({
          dataset: {
            name: d.dataset.name,
            digest: d.dataset.digest,
            sourceType: d.dataset.source_type,
            source: d.dataset.source,
            ...(d.dataset.schema !== undefined ? { schema: d.dataset.schema } : {}),
            ...(d.dataset.profile !== undefined ? { profile: d.dataset.profile } : {}),
          },
          tags: (d.tags ?? []).map((t) => ({ key: t.key, value: t.value ?? "" })),
        }),
      ),
    },
  };
}

/**
 * Metric from the wire.
 *
 * @example
 * ```ts
 * metricFromWire({ key: "loss", value: "Infinity" }); // { key: "loss", value: Infinity, timestamp: 0, step: 0 }
 * ```
 */
export function metricFromWire(m: WireMetric): Metric {
  return { key: m.key, value: doubleFromWire(m.value), timestamp: m.timestamp ?? 0, step: m.step ?? 0 };
}

/**
 * Metric to the wire.
 *
 * @example
 * ```ts
 * metricToWire({ key: "loss", value: NaN, timestamp: 1733500000000, step: 0 }); // { key: "loss", value: "NaN", … }
 * ```
 */
export function metricToWire(m: Metric): WireMetric {
  return { key: m.key, value: doubleToWire(m.value), timestamp: m.timestamp, step: m.step };
}

/**
 * Dataset input to the wire.
 *
 * @example
 * ```ts
 * datasetInputToWire({ dataset: { name: "imdb", digest: "a1b2", sourceType: "local", source: "data.csv" }, tags: [] });
 * // { dataset: { name: "imdb", digest: "a1b2", source_type: "local", source: "data.csv" }, tags: [] }
 * ```
 */
export function datasetInputToWire(d: DatasetInput): unknown {
  const { name, digest, sourceType, source, schema, profile } = d.dataset;
  return {
    dataset: { name, digest, source_type: sourceType, source, ...(schema !== undefined ? { schema } : {}), ...(profile !== undefined ? { profile } : {}) },
    tags: tagsToWire(d.tags),
  };
}
