/**
 * Entities shared by the search tests: 20 runs (metrics with NaN and ±Infinity, params, tags,
 * names, statuses, times, datasets), experiments, registered models and model versions; and a
 * loader that writes them into MLflow's SQLite tables (minimal columns) for the SQL tests.
 */
import type { Experiment, Run, RunStatus } from "../../../src/mlflow/tracking-entities.js";
import {
  compareExperiments,
  compareModelVersions,
  compareRegisteredModels,
  compareRuns,
  matchesExperiment,
  matchesModelVersion,
  matchesRegisteredModel,
  matchesRun,
  parseFilter,
  parseOrderBy,
  type ModelVersionSearchEntity,
  type RegisteredModelSearchEntity,
  type SearchKind,
} from "../../../src/mlflow/search/index.js";

/** Run ids are 32 hex characters: r(7) = "0707…07". */
export const rid = (n: number): string => String(n).padStart(2, "0").repeat(16);

interface RunSpec {
  n: number;
  name?: string | null; // null: no mlflow.runName tag (legacy run); the info name is then "legacy-<n>"
  status?: RunStatus;
  start: number;
  end?: number | null;
  user?: string;
  artifactUri?: string;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  datasets?: { name: string; digest: string; context?: string }[];
}

const SPECS: RunSpec[] = [
  { n: 1, name: "tfidf-bigrams", status: "FINISHED", start: 1000, end: 2000, user: "alice", metrics: { acc: 0.91, loss: 0.3 }, params: { model: "tfidf", C: "4" }, tags: { team: "nlp" }, datasets: [{ name: "imdb", digest: "d1", context: "train" }] },
  { n: 2, name: "tfidf-unigrams", status: "FINISHED", start: 1100, end: 2100, user: "alice", metrics: { acc: 0.85, loss: 0.35 }, params: { model: "tfidf", C: "1" }, tags: { team: "nlp" }, datasets: [{ name: "imdb", digest: "d1", context: "train" }, { name: "imdb", digest: "d9", context: "eval" }] },
  { n: 3, name: "bert-tiny", status: "RUNNING", start: 1200, end: null, user: "bob", metrics: { acc: NaN, loss: 0.5 }, params: { model: "bert" }, tags: { team: "NLP" }, datasets: [{ name: "sst2", digest: "d3", context: "train" }] },
  { n: 4, name: "bert-base", status: "FAILED", start: 1300, end: 1400, user: "bob", metrics: { acc: Infinity }, params: { model: "BERT" } },
  { n: 5, name: "baseline", status: "FINISHED", start: 1000, end: 1001, user: "carol", metrics: { acc: -Infinity, loss: NaN }, params: { model: "majority" }, tags: { team: "ml" } },
  { n: 6, name: "empty", status: "KILLED", start: 900, end: 950 },
  { n: 7, name: "Résumé-run", status: "FINISHED", start: 1600, end: 1700, user: "bob", metrics: { acc: 0.5 }, params: { model: "naïve-bayes" }, tags: { note: "it''s" } },
  { n: 8, name: "tfidf_x", status: "FINISHED", start: 1500, end: 1550, user: "alice", metrics: { acc: 0.91 }, params: { model: "tfidf", C: "10" }, tags: { team: "nlp" } },
  { n: 9, name: "TFIDF-upper", status: "FINISHED", start: 1700, end: 1800, user: "Alice", metrics: { acc: 0.7 }, params: { model: "TfIdf" }, tags: { team: "Nlp" } },
  { n: 10, name: "percent%name", status: "FINISHED", start: 1800, end: 1900, metrics: { acc: 0 }, params: { model: "tf%idf" }, tags: { path: "a_b" } },
  { n: 11, name: "svm", status: "FINISHED", start: 1900, end: 1950, user: "", metrics: { acc: -0.5, loss: 1e308 }, params: { model: "svm" }, tags: { empty: "" } },
  { n: 12, name: null, status: "FINISHED", start: 2000, end: 2050, metrics: { acc: 0.6 }, params: { model: "legacy" } },
  { n: 13, name: "spaced keys", status: "FINISHED", start: 2100, end: 2200, metrics: { "val loss": 0.2, acc: 0.8 }, params: { "a-b": "x" }, tags: { "mlflow.source.type": "LOCAL" } },
  { n: 14, name: "two-datasets", status: "FINISHED", start: 2200, end: 2300, metrics: { acc: 0.8 }, datasets: [{ name: "imdb", digest: "d2", context: "eval" }, { name: "yelp", digest: "d5" }] },
  { n: 15, name: "scheduled", status: "SCHEDULED", start: 2000, end: 3000, artifactUri: "s3://bucket/15/artifacts", metrics: { acc: 1 } },
  { n: 16, name: "tie-a", status: "FINISHED", start: 1500, end: 1600, metrics: { acc: 0.91 }, params: { model: "tfidf" } },
  { n: 17, name: "trailing", status: "FINISHED", start: 1400, end: 1450, metrics: { acc: 0.3 }, params: { model: "tfidf" }, tags: { team: "nlp " } },
  { n: 18, name: "epoch", status: "FINISHED", start: 0, end: 0, metrics: { acc: -0 }, params: { model: "" } },
  { n: 19, name: "max", status: "FINISHED", start: 1300, end: 1350, metrics: { acc: Number.MAX_VALUE }, params: { model: "😀" } },
  { n: 20, name: "z-emoji", status: "FINISHED", start: 2500, end: 2600, user: "😀", metrics: { acc: 0.2 }, params: { model: "\uFFFD" }, tags: { team: "😀" } },
];

