/**
 * The SQL store and the real MLflow (test/peers/requirements.txt) on the same SQLite files:
 * (a) a file written here reads back identically through Python's MlflowClient — experiments,
 *     runs, params, tags, latest metrics, full metric histories (steps, NaN, ±Infinity), dataset
 *     inputs — and search_runs / search_experiments return the same ids in the same order;
 * (b) a file written by MlflowClient reads back identically here;
 * and both can write to the same file in turn, and `mlflow server` serves a file written here
 * (through the REST store) while the SQL store keeps writing to it.
 * Needs the .venv that the global setup installs; never skipped.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSentiMlopsError } from "../../src/errors.js";
import { MLFLOW_VERSION } from "../../src/mlflow/sql/mlflow-schema.js";
import type { TrackingStore } from "../../src/mlflow/tracking-store.js";
import { createRestStore } from "../../src/tracking/stores/rest-store.js";
import { openSqlStores } from "../../src/tracking/stores/sql-store.node.js";
import type { Experiment, Metric, Run } from "../../src/mlflow/tracking-entities.js";
import { MLFLOW_QUIET_ENV, startMlflowServer } from "../peers/mlflow-server.js";
import { PROJECT_ROOT, VENV_PYTHON } from "../peers/python-env.js";

const execFileAsync = promisify(execFile);
const PEER = join(PROJECT_ROOT, "test", "peers", "mlflow_interop.py");
const dir = mkdtempSync(join(tmpdir(), "senti-sql-interop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the MLflow peer with `cwd` as working directory (MLflow puts ./mlruns there). */
async function mlflow<T>(cwd: string, args: string[], stdin?: unknown): Promise<T> {
  const child = execFileAsync(VENV_PYTHON, [PEER, ...args], {
    cwd,
    env: { ...process.env, ...MLFLOW_QUIET_ENV },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (stdin !== undefined) {
    child.child.stdin!.end(JSON.stringify(stdin));
  } else {
    child.child.stdin!.end();
  }
  const { stdout } = await child;
  const result = JSON.parse(stdout.trim().split("\n").pop()!) as T & { mlflow: string };
  expect(result.mlflow).toBe(MLFLOW_VERSION);
  return result;
}

// ------------------------------------------------------------------------------------------------
// Both sides in one shape: the peer's JSON (snake_case, NaN/±Infinity spelled out).

type Num = number | "NaN" | "Infinity" | "-Infinity";
const num = (v: number): Num => (Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : v);

interface DumpExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
  tags: Record<string, string>;
}
interface DumpRun {
  info: Record<string, unknown> & { run_id: string };
  data: { metrics: Record<string, Num>; params: Record<string, string>; tags: Record<string, string> };
  inputs: { dataset: Record<string, string | null>; tags: { key: string; value: string }[] }[];
  history: Record<string, { key: string; value: Num; timestamp: number; step: number }[]>;
}
interface Dump {
  experiments: DumpExperiment[];
  search_order: string[];
  runs: DumpRun[];
}

const experimentDump = (e: Experiment): DumpExperiment => ({
  experiment_id: e.experimentId,
  name: e.name,
  artifact_location: e.artifactLocation,
  lifecycle_stage: e.lifecycleStage,
  creation_time: e.creationTime,
  last_update_time: e.lastUpdateTime,
  tags: { ...e.tags },
});

const historyDump = (points: readonly Metric[]) => points.map((m) => ({ key: m.key, value: num(m.value), timestamp: m.timestamp, step: m.step }));

async function runDump(store: TrackingStore, run: Run): Promise<DumpRun> {
  const { info, data } = run;
  const history: DumpRun["history"] = {};
  for (const key of Object.keys(data.metrics).sort()) history[key] = historyDump((await store.getMetricHistory(info.runId, key)).items);
  return {
    info: {
      run_id: info.runId,
      run_name: info.runName,
      experiment_id: info.experimentId,
      user_id: info.userId,
      status: info.status,
      start_time: info.startTime,
      end_time: info.endTime,
      artifact_uri: info.artifactUri,
      lifecycle_stage: info.lifecycleStage,
    },
    data: {
      metrics: Object.fromEntries(Object.entries(data.metrics).map(([k, v]) => [k, num(v)])),
      params: { ...data.params },
      tags: { ...data.tags },
    },
    inputs: run.inputs.datasetInputs.map((d) => ({
      dataset: {
        name: d.dataset.name,
        digest: d.dataset.digest,
        source_type: d.dataset.sourceType,
        source: d.dataset.source,
        schema: d.dataset.schema ?? null,
        profile: d.dataset.profile ?? null,
      },
      tags: d.tags.map((t) => ({ key: t.key, value: t.value })),
    })),
    history,
  };
}

/** What the peer's `dump` reads, read through a TrackingStore. */
async function dumpStore(store: TrackingStore): Promise<Dump> {
  const experiments = (await store.searchExperiments({ viewType: "ALL", maxResults: 50000 })).items;
  const ids = experiments.map((e) => e.experimentId);
  const runs = (await store.searchRuns({ experimentIds: ids, viewType: "ALL", maxResults: 50000 })).items;
  const dumped: DumpRun[] = [];
  for (const r of runs) dumped.push(await runDump(store, await store.getRun(r.info.runId)));
  return { experiments: experiments.map(experimentDump), search_order: runs.map((r) => r.info.runId), runs: dumped };
}

/**
 * For comparison: dataset inputs sorted by (name, digest) and input tags by key — MLflow reads
 * them with an ORDER BY on the run id only, so their order is SQLite's (senti-mlops: as logged).
 */
function comparable(dump: Dump): Dump {
  return {
    experiments: dump.experiments,
    search_order: dump.search_order,
    runs: dump.runs.map((r) => ({
      ...r,
      inputs: [...r.inputs]
        .map((i) => ({ ...i, tags: [...i.tags].sort((a, b) => a.key.localeCompare(b.key)) }))
        .sort((a, b) => `${a.dataset.name}\0${a.dataset.digest}`.localeCompare(`${b.dataset.name}\0${b.dataset.digest}`)),
    })),
  };
}

// ------------------------------------------------------------------------------------------------
// Searches run on both sides.

interface RunSearch {
  experiment_ids: string[];
  filter?: string;
  order_by?: string[];
  view_type?: "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";
  max_results?: number;
}
interface ExperimentSearch {
  filter?: string;
  order_by?: string[];
  view_type?: "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";
}
type SearchResult = string[] | { error: string };

function runSearches(experimentIds: string[]): RunSearch[] {
  const filters = [
    "",
    "metrics.acc > 0.5",
    "metrics.acc <= 0.5",
    "metrics.odd != 0",
    "metrics.odd > 1e308",
    "params.C = '4'",
    "params.C != '4'",
    "tags.model LIKE 'tf%'",
    "tags.model ILIKE 'TF%'",
    "tags.missing IS NULL",
    "attributes.status = 'FINISHED'",
    "attributes.run_name ILIKE '%bert%'",
    "attributes.start_time > 1700000000000",
    "datasets.name = 'imdb'",
    "datasets.context IN ('train', 'eval')",
    "datasets.digest LIKE 'd41%' AND metrics.acc > 0",
    "metrics.acc >",
    "params.C > '4'",
  ];
  const orders: (string[] | undefined)[] = [
    undefined,
    ["metrics.acc DESC"],
    ["metrics.odd"],
    ["params.C"],
    ["tags.model DESC"],
    ["attributes.run_name"],
    ["attributes.end_time DESC", "attributes.status"],
  ];
  const searches: RunSearch[] = [];
  for (const filter of filters) {
    for (const view_type of ["ACTIVE_ONLY", "ALL"] as const) searches.push({ experiment_ids: experimentIds, filter, view_type });
  }
  for (const order_by of orders) searches.push({ experiment_ids: experimentIds, order_by, view_type: "ALL" });
  searches.push({ experiment_ids: experimentIds, view_type: "DELETED_ONLY" });
  searches.push({ experiment_ids: experimentIds, view_type: "ALL", max_results: 2, order_by: ["metrics.acc DESC"] });
  return searches;
}

const EXPERIMENT_SEARCHES: ExperimentSearch[] = [
  {},
  { view_type: "ALL" },
  { view_type: "DELETED_ONLY" },
  { filter: "name LIKE 'py-%' OR 1", view_type: "ALL" },
  { filter: "name ILIKE '%SENTIMENT%'", view_type: "ALL" },
  { filter: "tags.team = 'nlp'", view_type: "ALL" },
  { order_by: ["name"], view_type: "ALL" },
  { order_by: ["last_update_time DESC"], view_type: "ALL" },
  { filter: "creation_time > 0", order_by: ["experiment_id DESC"], view_type: "ALL" },
];

async function oursSearch(store: TrackingStore, runs: RunSearch[], experiments: ExperimentSearch[]): Promise<{ runs: SearchResult[]; experiments: SearchResult[] }> {
  const attempt = async (fn: () => Promise<string[]>): Promise<SearchResult> => {
    try {
      return await fn();
    } catch (e) {
      if (isSentiMlopsError(e)) return { error: e.code };
      throw e;
    }
  };
  const r: SearchResult[] = [];
  for (const s of runs) {
    r.push(
      await attempt(async () =>
        (
          await store.searchRuns({
            experimentIds: s.experiment_ids,
            filter: s.filter,
            orderBy: s.order_by,
            viewType: s.view_type,
            maxResults: s.max_results,
          })
        ).items.map((x) => x.info.runId),
      ),
    );
  }
  const e: SearchResult[] = [];
  for (const s of experiments) {
    e.push(
      await attempt(async () =>
        (await store.searchExperiments({ filter: s.filter, orderBy: s.order_by, viewType: s.view_type, maxResults: 50000 })).items.map(
          (x) => x.experimentId,
        ),
      ),
    );
  }
  return { runs: r, experiments: e };
}

async function expectSameSearches(store: TrackingStore, cwd: string, uri: string): Promise<void> {
  const experimentIds = (await store.searchExperiments({ viewType: "ALL" })).items.map((e) => e.experimentId);
  const runs = runSearches(experimentIds);
  const theirs = await mlflow<{ runs: SearchResult[]; experiments: SearchResult[] }>(cwd, ["search", uri], {
    runs,
    experiments: EXPERIMENT_SEARCHES,
  });
  const ours = await oursSearch(store, runs, EXPERIMENT_SEARCHES);
  runs.forEach((s, i) => expect(ours.runs[i], `search_runs ${JSON.stringify(s)}`).toEqual(theirs.runs[i]));
  EXPERIMENT_SEARCHES.forEach((s, i) => expect(ours.experiments[i], `search_experiments ${JSON.stringify(s)}`).toEqual(theirs.experiments[i]));
  // The searches are not all empty or all failing.
  expect(theirs.runs.filter((r) => Array.isArray(r) && r.length > 0).length).toBeGreaterThan(runs.length / 2);
  expect(theirs.runs.some((r) => !Array.isArray(r))).toBe(true);
}

// ------------------------------------------------------------------------------------------------
const T0 = 1_700_000_000_000;
const MAX = Number.MAX_VALUE;
const point = (key: string, value: number, step: number, timestamp: number): Metric => ({ key, value, step, timestamp });

describe("a file written by the SQL store, read by MLflow", () => {
  const cwd = join(dir, "ours");
  const file = join(cwd, "ours.db");
  const uri = `sqlite:///${file}`;
  let store: TrackingStore;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(cwd, { recursive: true });
    store = (await openSqlStores(uri, { artifactRoot: join(cwd, "mlruns") })).store;
    const sentiment = await store.createExperiment("ts-sentiment", { tags: [{ key: "team", value: "nlp" }] });
    await store.setExperimentTag(sentiment, "owner", "ana");
    const archive = await store.createExperiment("ts-archive", { artifactLocation: "s3://bucket/archive" });
    const renamed = await store.createExperiment("ts-before-rename");
    await store.renameExperiment(renamed, "ts-renamed");
    Object.assign(ids, { sentiment, archive, renamed });

    const tfidf = await store.createRun({ experimentId: sentiment, runName: "tfidf-bigrams", userId: "ana", startTime: T0, tags: [{ key: "model", value: "tfidf" }] });
    ids.tfidf = tfidf.info.runId;
    await store.logBatch(ids.tfidf, {
      params: [{ key: "C", value: "4" }, { key: "ngram_range", value: "1-2" }],
      metrics: [
        ...Array.from({ length: 5 }, (_, i) => point("loss", 1 / (i + 1), i, T0 + i)),
        point("acc", 0.5, 0, T0),
        point("acc", 0.9, 1, T0 + 10),
        point("acc", 0.9, 1, T0 + 10), // an exact duplicate: stored once
        point("acc", 0.7, 1, T0 + 10), // same step and time, smaller value: not the latest
        point("odd", NaN, 0, T0 + 1),
        point("odd", Infinity, 1, T0 + 2),
        point("odd", -Infinity, 2, T0 + 3),
        point("last_nan", 3, 0, T0),
        point("last_nan", NaN, 1, T0),
        point("back_in_time", 1, 5, T0 + 100),
        point("back_in_time", 2, 4, T0 + 999), // a smaller step never becomes the latest
      ],
      tags: [{ key: "stage", value: "train" }],
    });
    // Later batches with older points: history grows, the latest stays (step, timestamp, value decide).
    await store.logBatch(ids.tfidf, { metrics: [point("loss", 9, 0, T0 + 5000)] });
    await store.logBatch(ids.tfidf, { metrics: [point("acc", 0.8, 1, T0 + 10), point("odd", 5, 2, T0 + 2)] });
    await store.logInputs(ids.tfidf, [
      {
        dataset: {
          name: "imdb",
          digest: "d41d8cd9",
          sourceType: "local",
          source: '{"uri": "/data/imdb.csv"}',
          schema: '{"mlflow_colspec": [{"type": "string", "name": "text"}]}',
          profile: '{"num_rows": 50000}',
        },
        tags: [{ key: "mlflow.data.context", value: "train" }],
      },
      { dataset: { name: "sst2", digest: "0cc175b9", sourceType: "http", source: '{"url": "https://x/sst2"}' }, tags: [{ key: "mlflow.data.context", value: "eval" }, { key: "split", value: "test" }] },
    ]);
    await store.updateRunInfo(ids.tfidf, { status: "FINISHED", endTime: T0 + 60_000 });

    const bert = await store.createRun({ experimentId: sentiment, runName: "bert-tiny", userId: "bob", startTime: T0 + 1000 });
    ids.bert = bert.info.runId;
    await store.logInputs(ids.bert, [{ dataset: { name: "imdb", digest: "d41d8cd9", sourceType: "s3", source: "s3://other" }, tags: [] }]);
    await store.logBatch(ids.bert, { metrics: [point("acc", 0.93, 0, T0 + 2000)], tags: [{ key: "mlflow.runName", value: "bert-renamed" }] });
    await store.logBatch(ids.bert, { tags: [{ key: "mlflow.runName", value: "" }] }); // a no-op, as in MLflow
    await store.updateRunInfo(ids.bert, { status: "FAILED" });

    const gone = await store.createRun({ experimentId: sentiment, runName: "deleted-run", startTime: T0 + 500 });
    ids.gone = gone.info.runId;
    await store.logBatch(ids.gone, { metrics: [point("acc", 0.1, 0, T0)] });
    await store.deleteRun(ids.gone);

    const old = await store.createRun({ experimentId: archive, runName: "archived", startTime: T0 - 1000 });
    ids.old = old.info.runId;
    await store.logBatch(ids.old, { params: [{ key: "model", value: "majority" }] });
    await store.deleteExperiment(archive);

    const inDefault = await store.createRun({ experimentId: "0", startTime: T0 + 3000, tags: [{ key: "mlflow.runName", value: "in-default" }] });
    ids.inDefault = inDefault.info.runId;
    await store.logBatch(ids.inDefault, { metrics: [point("acc", 0, 0, T0)] });
    // The store stays open: MLflow reads the file (WAL) while this connection holds it.
  });
  afterAll(async () => {
    await store?.close();
  });

  it("MlflowClient sees the same experiments, runs, params, tags, latest metrics, histories and dataset inputs", async () => {
    const theirs = await mlflow<Dump & { experiment_mismatches: unknown[] }>(cwd, ["dump", uri]);
    expect(theirs.experiment_mismatches).toEqual([]);
    const ours = await dumpStore(store);
    expect(comparable(ours)).toEqual(comparable(theirs));

    // And the values are the ones logged (so that both sides are not wrong the same way).
    const byId = (a: DumpExperiment, b: DumpExperiment) => Number(a.experiment_id) - Number(b.experiment_id);
    expect([...theirs.experiments].sort(byId).map((e) => [e.experiment_id, e.name, e.lifecycle_stage])).toEqual([
      ["0", "Default", "active"],
      [ids.sentiment, "ts-sentiment", "active"],
      [ids.archive, "ts-archive", "deleted"],
      [ids.renamed, "ts-renamed", "active"],
    ]);
    expect(theirs.experiments.find((e) => e.experiment_id === "0")!.artifact_location).toBe(`${join(cwd, "mlruns")}/0`);
    expect(theirs.experiments.find((e) => e.experiment_id === ids.sentiment)!.tags).toEqual({ team: "nlp", owner: "ana" });
    const tfidf = theirs.runs.find((r) => r.info.run_id === ids.tfidf)!;
    expect(tfidf.info).toMatchObject({ run_name: "tfidf-bigrams", user_id: "ana", status: "FINISHED", start_time: T0, end_time: T0 + 60_000 });
    expect(tfidf.info.artifact_uri).toBe(`${join(cwd, "mlruns")}/${ids.sentiment}/${ids.tfidf}/artifacts`);
    expect(tfidf.data.metrics).toEqual({ loss: 0.2, acc: 0.9, odd: -MAX, last_nan: "NaN", back_in_time: 1 });
    expect(tfidf.data.params).toEqual({ C: "4", ngram_range: "1-2" });
    expect(tfidf.data.tags).toEqual({ "mlflow.runName": "tfidf-bigrams", model: "tfidf", stage: "train" });
    expect(tfidf.history.odd).toEqual([
      { key: "odd", value: "NaN", timestamp: T0 + 1, step: 0 },
      { key: "odd", value: MAX, timestamp: T0 + 2, step: 1 },
      { key: "odd", value: 5, timestamp: T0 + 2, step: 2 },
      { key: "odd", value: -MAX, timestamp: T0 + 3, step: 2 },
    ]);
    expect(tfidf.history.acc!.map((p) => [p.step, p.value])).toEqual([
      [0, 0.5],
      [1, 0.7],
      [1, 0.8],
      [1, 0.9],
    ]);
    expect(tfidf.history.loss!.map((p) => p.value)).toEqual([1, 0.5, 1 / 3, 0.25, 0.2, 9]);
    const bert = theirs.runs.find((r) => r.info.run_id === ids.bert)!;
    expect(bert.info).toMatchObject({ run_name: "bert-renamed", status: "FAILED", end_time: null });
    // The experiment's imdb dataset row is shared: bert sees it as tfidf logged it.
    expect(bert.inputs).toEqual([{ dataset: tfidf.inputs.find((i) => i.dataset.name === "imdb")!.dataset, tags: [] }]);
    expect(theirs.runs.find((r) => r.info.run_id === ids.gone)!.info.lifecycle_stage).toBe("deleted");
    expect(theirs.runs.find((r) => r.info.run_id === ids.inDefault)!.info.run_name).toBe("in-default");
  });

  it("search_runs and search_experiments return the same ids in the same order (filters, order_by, view types, errors)", async () => {
    await expectSameSearches(store, cwd, uri);
  });

  it("MLflow can keep writing to it: its writes (latest metrics included) read back here as MlflowClient reads them", async () => {
    const theirs = await mlflow<{ run: DumpRun }>(cwd, ["log-more", uri, ids.tfidf!]);
    const ours = await runDump(store, await store.getRun(ids.tfidf!));
    expect(comparable({ experiments: [], search_order: [], runs: [ours] })).toEqual(comparable({ experiments: [], search_order: [], runs: [theirs.run] }));
    expect(ours.data.metrics.acc).toBe(0.99);
    expect(ours.data.metrics.py_only).toBe("NaN");
    expect(ours.data.params.py_param).toBe("yes");
    // And this store's next write after MLflow's keeps latest_metrics right.
    await store.logBatch(ids.tfidf!, { metrics: [point("acc", 0.5, 100, 1_800_000_000_001)] });
    expect((await store.getRun(ids.tfidf!)).data.metrics.acc).toBe(0.5);
    const again = await mlflow<Dump>(cwd, ["dump", uri]);
    expect(again.runs.find((r) => r.info.run_id === ids.tfidf)!.data.metrics.acc).toBe(0.5);
  });
});

