/**
 * The tracking store for a real MLflow server, over its REST API (`/api/2.0/mlflow/...`).
 * Validation happens on the server; this store maps calls, wire formats and errors, and works
 * around the API's known traps (searches need `max_results`; metric history is paged).
 *
 * @module
 */
import { hasErrorCode } from "../../errors.js";
import type { TrackingStore } from "../../mlflow/tracking-store.js";
import type { Metric, Page } from "../../mlflow/tracking-entities.js";
import { createRestClient, type RestClientOptions } from "../../mlflow/rest-client.js";
import {
  datasetInputToWire,
  experimentFromWire,
  metricFromWire,
  metricToWire,
  runFromWire,
  runInfoFromWire,
  tagsToWire,
  type WireExperiment,
  type WireMetric,
  type WireRun,
  type WireRunInfo,
} from "./rest-wire.js";
import { withWellFormedStrings } from "../../mlflow/well-formed-strings.js";

/** A page of results; the token is left out on the last page, as MLflow leaves it out. */
function toPage<T>(items: T[], nextPageToken: string | undefined): Page<T> {
  return nextPageToken ? { items, nextPageToken } : { items };
}

/**
 * Options of {@link createRestStore}: the HTTP client's.
 *
 * @example
 * ```ts
 * const store = createRestStore("https://mlflow.example.com", { username: "alice", password: "secret", retries: 3 });
 * ```
 */
export type RestStoreOptions = RestClientOptions;

const API = "/api/2.0/mlflow";
/** What MLflow's Python client asks for per page of metric history. */
const HISTORY_PAGE = 25000;

/**
 * Creates a tracking store that talks to the MLflow server at `url`.
 *
 * @example
 * ```ts
 * const store = createRestStore("http://127.0.0.1:5000");
 * const id = await store.createExperiment("sentiment");
 * ```
 */
export function createRestStore(url: string, options: RestStoreOptions = {}): TrackingStore {
  const http = createRestClient(url, options, "tracking");
  const post = <T = unknown>(path: string, body: unknown): Promise<T> => http.send<T>("POST", `${API}/${path}`, body);

  return withWellFormedStrings<TrackingStore>({
    uri: http.baseUrl,

    async createExperiment(name, opts = {}) {
      const r = await post<{ experiment_id: string }>("experiments/create", {
        name,
        ...(opts.artifactLocation ? { artifact_location: opts.artifactLocation } : {}),
        tags: tagsToWire(opts.tags),
      });
      return String(r.experiment_id);
    },

    async getExperiment(experimentId) {
      const r = await http.get<{ experiment: WireExperiment }>(`${API}/experiments/get`, { experiment_id: experimentId });
      return experimentFromWire(r.experiment);
    },

    async getExperimentByName(name) {
      try {
        const r = await http.get<{ experiment: WireExperiment }>(`${API}/experiments/get-by-name`, { experiment_name: name });
        return experimentFromWire(r.experiment);
      } catch (e) {
        if (hasErrorCode(e, "RESOURCE_DOES_NOT_EXIST")) return null;
        throw e;
      }
    },

    async searchExperiments(opts = {}) {
      const r = await post<{ experiments?: WireExperiment[]; next_page_token?: string }>("experiments/search", {
        max_results: opts.maxResults ?? 1000,
        view_type: opts.viewType ?? "ACTIVE_ONLY",
        ...(opts.filter ? { filter: opts.filter } : {}),
        ...(opts.orderBy ? { order_by: opts.orderBy } : {}),
        ...(opts.pageToken ? { page_token: opts.pageToken } : {}),
      });
      const items = (r.experiments ?? []).map(experimentFromWire);
      return toPage(items, r.next_page_token);
    },

    async renameExperiment(experimentId, newName) {
      await post("experiments/update", { experiment_id: experimentId, new_name: newName });
    },
    async deleteExperiment(experimentId) {
      await post("experiments/delete", { experiment_id: experimentId });
    },
    async restoreExperiment(experimentId) {
      await post("experiments/restore", { experiment_id: experimentId });
    },
    async setExperimentTag(experimentId, key, value) {
      await post("experiments/set-experiment-tag", { experiment_id: experimentId, key, value });
    },
    async deleteExperimentTag(experimentId, key) {
      await post("experiments/delete-experiment-tag", { experiment_id: experimentId, key });
    },

    async createRun(request) {
      const r = await post<{ run: WireRun }>("runs/create", {
        experiment_id: request.experimentId,
        ...(request.userId !== undefined ? { user_id: request.userId } : {}),
        start_time: request.startTime ?? Date.now(),
        tags: tagsToWire(request.tags),
        ...(request.runName ? { run_name: request.runName } : {}),
      });
      return runFromWire(r.run);
    },

    async getRun(runId) {
      const r = await http.get<{ run: WireRun }>(`${API}/runs/get`, { run_id: runId });
      return runFromWire(r.run);
    },

    async updateRunInfo(runId, update) {
      const r = await post<{ run_info: WireRunInfo }>("runs/update", {
        run_id: runId,
        ...(update.status !== undefined ? { status: update.status } : {}),
        ...(update.endTime !== undefined ? { end_time: update.endTime } : {}),
        ...(update.runName ? { run_name: update.runName } : {}),
      });
      return runInfoFromWire(r.run_info);
    },

    async deleteRun(runId) {
      await post("runs/delete", { run_id: runId });
    },
    async restoreRun(runId) {
      await post("runs/restore", { run_id: runId });
    },

    async logBatch(runId, batch) {
      await post("runs/log-batch", {
        run_id: runId,
        metrics: (batch.metrics ?? []).map(metricToWire),
        params: tagsToWire(batch.params),
        tags: tagsToWire(batch.tags),
      });
    },

    async deleteTag(runId, key) {
      await post("runs/delete-tag", { run_id: runId, key });
    },

    async getMetricHistory(runId, key, opts = {}) {
      const page = (maxResults: number, pageToken?: string) =>
        http.get<{ metrics?: WireMetric[]; next_page_token?: string }>(`${API}/metrics/get-history`, {
          run_id: runId,
          metric_key: key,
          max_results: maxResults,
          page_token: pageToken,
        });
      if (opts.maxResults !== undefined) {
        const r = await page(opts.maxResults, opts.pageToken);
        const items = (r.metrics ?? []).map(metricFromWire);
        return toPage(items, r.next_page_token);
      }
      // Without a page size, gather every page (MLflow answers nothing without max_results).
      const items: Metric[] = [];
      let token = opts.pageToken;
      do {
        const r = await page(HISTORY_PAGE, token);
        items.push(...(r.metrics ?? []).map(metricFromWire));
        token = r.next_page_token;
      } while (token);
      return { items };
    },

    async searchRuns(opts) {
      const r = await post<{ runs?: WireRun[]; next_page_token?: string }>("runs/search", {
        experiment_ids: opts.experimentIds,
        max_results: opts.maxResults ?? 1000,
        run_view_type: opts.viewType ?? "ACTIVE_ONLY",
        ...(opts.filter ? { filter: opts.filter } : {}),
        ...(opts.orderBy ? { order_by: opts.orderBy } : {}),
        ...(opts.pageToken ? { page_token: opts.pageToken } : {}),
      });
      const items = (r.runs ?? []).map(runFromWire);
      return toPage(items, r.next_page_token);
    },

    async logInputs(runId, datasets) {
      await post("runs/log-inputs", { run_id: runId, datasets: datasets.map(datasetInputToWire) });
    },

    async close() {},
  }, "tracking");
}
