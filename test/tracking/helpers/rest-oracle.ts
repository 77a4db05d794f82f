/**
 * A minimal TrackingStore over a real `mlflow server`'s REST API, used ONLY as a test oracle: the
 * conformance suite runs against it so that every expectation in the suite is checked against
 * MLflow itself. It maps camelCase to MLflow's snake_case wire form and error bodies
 * `{error_code, message}` to SentiMlopsError(code). No retries, no validation of its own: whatever
 * the server says is the answer. (The real REST store lives in src/; this is deliberately small.)
 *
 * REST traps handled here (reference §2.1/§2.3): GET fields go in the query string;
 * experiments/search needs max_results; int64 come back as JSON numbers; NaN/±Infinity doubles
 * travel as the strings "NaN"/"Infinity"/"-Infinity"; empty lists are omitted from responses.
 */
import { SentiMlopsError, type ErrorCode } from "../../../src/errors.js";
import type { TrackingStore } from "../../../src/tracking/store.js";
import type { DatasetInput, Experiment, Metric, Run, RunInfo, Tag } from "../../../src/tracking/types.js";

// Wire JSON is loosely typed on purpose: the adapter reads only the fields it maps.
type Json = Record<string, any>;

const num = (v: unknown): number => (v === "NaN" ? NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : Number(v));
const wireDouble = (v: number): number | string => (Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : v);
const record = (tags: Json[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.key, t.value ?? ""]));

function toExperiment(e: Json): Experiment {
  return {
    experimentId: e.experiment_id,
    name: e.name,
    artifactLocation: e.artifact_location ?? "",
    lifecycleStage: e.lifecycle_stage,
    creationTime: num(e.creation_time),
    lastUpdateTime: num(e.last_update_time),
    tags: record(e.tags),
  };
}

function toInfo(i: Json): RunInfo {
  return {
    runId: i.run_id,
    runName: i.run_name ?? "",
    experimentId: i.experiment_id,
    userId: i.user_id ?? "",
    status: i.status,
    startTime: num(i.start_time ?? 0),
    endTime: i.end_time === undefined ? null : num(i.end_time),
    artifactUri: i.artifact_uri ?? "",
    lifecycleStage: i.lifecycle_stage,
  };
}

function toRun(r: Json): Run {
  const data = r.data ?? {};
  return {
    info: toInfo(r.info),
    data: {
      metrics: Object.fromEntries((data.metrics ?? []).map((m: Json) => [m.key, num(m.value)])),
      params: record(data.params),
      tags: record(data.tags),
    },
    inputs: {
      datasetInputs: (r.inputs?.dataset_inputs ?? []).map(
        (d: Json): DatasetInput => ({
          dataset: {
            name: d.dataset.name,
            digest: d.dataset.digest,
            sourceType: d.dataset.source_type,
            source: d.dataset.source,
            ...(d.dataset.schema === undefined ? {} : { schema: d.dataset.schema }),
            ...(d.dataset.profile === undefined ? {} : { profile: d.dataset.profile }),
          },
          tags: (d.tags ?? []).map((t: Json): Tag => ({ key: t.key, value: t.value ?? "" })),
        }),
      ),
    },
  };
}

const tagsOut = (tags: readonly Tag[] | undefined) => tags?.map((t) => ({ key: t.key, value: t.value }));

