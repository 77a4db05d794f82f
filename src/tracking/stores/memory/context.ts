/**
 * The shared context of the memory tracking store's entity modules: the records, the clock, the
 * artifact root, the lookups every entity checks against, and the records read back as entities.
 *
 * @module
 */
import type { Dataset, DatasetInput, Experiment, LifecycleStage, Run, RunInfo, RunStatus, Tag, ViewType } from "../../../mlflow/tracking-entities.js";
import { parseExperimentId } from "../../../mlflow/validation.js";
import { isInView, joinUri, notFound, RUN_NAME_TAG, runNotActive, storeClosed, type StoredMetric } from "../tracking-semantics.js";

/**
 * Options of `createMemoryStore`.
 *
 * @example
 * ```ts
 * const options: MemoryStoreOptions = { artifactRoot: "memory://artifacts", now: () => 1_700_000_000_000 };
 * ```
 */
export interface MemoryStoreOptions {
  /** Where experiments' artifacts go by default (`<root>/<experiment id>`). @default "memory://artifacts" */
  artifactRoot?: string;
  /** The clock, in epoch ms. @default Date.now */
  now?: () => number;
}

/**
 * An experiment held in memory.
 *
 * @example
 * ```ts
 * const record: ExperimentRecord = ctx.experiment("0");
 * ```
 */
export interface ExperimentRecord {
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

/**
 * A run held in memory: its info, params, tags, every metric point and each key's latest.
 *
 * @example
 * ```ts
 * const record: RunRecord = ctx.activeRun(runId);
 * ```
 */
export interface RunRecord {
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

/**
 * What the memory tracking store's entity modules share.
 *
 * @example
 * ```ts
 * const ctx = createMemoryTrackingContext();
 * const ops = { ...createExperimentOps(ctx), ...createRunOps(ctx), ...createSearchOps(ctx) };
 * ```
 */
export interface MemoryTrackingContext {
  readonly experiments: Map<number, ExperimentRecord>;
  readonly runs: Map<string, RunRecord>;
  readonly now: () => number;
  /** Throws `INVALID_STATE` once the store is closed. */
  readonly check: () => void;
  readonly markClosed: () => void;
  /** Adds an experiment with the next id (its location `<root>/<id>` unless given). */
  readonly addExperiment: (name: string, artifactLocation: string | undefined, tags: readonly Tag[]) => number;
  /** The experiment visible under `view`, else MLflow's not-found error. */
  readonly experiment: (experimentId: string, view?: ViewType) => ExperimentRecord;
  /** The run, else MLflow's not-found error. */
  readonly run: (runId: string) => RunRecord;
  /** The run if active, else MLflow's error. */
  readonly activeRun: (runId: string) => RunRecord;
}

/**
 * Creates the shared context, holding MLflow's default experiment (id "0", "Default").
 *
 * @example
 * ```ts
 * const ctx = createMemoryTrackingContext({ artifactRoot: "memory://artifacts" });
 * ctx.experiment("0").name; // "Default"
 * ```
 */
export function createMemoryTrackingContext(options: MemoryStoreOptions = {}): MemoryTrackingContext {
  const artifactRoot = options.artifactRoot ?? "memory://artifacts";
  const now = options.now ?? Date.now;
  const experiments = new Map<number, ExperimentRecord>();
  const runs = new Map<string, RunRecord>();
  let nextExperimentId = 0;
  let closed = false;
  const check = (): void => {
    if (closed) throw storeClosed("the memory store");
  };
  const addExperiment = (name: string, artifactLocation: string | undefined, tags: readonly Tag[]): number => {
    const id = nextExperimentId++;
    const time = now();
    const location = artifactLocation ?? joinUri(artifactRoot, String(id));
    const tagMap = new Map(tags.map((t) => [t.key, t.value]));
    experiments.set(id, { id, name, artifactLocation: location, lifecycleStage: "active", creationTime: time, lastUpdateTime: time, tags: tagMap, datasets: new Map() });
    return id;
  };
  const run = (runId: string): RunRecord => {
    check();
    const record = runs.get(runId);
    if (!record) throw notFound(`Run with id=${runId} not found`);
    return record;
  };
  addExperiment("Default", undefined, []);
  return {
    experiments,
    runs,
    now,
    check,
    markClosed: () => void (closed = true),
    addExperiment,
    experiment: (experimentId, view = "ALL") => {
      check();
      const record = experiments.get(parseExperimentId(experimentId));
      if (!record || !isInView(record.lifecycleStage, view)) throw notFound(`No Experiment with id=${experimentId} exists`);
      return record;
    },
    run,
    activeRun: (runId) => {
      const record = run(runId);
      if (record.lifecycleStage !== "active") throw runNotActive(runId, record.lifecycleStage);
      return record;
    },
  };
}

/**
 * An experiment record as MLflow's `Experiment`.
 *
 * @example
 * ```ts
 * const experiment = toExperiment(ctx.experiment("0"));
 * ```
 */
export function toExperiment(r: ExperimentRecord): Experiment {
  return {
    experimentId: String(r.id),
    name: r.name,
    artifactLocation: r.artifactLocation,
    lifecycleStage: r.lifecycleStage,
    creationTime: r.creationTime,
    lastUpdateTime: r.lastUpdateTime,
    tags: Object.fromEntries(r.tags),
  };
}

/**
 * A run record's `RunInfo`.
 *
 * @example
 * ```ts
 * const info = toRunInfo(ctx.run(runId));
 * ```
 */
export function toRunInfo(r: RunRecord): RunInfo {
  return {
    runId: r.runId,
    runName: r.name,
    experimentId: String(r.experimentId),
    userId: r.userId,
    status: r.status,
    startTime: r.startTime,
    endTime: r.endTime,
    artifactUri: r.artifactUri,
    lifecycleStage: r.lifecycleStage,
  };
}

/**
 * A run record as MLflow's `Run` (latest metrics, params, tags, copies of its dataset inputs).
 *
 * @example
 * ```ts
 * const run = toRun(ctx.run(runId));
 * ```
 */
export function toRun(r: RunRecord): Run {
  return {
    info: toRunInfo(r),
    data: {
      metrics: Object.fromEntries([...r.latest].map(([k, m]) => [k, m.isNan ? NaN : m.value])),
      params: Object.fromEntries(r.params),
      tags: Object.fromEntries(r.tags),
    },
    inputs: { datasetInputs: r.inputs.map((d) => ({ dataset: { ...d.dataset }, tags: d.tags.map((t) => ({ ...t })) })) },
  };
}

/**
 * Sets a run tag; `mlflow.runName` also renames the run.
 *
 * @example
 * ```ts
 * setRunTag(record, { key: "mlflow.runName", value: "tfidf" });
 * ```
 */
export function setRunTag(r: RunRecord, tag: Tag): void {
  r.tags.set(tag.key, tag.value);
  if (tag.key === RUN_NAME_TAG) r.name = tag.value;
}