describe("a file written by MLflow, read by the SQL store", () => {
  const cwd = join(dir, "theirs");
  const file = join(cwd, "py.db");
  const uri = `sqlite:///${file}`;
  let store: TrackingStore;
  let written: { experiments: Record<string, string>; runs: Record<string, string> };

  beforeAll(async () => {
    mkdirSync(cwd, { recursive: true });
    written = await mlflow(cwd, ["write", uri]);
    store = (await openSqlStores(uri)).store;
  });
  afterAll(async () => {
    await store?.close();
  });

  it("reads the same experiments, runs, params, tags, latest metrics, histories and dataset inputs as MlflowClient", async () => {
    const theirs = await mlflow<Dump & { experiment_mismatches: unknown[] }>(cwd, ["dump", uri]);
    const ours = await dumpStore(store);
    expect(comparable(ours)).toEqual(comparable(theirs));
    expect(ours.runs).toHaveLength(5);

    // MLflow ignored the empty mlflow.runName it was given after the rename.
    expect(ours.runs.find((r) => r.info.run_id === written.runs.bert)!.info.run_name).toBe("bert-renamed");
    expect(ours.runs.find((r) => r.info.run_id === written.runs.bert)!.data.tags["mlflow.runName"]).toBe("bert-renamed");
    const tfidf = ours.runs.find((r) => r.info.run_id === written.runs.tfidf)!;
    expect(tfidf.data.metrics).toEqual({ loss: 0.2, acc: 0.9, odd: -MAX, last_nan: "NaN" });
    expect(tfidf.history.odd!.map((p) => p.value)).toEqual(["NaN", MAX, -MAX]);
    expect(tfidf.info).toMatchObject({ user_id: "ana", status: "FINISHED", end_time: T0 + 60_000 });
    expect(tfidf.inputs.map((i) => [i.dataset.name, i.tags.map((t) => t.value).sort()])).toEqual(
      expect.arrayContaining([
        ["imdb", ["train"]],
        ["sst2", ["eval", "test"]],
      ]),
    );
    const run = await store.getRun(written.runs.tfidf!);
    expect(run.inputs.datasetInputs.find((d) => d.dataset.name === "sst2")!.dataset).toEqual({
      name: "sst2",
      digest: "0cc175b9",
      sourceType: "http",
      source: '{"url": "https://x/sst2"}',
    });
    expect((await store.getExperimentByName("py-archive"))?.lifecycleStage).toBe("deleted");
  });

  it("search_runs and search_experiments return the same ids in the same order", async () => {
    await expectSameSearches(store, cwd, uri);
  });

  it("the SQL store can write to MLflow's file, and MlflowClient reads the result", async () => {
    const runId = written.runs.bert!;
    await store.logBatch(runId, {
      metrics: [point("acc", 0.95, 1, T0 + 5000), point("loss", NaN, 0, T0)],
      params: [{ key: "lr", value: "3e-5" }],
      tags: [{ key: "mlflow.runName", value: "bert-from-ts" }],
    });
    const created = await store.createRun({ experimentId: written.experiments.sentiment!, runName: "from-ts", startTime: T0 + 9000 });
    const theirs = await mlflow<Dump>(cwd, ["dump", uri]);
    const ours = await dumpStore(store);
    expect(comparable(ours)).toEqual(comparable(theirs));
    const bert = theirs.runs.find((r) => r.info.run_id === runId)!;
    expect(bert.info.run_name).toBe("bert-from-ts");
    expect(bert.data.metrics).toEqual({ acc: 0.95, loss: "NaN" });
    expect(theirs.search_order[0]).toBe(created.info.runId);
  });
});