/** The 20 runs. */
export function makeRuns(): Run[] {
  return SPECS.map((s) => {
    const tags: Record<string, string> = { ...s.tags };
    if (s.name !== null && s.name !== undefined) tags["mlflow.runName"] = s.name;
    return {
      info: {
        runId: rid(s.n),
        runName: s.name ?? `legacy-${s.n}`,
        experimentId: "1",
        userId: s.user ?? "dave",
        status: s.status ?? "FINISHED",
        startTime: s.start,
        endTime: s.end === undefined ? null : s.end,
        artifactUri: s.artifactUri ?? `file:///mlruns/1/${rid(s.n)}/artifacts`,
        lifecycleStage: "active",
      },
      data: { metrics: { ...s.metrics }, params: { ...s.params }, tags },
      inputs: {
        datasetInputs: (s.datasets ?? []).map((d) => ({
          dataset: { name: d.name, digest: d.digest, sourceType: "local", source: `/data/${d.name}` },
          tags: d.context === undefined ? [] : [{ key: "mlflow.data.context", value: d.context }],
        })),
      },
    };
  });
}

/** Experiments, with ids that order differently as text ("10" < "2") and as integers. */
export function makeExperiments(): Experiment[] {
  const e = (id: string, name: string, creationTime: number, lastUpdateTime: number, tags: Record<string, string> = {}): Experiment => ({
    experimentId: id,
    name,
    artifactLocation: `file:///mlruns/${id}`,
    lifecycleStage: "active",
    creationTime,
    lastUpdateTime,
    tags,
  });
  return [
    e("0", "Default", 100, 100),
    e("1", "sentiment", 200, 900, { team: "nlp" }),
    e("2", "sentiment-bert", 300, 400, { team: "NLP", owner: "bob" }),
    e("10", "Sentiment-legacy", 300, 300, { team: "ml" }),
    e("11", "vision", 150, 150, { owner: "" }),
    e("3", "sent_x", 300, 500),
    e("12", "ünïcødé", 50, 60, { team: "nlp" }),
  ];
}

export function makeRegisteredModels(): RegisteredModelSearchEntity[] {
  return [
    { name: "sentiment-tfidf", creationTimestamp: 100, lastUpdatedTimestamp: 500, tags: { team: "nlp" } },
    { name: "sentiment-bert", creationTimestamp: 200, lastUpdatedTimestamp: 500, tags: { team: "NLP", stage: "dev" } },
    { name: "Sentiment-old", creationTimestamp: 50, lastUpdatedTimestamp: null, tags: {} },
    { name: "vision", creationTimestamp: 300, lastUpdatedTimestamp: 700, tags: { team: "cv" } },
    { name: "summarize-prompt", creationTimestamp: 400, lastUpdatedTimestamp: 800, tags: { "mlflow.prompt.is_prompt": "true" } },
    { name: "not-a-prompt", creationTimestamp: 410, lastUpdatedTimestamp: 810, tags: { "mlflow.prompt.is_prompt": "false" } },
  ];
}

export function makeModelVersions(): ModelVersionSearchEntity[] {
  const v = (
    name: string,
    version: number,
    lastUpdatedTimestamp: number | null,
    extra: Partial<ModelVersionSearchEntity> = {},
  ): ModelVersionSearchEntity => ({
    name,
    version,
    runId: rid(version),
    source: `runs:/${rid(version)}/model`,
    creationTimestamp: 100 * version,
    lastUpdatedTimestamp,
    currentStage: "None",
    tags: {},
    ...extra,
  });
  return [
    v("sentiment-tfidf", 1, 500, { tags: { team: "nlp" } }),
    v("sentiment-tfidf", 2, 600, { currentStage: "Production", source: "s3://bucket/model" }),
    v("sentiment-tfidf", 3, 600, { runId: null }),
    v("sentiment-tfidf", 4, 650, { currentStage: "Deleted_Internal" }),
    v("sentiment-bert", 1, 600, { tags: { team: "NLP" } }),
    v("sentiment-bert", 10, null, { source: null }),
    v("summarize-prompt", 1, 900, { tags: { "mlflow.prompt.is_prompt": "true" } }),
    v("Sentiment-old", 2, 50),
  ];
}