/** A TrackingStore that forwards every call to the MLflow server at `baseUrl`. */
export function createRestOracle(baseUrl: string): TrackingStore {
  const api = `${baseUrl.replace(/\/+$/, "")}/api/2.0/mlflow/`;

  async function call(method: "GET" | "POST", path: string, body: Json = {}): Promise<Json> {
    let url = api + path;
    const init: RequestInit = { method };
    if (method === "GET") {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) if (v !== undefined) q.append(k, String(v));
      url += `?${q}`;
    } else {
      init.headers = { "Content-Type": "application/json" };
      init.body = JSON.stringify(body);
    }
    const res = await fetch(url, init);
    const text = await res.text();
    let json: Json | undefined;
    try {
      json = JSON.parse(text) as Json;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      if (json?.error_code) throw new SentiMlopsError(json.error_code as ErrorCode, String(json.message ?? ""));
      throw new SentiMlopsError("INTERNAL_ERROR", `HTTP ${res.status} from ${path}: ${text.slice(0, 500)}`);
    }
    if (json === undefined) throw new SentiMlopsError("INTERNAL_ERROR", `non-JSON answer from ${path}: ${text.slice(0, 500)}`);
    return json;
  }

  return {
    uri: baseUrl,

    async createExperiment(name, options = {}) {
      const r = await call("POST", "experiments/create", {
        name,
        artifact_location: options.artifactLocation,
        tags: tagsOut(options.tags),
      });
      return r.experiment_id;
    },
    async getExperiment(experimentId) {
      return toExperiment((await call("GET", "experiments/get", { experiment_id: experimentId })).experiment);
    },
    async getExperimentByName(name) {
      try {
        return toExperiment((await call("GET", "experiments/get-by-name", { experiment_name: name })).experiment);
      } catch (e) {
        if (e instanceof SentiMlopsError && e.code === "RESOURCE_DOES_NOT_EXIST") return null;
        throw e;
      }
    },
    async searchExperiments(options = {}) {
      const r = await call("POST", "experiments/search", {
        max_results: options.maxResults ?? 1000, // omitted max_results fails (reference §2.3 #4)
        page_token: options.pageToken,
        filter: options.filter,
        order_by: options.orderBy,
        view_type: options.viewType,
      });
      return { items: (r.experiments ?? []).map(toExperiment), ...(r.next_page_token ? { nextPageToken: r.next_page_token } : {}) };
    },
    async renameExperiment(experimentId, newName) {
      await call("POST", "experiments/update", { experiment_id: experimentId, new_name: newName });
    },
    async deleteExperiment(experimentId) {
      await call("POST", "experiments/delete", { experiment_id: experimentId });
    },
    async restoreExperiment(experimentId) {
      await call("POST", "experiments/restore", { experiment_id: experimentId });
    },
    async setExperimentTag(experimentId, key, value) {
      await call("POST", "experiments/set-experiment-tag", { experiment_id: experimentId, key, value });
    },
    async deleteExperimentTag(experimentId, key) {
      await call("POST", "experiments/delete-experiment-tag", { experiment_id: experimentId, key });
    },

    async createRun(request) {
      const r = await call("POST", "runs/create", {
        experiment_id: request.experimentId,
        user_id: request.userId,
        run_name: request.runName,
        start_time: request.startTime ?? Date.now(), // the server has no default (0): clients send now
        tags: tagsOut(request.tags),
      });
      return toRun(r.run);
    },
    async getRun(runId) {
      return toRun((await call("GET", "runs/get", { run_id: runId })).run);
    },
    async updateRunInfo(runId, update) {
      const r = await call("POST", "runs/update", {
        run_id: runId,
        status: update.status,
        end_time: update.endTime,
        run_name: update.runName,
      });
      return toInfo(r.run_info);
    },
    async deleteRun(runId) {
      await call("POST", "runs/delete", { run_id: runId });
    },
    async restoreRun(runId) {
      await call("POST", "runs/restore", { run_id: runId });
    },
    async logBatch(runId, batch) {
      await call("POST", "runs/log-batch", {
        run_id: runId,
        metrics: batch.metrics?.map((m) => ({ key: m.key, value: wireDouble(m.value), timestamp: m.timestamp, step: m.step })),
        params: batch.params?.map((p) => ({ key: p.key, value: p.value })),
        tags: tagsOut(batch.tags),
      });
    },
    async deleteTag(runId, key) {
      await call("POST", "runs/delete-tag", { run_id: runId, key });
    },
    async getMetricHistory(runId, key, options = {}) {
      // MLflow 3.17.2 treats an omitted max_results as "everything, one page" (handlers.py uses HasField).
      const r = await call("GET", "metrics/get-history", {
        run_id: runId,
        metric_key: key,
        max_results: options.maxResults,
        page_token: options.pageToken,
      });
      const items = (r.metrics ?? []).map(
        (m: Json): Metric => ({ key: m.key, value: num(m.value), timestamp: num(m.timestamp ?? 0), step: num(m.step ?? 0) }),
      );
      return { items, ...(r.next_page_token ? { nextPageToken: r.next_page_token } : {}) };
    },
    async searchRuns(options) {
      const r = await call("POST", "runs/search", {
        experiment_ids: options.experimentIds,
        filter: options.filter,
        run_view_type: options.viewType,
        max_results: options.maxResults,
        order_by: options.orderBy,
        page_token: options.pageToken,
      });
      return { items: (r.runs ?? []).map(toRun), ...(r.next_page_token ? { nextPageToken: r.next_page_token } : {}) };
    },
    async logInputs(runId, datasets) {
      await call("POST", "runs/log-inputs", {
        run_id: runId,
        datasets: datasets.map((d) => ({
          dataset: {
            name: d.dataset.name,
            digest: d.dataset.digest,
            source_type: d.dataset.sourceType,
            source: d.dataset.source,
            schema: d.dataset.schema,
            profile: d.dataset.profile,
          },
          tags: tagsOut(d.tags),
        })),
      });
    },

    async close() {
      // Nothing to release: fetch keeps no state here.
    },
  };
}
