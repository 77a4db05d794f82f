/**
 * A tracking store held in memory, with the semantics of MLflow's SQL store (ids, soft deletes,
 * latest-metric upkeep, NaN/±Inf encoding, validation, error codes) — for tests, notebooks and
 * short-lived processes. Search filters and ordering use the shared search module.
 *
 * @module
 */
import { SentiMlopsError } from "../../errors.js";
import { paginate } from "../../mlflow/page-token.js";
import { generateRunName, newRunId } from "../../mlflow/run-name.js";
import type {
  CreateRunRequest,
  LogBatch,
  RunInfoUpdate,
  SearchExperimentsOptions,
  SearchRunsOptions,
  TrackingStore,
} from "../../mlflow/tracking-store.js";
import type { Dataset, DatasetInput, Experiment, LifecycleStage, Metric, Page, Run, RunInfo, RunStatus, Tag } from "../../mlflow/tracking-entities.js";
import {
  LIMITS,
  parseExperimentId,
  validateBatch,
  validateExperimentName,
  validateExperimentTag,
  validateDatasetInputs,
  validateMaxResults,
  validateRunId,
} from "../../mlflow/validation.js";
import { searchExperimentsIn, searchRunsIn } from "./search-in-memory.js";

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Where experiments' artifacts go by default (`<root>/<experiment id>`). @default "memory://artifacts" */
  artifactRoot?: string;
  /** The clock, in epoch ms. @default Date.now */
  now?: () => number;
}

interface ExperimentRecord {
  id: number;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime: number;
  lastUpdateTime: number;
  tags: Map<string, string>;
  /** The experiment's datasets by (name, digest), shared by its runs as in MLflow's `datasets` table. */
  datasets: Map<string, Dataset>;
}

interface StoredMetric {
  value: number;
  isNan: boolean;
  timestamp: number;
  step: number;
}

interface RunRecord {
  runId: string;
  name: string;
  experimentId: number;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
  deletedTime: number | null;
  params: Map<string, string>;
  tags: Map<string, string>;
  history: Map<string, StoredMetric[]>;
  latest: Map<string, StoredMetric>;
  inputs: DatasetInput[];
}

/** Values MLflow's SQL store writes for a metric: NaN as 0 with a flag, ±Inf clamped to ±max. */
export function sanitizeMetricValue(value: number): { value: number; isNan: boolean } {
  if (Number.isNaN(value)) return { value: 0, isNan: true };
  if (value === Infinity) return { value: Number.MAX_VALUE, isNan: false };
  if (value === -Infinity) return { value: -Number.MAX_VALUE, isNan: false };
  return { value, isNan: false };
}

/** True when `a` is strictly more recent than `b` by (step, timestamp, stored value), as MLflow decides. */
export function isNewerMetric(a: StoredMetric, b: StoredMetric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

const notFound = (message: string): SentiMlopsError => new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", message, { component: "tracking" });
const invalid = (message: string): SentiMlopsError => SentiMlopsError.invalidParameterValue(message, { component: "tracking" });

function joinUri(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ""), ...parts].join("/");
}