/** The minimal subset of MLflow's schema (columns of §3.2.1) that searches read. */
export const SCHEMA = `
CREATE TABLE experiments (experiment_id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(256) NOT NULL, artifact_location VARCHAR(256),
  lifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT, workspace VARCHAR(63) NOT NULL DEFAULT 'default');
CREATE TABLE experiment_tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), experiment_id INTEGER NOT NULL, PRIMARY KEY (key, experiment_id));
CREATE TABLE runs (run_uuid VARCHAR(32) NOT NULL PRIMARY KEY, name VARCHAR(250), source_type VARCHAR(20), source_name VARCHAR(500),
  entry_point_name VARCHAR(50), user_id VARCHAR(256), status VARCHAR(9), start_time BIGINT, end_time BIGINT, source_version VARCHAR(50),
  lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200), experiment_id INTEGER, deleted_time BIGINT);
CREATE TABLE tags (key VARCHAR(250) NOT NULL, value VARCHAR(8000), run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid));
CREATE TABLE params (key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid));
CREATE TABLE latest_metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT, step BIGINT NOT NULL,
  is_nan BOOLEAN NOT NULL, run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid));
CREATE TABLE datasets (dataset_uuid VARCHAR(36) NOT NULL, experiment_id INTEGER NOT NULL, name VARCHAR(500) NOT NULL, digest VARCHAR(36) NOT NULL,
  dataset_source_type VARCHAR(36) NOT NULL, dataset_source TEXT NOT NULL, dataset_schema TEXT, dataset_profile TEXT,
  PRIMARY KEY (experiment_id, name, digest));
CREATE TABLE inputs (input_uuid VARCHAR(36) NOT NULL, source_type VARCHAR(36) NOT NULL, source_id VARCHAR(36) NOT NULL,
  destination_type VARCHAR(36) NOT NULL, destination_id VARCHAR(36) NOT NULL, step BIGINT NOT NULL DEFAULT '0',
  PRIMARY KEY (source_type, source_id, destination_type, destination_id));
CREATE TABLE input_tags (input_uuid VARCHAR(36) NOT NULL, name VARCHAR(255) NOT NULL, value VARCHAR(500) NOT NULL, PRIMARY KEY (input_uuid, name));
CREATE TABLE registered_models (name VARCHAR(256) NOT NULL, creation_time BIGINT, last_updated_time BIGINT, description VARCHAR(5000),
  workspace VARCHAR(63) NOT NULL DEFAULT 'default', PRIMARY KEY (workspace, name));
CREATE TABLE registered_model_tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), name VARCHAR(256) NOT NULL,
  workspace VARCHAR(63) NOT NULL DEFAULT 'default', PRIMARY KEY (workspace, key, name));
CREATE TABLE model_versions (name VARCHAR(256) NOT NULL, version INTEGER NOT NULL, creation_time BIGINT, last_updated_time BIGINT,
  description VARCHAR(5000), user_id VARCHAR(256), current_stage VARCHAR(20), source VARCHAR(500), run_id VARCHAR(32), status VARCHAR(20),
  status_message VARCHAR(500), run_link VARCHAR(500), storage_location VARCHAR(500), workspace VARCHAR(63) NOT NULL DEFAULT 'default',
  PRIMARY KEY (workspace, name, version));
CREATE TABLE model_version_tags (key VARCHAR(250) NOT NULL, value TEXT, name VARCHAR(256) NOT NULL, version INTEGER NOT NULL,
  workspace VARCHAR(63) NOT NULL DEFAULT 'default', PRIMARY KEY (workspace, key, name, version));
`;

/** The structural subset of better-sqlite3 the tests use. */
export interface TestDb {
  exec(sql: string): unknown;
  prepare(sql: string): { run(...params: unknown[]): unknown; all(...params: unknown[]): unknown[] };
}

