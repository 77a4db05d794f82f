/**
 * `pushTracking`: copies what one tracking client holds (typically a browser's `indexeddb://`
 * store) into another (typically an MLflow server): experiments, runs with their params, tags,
 * metric histories, dataset inputs and artifacts, then registered models, their versions, tags,
 * stages and aliases.
 *
 * Pushing is idempotent and resumable. Each pushed run carries the tag
 * `senti-mlops.source_run_id` (its id in the source, set when the target run is created), each
 * pushed version `senti-mlops.source_version`; a later push finds them and sends only what is
 * missing: params and tags not yet there, metric points not yet there (compared as (step,
 * timestamp, value) multisets), artifact files not yet there, and the run's final status last. An
 * interrupted push therefore leaves the run RUNNING in the target and the next push completes it.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import type { ArtifactStore } from "../adapters/artifact-store.js";
import type { ModelVersion, RegisteredModel } from "../mlflow/registry-entities.js";
import type { Experiment, Metric, Page, Run, Tag } from "../mlflow/tracking-entities.js";
import type { Tracking } from "./client.js";

/** The tag that ties a pushed run to its source run. */
export const SOURCE_RUN_TAG = "senti-mlops.source_run_id";
/** The tag that ties a pushed model version to its source version. */
export const SOURCE_VERSION_TAG = "senti-mlops.source_version";

/**
 * What {@link pushTracking} reports as it goes: the step just finished, and how many of all steps
 * (runs and model versions) are done.
 *
 * @example
 * ```ts
 * const onProgress = (p: PushProgress) => progressBar.value = p.done / p.total;
 * ```
 */
export interface PushProgress {
  readonly done: number;
  readonly total: number;
  /** e.g. `run "tfidf-C4" of experiment "reviews"` or `version 3 of model "sentiment"`. */
  readonly step: string;
}

/**
 * Options of {@link pushTracking}.
 *
 * @example
 * ```ts
 * await pushTracking(local, server, { experimentNames: ["reviews"], onProgress: console.log });
 * ```
 */
export interface PushOptions {
  /** Only these experiments (by name). @default every active experiment */
  experimentNames?: readonly string[];
  /** Push registered models, versions and aliases too. @default true */
  registry?: boolean;
  /** Called after each run and each model version. */
  onProgress?: (progress: PushProgress) => void;
  /** Stops the push between two steps (rejecting with `CANCELLED`); a later push resumes. */
  signal?: AbortSignal;
}

/**
 * What a push did. Counts of things created or sent in this push; things already in the target
 * are not counted again.
 *
 * @example
 * ```ts
 * const report = await pushTracking(local, server);
 * report.runs.created; // 3 the first time, 0 the second
 * ```
 */
export interface PushReport {
  experiments: { created: number; matched: number };
  runs: { created: number; matched: number };
  params: number;
  tags: number;
  metrics: number;
  artifacts: number;
  registeredModels: { created: number; matched: number };
  modelVersions: { created: number; matched: number };
  aliases: number;
  /** Source run id → target run id, for every pushed run. */
  runIds: Record<string, string>;
}

/** MLflow's per-request limits of log_batch. */
const BATCH_METRICS = 1000;
const BATCH_PARAMS = 100;
const BATCH_TAGS = 100;