/**
 * Creates an in-memory tracking store. It starts with MLflow's default experiment (id "0",
 * "Default").
 *
 * @example
 * ```ts
 * const store = createMemoryStore();
 * const id = await store.createExperiment("sentiment");
 * const run = await store.createRun({ experimentId: id, runName: "tfidf" });
 * await store.logBatch(run.info.runId, { metrics: [{ key: "acc", value: 0.9, timestamp: Date.now(), step: 0 }] });
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): TrackingStore {
  const artifactRoot = options.artifactRoot ?? "memory://artifacts";
  const now = options.now ?? Date.now;
  const experiments = new Map<number, ExperimentRecord>();
  const runs = new Map<string, RunRecord>();
  let nextExperimentId = 0;
  let closed = false;

  const addExperiment = (name: string, artifactLocation: string | undefined, tags: readonly Tag[]): number => {
    const id = nextExperimentId++;
    const time = now();
    experiments.set(id, {
      id,
      name,
      artifactLocation: artifactLocation ?? joinUri(artifactRoot, String(id)),
      lifecycleStage: "active",
      creationTime: time,
      lastUpdateTime: time,
      tags: new Map(tags.map((t) => [t.key, t.value])),
      datasets: new Map(),
    });
    return id;
  };
  addExperiment("Default", undefined, []);

  const check = (): void => {
    if (closed) throw new SentiMlopsError("INVALID_STATE", "the memory store is closed", { component: "tracking" });
  };

  const experiment = (experimentId: string, view: "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL" = "ALL"): ExperimentRecord => {
    check();
    const record = experiments.get(parseExperimentId(experimentId));
    const visible =
      record && (view === "ALL" || (view === "ACTIVE_ONLY" ? record.lifecycleStage === "active" : record.lifecycleStage === "deleted"));
    if (!visible) throw notFound(`No Experiment with id=${experimentId} exists`);
    return record;
  };

  const run = (runId: string): RunRecord => {
    check();
    const record = runs.get(runId);
    if (!record) throw notFound(`Run with id=${runId} not found`);
    return record;
  };

  const activeRun = (runId: string): RunRecord => {
    const record = run(runId);
    if (record.lifecycleStage !== "active") {
      throw invalid(`The run ${runId} must be in the 'active' state. Current state is ${record.lifecycleStage}.`);
    }
    return record;
  };

  const toExperiment = (r: ExperimentRecord): Experiment => ({
    experimentId: String(r.id),
    name: r.name,
    artifactLocation: r.artifactLocation,
    lifecycleStage: r.lifecycleStage,
    creationTime: r.creationTime,
    lastUpdateTime: r.lastUpdateTime,
    tags: Object.fromEntries(r.tags),
  });

  const toInfo = (r: RunRecord): RunInfo => ({
    runId: r.runId,
    runName: r.name,
    experimentId: String(r.experimentId),
    userId: r.userId,
    status: r.status,
    startTime: r.startTime,
    endTime: r.endTime,
    artifactUri: r.artifactUri,
    lifecycleStage: r.lifecycleStage,
  });

  const toRun = (r: RunRecord): Run => ({
    info: toInfo(r),
    data: {
      metrics: Object.fromEntries([...r.latest].map(([k, m]) => [k, m.isNan ? NaN : m.value])),
      params: Object.fromEntries(r.params),
      tags: Object.fromEntries(r.tags),
    },
    inputs: { datasetInputs: r.inputs.map((d) => ({ dataset: { ...d.dataset }, tags: d.tags.map((t) => ({ ...t })) })) },
  });

  const setTag = (r: RunRecord, tag: Tag): void => {
    r.tags.set(tag.key, tag.value);
    if (tag.key === "mlflow.runName") r.name = tag.value;
  };

  const store: TrackingStore = {
    uri: "memory:",

    async createExperiment(name, opts = {}) {
      check();
      validateExperimentName(name);
      const tags = (opts.tags ?? []).map(validateExperimentTag);
      if (opts.artifactLocation?.startsWith("runs:")) {
        throw invalid(`Artifact location cannot be a runs:/ URI. Given: '${opts.artifactLocation}'`);
      }
      if ([...experiments.values()].some((e) => e.name === name)) {
        throw new SentiMlopsError("RESOURCE_ALREADY_EXISTS", `Experiment(name=${name}) already exists.`, { component: "tracking" });
      }
      return String(addExperiment(name, opts.artifactLocation || undefined, tags));
    },

    async getExperiment(experimentId) {
      return toExperiment(experiment(experimentId));
    },

    async getExperimentByName(name) {
      check();
      const found = [...experiments.values()].find((e) => e.name === name);
      return found ? toExperiment(found) : null;
    },

    async searchExperiments(opts: SearchExperimentsOptions = {}) {
      check();
      const maxResults = validateMaxResults(opts.maxResults, LIMITS.searchDefaultResults, LIMITS.searchMaxResults);
      const all = [...experiments.values()].map(toExperiment);
      const sorted = searchExperimentsIn(all, opts);
      return paginate(sorted, maxResults, opts.pageToken);
    },

    async renameExperiment(experimentId, newName) {
      validateExperimentName(newName);
      const record = experiment(experimentId);
      if (record.lifecycleStage !== "active") throw new SentiMlopsError("INVALID_STATE", "Cannot rename a non-active experiment.", { component: "tracking" });
      // MLflow checks nothing before the UPDATE (sqlalchemy_store.py:1036 rename_experiment): the
      // UNIQUE name constraint fails at commit, and the session manager turns that IntegrityError into
      // BAD_REQUEST (store/db/utils.py:186-188). Only createExperiment says RESOURCE_ALREADY_EXISTS.
      if ([...experiments.values()].some((e) => e.name === newName && e !== record)) {
        throw new SentiMlopsError("BAD_REQUEST", `UNIQUE constraint failed: experiment name '${newName}' is already taken.`, { component: "tracking" });
      }
      record.name = newName;
      record.lastUpdateTime = now();
    },

    async deleteExperiment(experimentId) {
      const record = experiment(experimentId, "ACTIVE_ONLY");
      const time = now();
      record.lifecycleStage = "deleted";
      record.lastUpdateTime = time;
      for (const r of runs.values()) {
        if (r.experimentId !== record.id) continue;
        r.lifecycleStage = "deleted";
        r.deletedTime = time;
      }
    },

    async restoreExperiment(experimentId) {
      const record = experiment(experimentId, "DELETED_ONLY");
      record.lifecycleStage = "active";
      record.lastUpdateTime = now();
      for (const r of runs.values()) {
        if (r.experimentId !== record.id) continue;
        r.lifecycleStage = "active";
        r.deletedTime = null;
      }
    },

    async setExperimentTag(experimentId, key, value) {
      const tag = validateExperimentTag({ key, value });
      const record = experiment(experimentId);
      if (record.lifecycleStage !== "active") {
        throw invalid(`The experiment ${experimentId} must be in the 'active' state. Current state is ${record.lifecycleStage}.`);
      }
      record.tags.set(tag.key, tag.value);
    },

    async deleteExperimentTag(experimentId, key) {
      const record = experiment(experimentId);
      if (record.lifecycleStage !== "active") {
        throw invalid(`The experiment ${experimentId} must be in the 'active' state. Current state is ${record.lifecycleStage}.`);
      }
      if (!record.tags.delete(key)) throw notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
    },

    async createRun(request: CreateRunRequest) {
      const exp = experiment(request.experimentId);
      if (exp.lifecycleStage !== "active") {
        throw invalid(`The experiment ${request.experimentId} must be in the 'active' state. Current state is ${exp.lifecycleStage}.`);
      }
      // MLflow's create_run stores the given tags as they are (no key check, no truncation), unlike
      // logBatch; sqlalchemy_store.py create_run, MLflow 3.17.2.
      const tags = (request.tags ?? []).map((t) => ({ key: String(t.key), value: String(t.value ?? "") }));
      const nameTag = tags.find((t) => t.key === "mlflow.runName")?.value;
      if (request.runName && nameTag && request.runName !== nameTag) {
        throw invalid(
          `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${request.runName}', mlflow.runName='${nameTag}').`,
        );
      }
      const name = request.runName || nameTag || generateRunName();
      if (!nameTag) tags.push({ key: "mlflow.runName", value: name });
      const runId = newRunId();
      const record: RunRecord = {
        runId,
        name,
        experimentId: exp.id,
        userId: request.userId ?? "",
        status: "RUNNING",
        startTime: request.startTime ?? now(),
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
      for (const t of tags) setTag(record, t);
      runs.set(runId, record);
      return toRun(record);
    },

    async getRun(runId) {
      return toRun(run(runId));
    },

    async updateRunInfo(runId, update: RunInfoUpdate) {
      const record = activeRun(runId);
      if (update.status !== undefined) record.status = update.status;
      if (update.endTime !== undefined) record.endTime = update.endTime;
      if (update.runName) setTag(record, { key: "mlflow.runName", value: update.runName });
      return toInfo(record);
    },

    async deleteRun(runId) {
      const record = run(runId);
      record.lifecycleStage = "deleted";
      record.deletedTime = now();
    },

    async restoreRun(runId) {
      const record = run(runId);
      record.lifecycleStage = "active";
      record.deletedTime = null;
    },

    async logBatch(runId, batch: LogBatch) {
      check();
      validateRunId(runId); // sqlalchemy_store.py:2396, before the run is looked up
      const { metrics, params, tags } = validateBatch(batch);
      const record = activeRun(runId);
      // Check everything before writing anything: a batch is applied whole or not at all.
      for (const p of params) {
        const old = record.params.get(p.key);
        if (old !== undefined && old !== p.value) {
          throw invalid(
            `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}' for run ID='${runId}'. Attempted logging new value '${p.value}'.`,
          );
        }
      }
      for (const p of params) record.params.set(p.key, p.value);
      for (const m of metrics) logMetricPoint(record, m);
      for (const t of tags) {
        // An empty mlflow.runName changes nothing in MLflow: set_tag hands it to update_run_info
        // (sqlalchemy_store.py:2191-2193, also from log_batch's _set_tags :2233), which skips an
        // empty name (`if run_name:`, :1265) — neither runs.name nor the tag is written.
        if (t.key === "mlflow.runName" && t.value === "") continue;
        setTag(record, t);
      }
    },

    async deleteTag(runId, key) {
      const record = activeRun(runId);
      if (!record.tags.delete(key)) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
    },

    async getMetricHistory(runId, key, opts = {}) {
      check();
      // MLflow's SQL store reads the metrics table without looking the run up (sqlalchemy_store.py:1706-1745):
      // an unknown run has an empty history.
      const record = runs.get(runId);
      const points = [...(record?.history.get(key) ?? [])].sort(
        (a, b) => a.timestamp - b.timestamp || a.step - b.step || a.value - b.value,
      );
      const metrics: Metric[] = points.map((p) => ({ key, value: p.isNan ? NaN : p.value, timestamp: p.timestamp, step: p.step }));
      if (opts.maxResults === undefined) return paginate(metrics, Math.max(metrics.length, 1), opts.pageToken);
      return paginate(metrics, opts.maxResults, opts.pageToken);
    },

    async searchRuns(opts: SearchRunsOptions) {
      check();
      const maxResults = validateMaxResults(opts.maxResults, LIMITS.searchDefaultResults, LIMITS.searchMaxResults);
      const ids = new Set(opts.experimentIds.map((id) => parseExperimentId(id)));
      const candidates = [...runs.values()].filter((r) => ids.has(r.experimentId)).map(toRun);
      return paginate(searchRunsIn(candidates, opts), maxResults, opts.pageToken) as Page<Run>;
    },

    async logInputs(runId, datasets) {
      check();
      validateRunId(runId); // sqlalchemy_store.py:2451
      const record = activeRun(runId);
      validateDatasetInputs(datasets);
      // Datasets belong to the experiment, one per (name, digest): a run logging a known pair links to
      // the dataset first logged in that experiment (sqlalchemy_store.py:2483-2535, _log_inputs_impl).
      // A run links to a dataset once; a repeat (same call or later) changes nothing, tags included.
      const shared = experiments.get(record.experimentId)!.datasets;
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
    },

    async close() {
      closed = true;
    },
  };

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

  return store;
}