describe("mlflow server on a file written by the SQL store", () => {
  it("starts, and serves what the SQL store wrote while the SQL store keeps writing to the file", async () => {
    const cwd = join(dir, "server");
    mkdirSync(cwd, { recursive: true });
    const file = join(cwd, "served.db");
    const store = (await openSqlStores(file, { artifactRoot: "mlflow-artifacts:/" })).store;
    const exp = await store.createExperiment("served", { tags: [{ key: "team", value: "nlp" }] });
    const run = await store.createRun({ experimentId: exp, runName: "served-run", startTime: T0 });
    const runId = run.info.runId;
    await store.logBatch(runId, {
      metrics: [point("acc", 0.5, 0, T0), point("acc", NaN, 1, T0 + 1), point("loss", Infinity, 0, T0)],
      params: [{ key: "C", value: "4" }],
    });
    await store.logInputs(runId, [{ dataset: { name: "imdb", digest: "abc", sourceType: "local", source: "{}" }, tags: [{ key: "mlflow.data.context", value: "train" }] }]);

    const server = await startMlflowServer({ backendStoreUri: `sqlite:///${file}` });
    const rest = createRestStore(server.url);
    try {
      expect(await rest.getExperiment(exp)).toEqual(await store.getExperiment(exp));
      expect(await rest.getExperiment("0")).toEqual(await store.getExperiment("0"));
      expect(await rest.getRun(runId)).toEqual(await store.getRun(runId));
      expect((await rest.getMetricHistory(runId, "acc")).items).toEqual((await store.getMetricHistory(runId, "acc")).items);
      expect((await rest.searchRuns({ experimentIds: [exp], filter: "params.C = '4'" })).items).toEqual(
        (await store.searchRuns({ experimentIds: [exp], filter: "params.C = '4'" })).items,
      );

      // Both write to the file in turn; each sees the other's writes.
      await rest.logBatch(runId, { metrics: [point("acc", 0.8, 2, T0 + 2)], tags: [{ key: "via", value: "rest" }] });
      expect((await store.getRun(runId)).data).toMatchObject({ metrics: { acc: 0.8 }, tags: { via: "rest" } });
      await store.logBatch(runId, { metrics: [point("acc", 0.9, 3, T0 + 3)], tags: [{ key: "via", value: "sql" }] });
      expect((await rest.getRun(runId)).data).toMatchObject({ metrics: { acc: 0.9 }, tags: { via: "sql" } });
      const viaRest = await rest.createRun({ experimentId: exp, runName: "made-by-server", startTime: T0 + 10 });
      expect(await store.getRun(viaRest.info.runId)).toEqual(await rest.getRun(viaRest.info.runId));
      expect((await rest.getMetricHistory(runId, "acc")).items.map((p) => p.value)).toEqual([0.5, NaN, 0.8, 0.9]);
    } finally {
      await rest.close();
      await server.stop();
      await store.close();
    }
  });
});