async function collect<T>(page: (token?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    items.push(...p.items);
    token = p.nextPageToken;
  } while (token);
  return items;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Every file under `store`'s root: path → size. */
async function listFiles(store: ArtifactStore): Promise<Map<string, number | null>> {
  const files = new Map<string, number | null>();
  const walk = async (path?: string): Promise<void> => {
    for (const info of await store.listArtifacts(path)) {
      if (info.isDir) await walk(info.path);
      else files.set(info.path, info.fileSize);
    }
  };
  await walk();
  return files;
}

const pointKey = (m: Metric): string => `${m.step}|${m.timestamp}|${Object.is(m.value, -0) ? 0 : m.value}`;
const quote = (value: string): string => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/**
 * Copies `source`'s experiments, runs and registry into `target` (see the module comment for what
 * makes it idempotent and resumable), and reports what it sent.
 *
 * A run already in the target with a different value for one of its params fails the push with
 * `INVALID_PARAMETER_VALUE` (MLflow never changes a param); deleted runs and experiments are not
 * pushed. A model version's `source` inside its run's artifacts is rewritten to the pushed run's
 * artifacts, `runs:/<id>/…` to the pushed run's id.
 *
 * @example
 * ```ts
 * const local = await createTracking("indexeddb://sentiment");
 * const server = await createTracking("http://127.0.0.1:5000");
 * const report = await pushTracking(local, server, { onProgress: (p) => console.log(`${p.done}/${p.total} ${p.step}`) });
 * ```
 */
export async function pushTracking(source: Tracking, target: Tracking, options: PushOptions = {}): Promise<PushReport> {
  const report: PushReport = {
    experiments: { created: 0, matched: 0 },
    runs: { created: 0, matched: 0 },
    params: 0,
    tags: 0,
    metrics: 0,
    artifacts: 0,
    registeredModels: { created: 0, matched: 0 },
    modelVersions: { created: 0, matched: 0 },
    aliases: 0,
    runIds: {},
  };
  const checkAbort = (): void => {
    if (options.signal?.aborted) {
      throw new SentiMlopsError("CANCELLED", "the push was cancelled; pushing again resumes it", { cause: options.signal.reason, component: "tracking" });
    }
  };

  // What to push, listed first so that progress has a total.
  const wanted = options.experimentNames ? new Set(options.experimentNames) : undefined;
  const experiments = (await collect((pageToken) => source.store.searchExperiments({ maxResults: 1000, ...(pageToken ? { pageToken } : {}) }))).filter(
    (e) => !wanted || wanted.has(e.name),
  );
  if (wanted) {
    const missing = [...wanted].filter((name) => !experiments.some((e) => e.name === name));
    if (missing.length > 0) throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `no active experiment named ${missing.map((n) => JSON.stringify(n)).join(", ")} in ${source.uri}`, { component: "tracking" });
  }
  const runsByExperiment = new Map<Experiment, Run[]>();
  for (const experiment of experiments) {
    const runs = await collect((pageToken) => source.store.searchRuns({ experimentIds: [experiment.experimentId], maxResults: 1000, ...(pageToken ? { pageToken } : {}) }));
    // Parents before children, so that mlflow.parentRunId can name the pushed parent.
    runs.sort((a, b) => a.info.startTime - b.info.startTime);
    runsByExperiment.set(experiment, runs);
  }
  const pushRegistry = options.registry ?? true;
  const models = pushRegistry ? await collect((pageToken) => source.registry.searchRegisteredModels({ maxResults: 1000, ...(pageToken ? { pageToken } : {}) })) : [];
  const versionsByModel = new Map<RegisteredModel, ModelVersion[]>();
  for (const model of models) {
    const versions = await collect((pageToken) => source.registry.searchModelVersions({ filter: `name = ${quote(model.name)}`, ...(pageToken ? { pageToken } : {}) }));
    versionsByModel.set(model, versions.sort((a, b) => Number(a.version) - Number(b.version)));
  }
  const total = [...runsByExperiment.values()].reduce((n, runs) => n + runs.length, 0) + [...versionsByModel.values()].reduce((n, v) => n + v.length, 0);
  let done = 0;
  const progressed = (step: string): void => {
    done++;
    options.onProgress?.({ done, total, step });
  };

  const targetRuns = new Map<string, Run>();
  for (const [experiment, runs] of runsByExperiment) {
    checkAbort();
    const targetExperimentId = await pushExperiment(experiment);
    for (const run of runs) {
      checkAbort();
      const pushed = await pushRun(run, targetExperimentId);
      targetRuns.set(run.info.runId, pushed);
      report.runIds[run.info.runId] = pushed.info.runId;
      progressed(`run ${JSON.stringify(run.info.runName)} of experiment ${JSON.stringify(experiment.name)}`);
    }
  }
  for (const [model, versions] of versionsByModel) {
    checkAbort();
    await pushModel(model, versions);
  }
  return report;

  async function pushExperiment(experiment: Experiment): Promise<string> {
    let found = await target.store.getExperimentByName(experiment.name);
    if (found?.lifecycleStage === "deleted") {
      throw new SentiMlopsError("INVALID_STATE", `experiment ${JSON.stringify(experiment.name)} is deleted in ${target.uri}; restore it there before pushing`, { component: "tracking" });
    }
    if (found) report.experiments.matched++;
    else {
      const id = await target.store.createExperiment(experiment.name);
      found = await target.store.getExperiment(id);
      report.experiments.created++;
    }
    for (const [key, value] of Object.entries(experiment.tags)) {
      if (found.tags[key] !== value) await target.store.setExperimentTag(found.experimentId, key, value);
    }
    return found.experimentId;
  }

  async function findPushedRun(experimentId: string, sourceRunId: string): Promise<Run | undefined> {
    const page = await target.store.searchRuns({ experimentIds: [experimentId], filter: `tags.\`${SOURCE_RUN_TAG}\` = ${quote(sourceRunId)}`, viewType: "ALL", maxResults: 1 });
    return page.items[0];
  }

  /** The source's tags with run ids rewritten to the target's (a nested run's parent). */
  function translatedTags(run: Run): Tag[] {
    return Object.entries(run.data.tags).map(([key, value]) => ({ key, value: key === "mlflow.parentRunId" ? (report.runIds[value] ?? value) : value }));
  }

  async function pushRun(run: Run, experimentId: string): Promise<Run> {
    let pushed = await findPushedRun(experimentId, run.info.runId);
    if (pushed) report.runs.matched++;
    else {
      // The tag that identifies the run is written with the run itself, so an interrupted push finds it.
      pushed = await target.store.createRun({
        experimentId,
        userId: run.info.userId,
        startTime: run.info.startTime,
        runName: run.info.runName,
        tags: [...translatedTags(run), { key: SOURCE_RUN_TAG, value: run.info.runId }],
      });
      report.runs.created++;
    }
    const targetId = pushed.info.runId;

    const params = Object.entries(run.data.params).filter(([key, value]) => {
      const there = pushed.data.params[key];
      if (there !== undefined && there !== value) {
        throw SentiMlopsError.invalidParameterValue(
          `run ${targetId} in ${target.uri} already has param ${JSON.stringify(key)} = ${JSON.stringify(there)}, the source run ${run.info.runId} has ${JSON.stringify(value)}`,
          { component: "tracking" },
        );
      }
      return there === undefined;
    });
    for (const batch of chunks(params, BATCH_PARAMS)) await target.store.logBatch(targetId, { params: batch.map(([key, value]) => ({ key, value })) });
    report.params += params.length;

    const tags = translatedTags(run).filter((t) => pushed.data.tags[t.key] !== t.value);
    for (const batch of chunks(tags, BATCH_TAGS)) await target.store.logBatch(targetId, { tags: batch });
    report.tags += tags.length;

    for (const key of Object.keys(run.data.metrics)) {
      const history = await collect((pageToken) => source.store.getMetricHistory(run.info.runId, key, pageToken ? { pageToken } : {}));
      const there = new Map<string, number>();
      if (key in pushed.data.metrics) {
        for (const m of await collect((pageToken) => target.store.getMetricHistory(targetId, key, pageToken ? { pageToken } : {}))) {
          there.set(pointKey(m), (there.get(pointKey(m)) ?? 0) + 1);
        }
      }
      const missing = history.filter((m) => {
        const left = there.get(pointKey(m)) ?? 0;
        if (left > 0) there.set(pointKey(m), left - 1);
        return left === 0;
      });
      for (const batch of chunks(missing, BATCH_METRICS)) await target.store.logBatch(targetId, { metrics: batch });
      report.metrics += missing.length;
    }

    const inputs = run.inputs.datasetInputs.filter(
      (input) => !pushed.inputs.datasetInputs.some((t) => t.dataset.name === input.dataset.name && t.dataset.digest === input.dataset.digest),
    );
    if (inputs.length > 0) await target.store.logInputs(targetId, inputs);

    report.artifacts += await pushArtifacts(run.info.artifactUri, pushed.info.artifactUri);

    // Last: the run's end, so that a run still RUNNING in the target was not pushed completely.
    if (run.info.status !== pushed.info.status || run.info.endTime !== pushed.info.endTime) {
      await target.store.updateRunInfo(targetId, { status: run.info.status, ...(run.info.endTime !== null ? { endTime: run.info.endTime } : {}) });
    }
    return target.store.getRun(targetId);
  }

  async function pushArtifacts(from: string, to: string): Promise<number> {
    const [src, dst] = await Promise.all([source.openArtifacts(from), target.openArtifacts(to)]);
    try {
      const there = await listFiles(dst);
      let sent = 0;
      for (const [path, size] of await listFiles(src)) {
        if (there.has(path) && there.get(path) === size) continue;
        const bytes = await src.readArtifact(path);
        if (bytes === null) continue; // deleted meanwhile
        await dst.writeArtifact(path, bytes);
        sent++;
      }
      return sent;
    } finally {
      await Promise.allSettled([src.dispose(), dst.dispose()]);
    }
  }

  async function pushModel(model: RegisteredModel, versions: readonly ModelVersion[]): Promise<void> {
    let there: RegisteredModel;
    try {
      there = await target.registry.getRegisteredModel(model.name);
      report.registeredModels.matched++;
    } catch (e) {
      if ((e as { code?: unknown }).code !== "RESOURCE_DOES_NOT_EXIST") throw e;
      there = await target.registry.createRegisteredModel(model.name, { ...(model.description ? { description: model.description } : {}) });
      report.registeredModels.created++;
    }
    for (const [key, value] of Object.entries(model.tags)) {
      if (there.tags[key] !== value) await target.registry.setRegisteredModelTag(model.name, key, value);
    }
    const existing = await collect((pageToken) => target.registry.searchModelVersions({ filter: `name = ${quote(model.name)}`, ...(pageToken ? { pageToken } : {}) }));
    const versionMap = new Map<string, string>();
    for (const version of versions) {
      checkAbort();
      const identity = `${version.runId}|${version.version}|${version.creationTimestamp}`;
      let pushed = existing.find((v) => v.tags[SOURCE_VERSION_TAG] === identity);
      if (pushed) report.modelVersions.matched++;
      else {
        const runId = version.runId ? targetRuns.get(version.runId)?.info.runId : undefined;
        const sourceUri = await sourceInTarget(version);
        pushed = await target.registry.createModelVersion({
          name: model.name,
          source: sourceUri,
          ...(runId ? { runId } : {}),
          ...(version.description ? { description: version.description } : {}),
          tags: [...Object.entries(version.tags).map(([key, value]) => ({ key, value })), { key: SOURCE_VERSION_TAG, value: identity }],
        });
        report.modelVersions.created++;
      }
      for (const [key, value] of Object.entries(version.tags)) {
        if (pushed.tags[key] !== value) await target.registry.setModelVersionTag(model.name, pushed.version, key, value);
      }
      if (version.currentStage !== pushed.currentStage) {
        await target.registry.transitionModelVersionStage(model.name, pushed.version, version.currentStage, false);
      }
      versionMap.set(version.version, pushed.version);
      progressed(`version ${version.version} of model ${JSON.stringify(model.name)}`);
    }
    const current = await target.registry.getRegisteredModel(model.name);
    for (const { alias, version } of model.aliases) {
      const mapped = versionMap.get(version);
      if (mapped === undefined) continue;
      if (!current.aliases.some((a) => a.alias === alias && a.version === mapped)) {
        await target.registry.setRegisteredModelAlias(model.name, alias, mapped);
        report.aliases++;
      }
    }
  }

  /**
   * The version's source as the target knows it: `runs:/<id>/…` with the pushed run's id, a path
   * inside its run's artifacts inside the pushed run's; any other source as it is.
   */
  async function sourceInTarget(version: ModelVersion): Promise<string> {
    const pushedRun = version.runId ? targetRuns.get(version.runId) : undefined;
    if (!pushedRun) return version.source;
    const sourceRun = `runs:/${version.runId}`;
    if (version.source === sourceRun || version.source.startsWith(`${sourceRun}/`)) return `runs:/${pushedRun.info.runId}${version.source.slice(sourceRun.length)}`;
    const original = await source.store.getRun(version.runId).catch(() => undefined);
    const root = original?.info.artifactUri.replace(/\/+$/, "");
    if (root && (version.source === root || version.source.startsWith(`${root}/`))) return `${pushedRun.info.artifactUri.replace(/\/+$/, "")}${version.source.slice(root.length)}`;
    return version.source;
  }
}