/** Writes the fixture with MLflow's row conventions (NaN as 0 + is_nan, ±Inf clamped). */
export function loadFixture(db: TestDb): void {
  db.exec(SCHEMA);
  const insert = (table: string, row: Record<string, unknown>): void => {
    const keys = Object.keys(row);
    db.prepare(`INSERT INTO ${table} (${keys.join(", ")}) VALUES (${keys.map(() => "?").join(", ")})`).run(...Object.values(row));
  };
  for (const e of makeExperiments()) {
    insert("experiments", {
      experiment_id: Number(e.experimentId),
      name: e.name,
      artifact_location: e.artifactLocation,
      lifecycle_stage: e.lifecycleStage,
      creation_time: e.creationTime,
      last_update_time: e.lastUpdateTime,
    });
    for (const [key, value] of Object.entries(e.tags)) insert("experiment_tags", { key, value, experiment_id: Number(e.experimentId) });
  }
  let uuid = 0;
  for (const r of makeRuns()) {
    insert("runs", {
      run_uuid: r.info.runId,
      name: r.info.runName,
      source_type: "UNKNOWN",
      source_name: "",
      entry_point_name: "",
      user_id: r.info.userId,
      status: r.info.status,
      start_time: r.info.startTime,
      end_time: r.info.endTime,
      source_version: "",
      lifecycle_stage: r.info.lifecycleStage,
      artifact_uri: r.info.artifactUri,
      experiment_id: Number(r.info.experimentId),
    });
    for (const [key, value] of Object.entries(r.data.tags)) insert("tags", { key, value, run_uuid: r.info.runId });
    for (const [key, value] of Object.entries(r.data.params)) insert("params", { key, value, run_uuid: r.info.runId });
    for (const [key, value] of Object.entries(r.data.metrics)) {
      const nan = Number.isNaN(value);
      const stored = nan ? 0 : value === Infinity ? Number.MAX_VALUE : value === -Infinity ? -Number.MAX_VALUE : value;
      insert("latest_metrics", { key, value: stored, timestamp: 0, step: 0, is_nan: nan ? 1 : 0, run_uuid: r.info.runId });
    }
    for (const input of r.inputs.datasetInputs) {
      const d = input.dataset;
      const found = db.prepare("SELECT dataset_uuid FROM datasets WHERE experiment_id = 1 AND name = ? AND digest = ?").all(d.name, d.digest) as {
        dataset_uuid: string;
      }[];
      const datasetUuid = found[0]?.dataset_uuid ?? `ds-${++uuid}`;
      if (found.length === 0) {
        insert("datasets", { dataset_uuid: datasetUuid, experiment_id: 1, name: d.name, digest: d.digest, dataset_source_type: d.sourceType, dataset_source: d.source });
      }
      const inputUuid = `in-${++uuid}`;
      insert("inputs", { input_uuid: inputUuid, source_type: "DATASET", source_id: datasetUuid, destination_type: "RUN", destination_id: r.info.runId });
      for (const t of input.tags) insert("input_tags", { input_uuid: inputUuid, name: t.key, value: t.value });
    }
  }
  for (const m of makeRegisteredModels()) {
    insert("registered_models", { name: m.name, creation_time: m.creationTimestamp, last_updated_time: m.lastUpdatedTimestamp });
    for (const [key, value] of Object.entries(m.tags)) insert("registered_model_tags", { key, value, name: m.name });
  }
  for (const v of makeModelVersions()) {
    insert("model_versions", {
      name: v.name,
      version: v.version,
      creation_time: v.creationTimestamp,
      last_updated_time: v.lastUpdatedTimestamp,
      current_stage: v.currentStage,
      source: v.source,
      run_id: v.runId,
      status: "READY",
    });
    for (const [key, value] of Object.entries(v.tags)) insert("model_version_tags", { key, value, name: v.name, version: v.version });
  }
}

/**
 * The ids the in-memory evaluator returns for a search over the fixture, in order: run ids,
 * experiment ids, model names, or "name/version" for model versions.
 */
export function evaluatorIds(kind: SearchKind, filter: string, orderBy: readonly string[]): string[] {
  switch (kind) {
    case "runs": {
      const f = parseFilter(filter, kind);
      const o = parseOrderBy(orderBy, kind);
      return makeRuns()
        .filter((r) => matchesRun(r, f))
        .sort((a, b) => compareRuns(a, b, o))
        .map((r) => r.info.runId);
    }
    case "experiments": {
      const f = parseFilter(filter, kind);
      const o = parseOrderBy(orderBy, kind);
      return makeExperiments()
        .filter((e) => matchesExperiment(e, f))
        .sort((a, b) => compareExperiments(a, b, o))
        .map((e) => e.experimentId);
    }
    case "registeredModels": {
      const f = parseFilter(filter, kind);
      const o = parseOrderBy(orderBy, kind);
      return makeRegisteredModels()
        .filter((m) => matchesRegisteredModel(m, f))
        .sort((a, b) => compareRegisteredModels(a, b, o))
        .map((m) => m.name);
    }
    case "modelVersions": {
      const f = parseFilter(filter, kind);
      const o = parseOrderBy(orderBy, kind);
      return makeModelVersions()
        .filter((v) => matchesModelVersion(v, f))
        .sort((a, b) => compareModelVersions(a, b, o))
        .map((v) => `${v.name}/${v.version}`);
    }
  }
}
