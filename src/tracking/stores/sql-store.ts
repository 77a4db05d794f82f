/**
 * The tracking store on MLflow's own SQL schema (the tables `mlflow server` creates), through the
 * structural {@link SqlDatabase} type, so that a file written here opens in `mlflow server`,
 * `mlflow ui` and Python's `MlflowClient`, and a file MLflow wrote reads back here unchanged.
 *
 * The rows are the ones MLflow's `SqlAlchemyStore` writes (`mlflow/store/tracking/sqlalchemy_store.py`):
 * integer experiment ids (SQLite rowids, Default = 0), `uuid4().hex` run, dataset and input ids,
 * `runs.source_type = 'UNKNOWN'`, epoch-ms times, soft deletes with `runs.deleted_time`, NaN
 * metrics as `value = 0, is_nan = 1`, ±Infinity clamped to ±1.7976931348623157e308, and
 * `latest_metrics` kept up to date (runs and searches read metrics from it only). The observable
 * semantics and error codes are those of the memory store.
 *
 * This module imports no `node:*` module (a browser build may pair it with a WASM SQLite);
 * `openSqlStores` (in `sql-store.node.ts`) opens a file with better-sqlite3.
 *
 * @module
 */
import { createSqlTransactions } from "../../mlflow/sql/transactions.js";
import { isSentiMlopsError, SentiMlopsError } from "../../errors.js";
import { decodePageToken, encodePageToken } from "../../mlflow/page-token.js";
import { generateRunName, newRunId } from "../../mlflow/run-name.js";
import { compileSearchSql, parseFilter, parseOrderBy, SQLITE_SEARCH_PRAGMA } from "../../mlflow/search/index.js";
import { ensureMlflowSchema } from "../../mlflow/sql/schema.js";
import type { SqlDatabase, SqlStatement } from "../../mlflow/sql/sql-database.js";
import type { LogBatch, RunInfoUpdate, SearchExperimentsOptions, SearchRunsOptions, TrackingStore } from "../../mlflow/tracking-store.js";
import type { DatasetInput, Experiment, LifecycleStage, Metric, Page, Run, RunInfo, RunStatus, Tag, ViewType } from "../../mlflow/tracking-entities.js";
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
import { isNewerMetric, sanitizeMetricValue } from "./memory-store.js";

/** Options of {@link createSqlStore}. */
export interface SqlStoreOptions {
  /**
   * Where experiments' artifacts go when no location is given (`<root>/<experiment id>`), MLflow's
   * `--default-artifact-root`. `openSqlStores` defaults it to `./mlruns` made absolute, as MLflow's
   * Python client does for a `sqlite:///` tracking URI.
   * @default "mlflow-artifacts:/" (what `mlflow server` uses: artifacts served by the tracking server)
   */
  artifactRoot?: string;
  /** The clock, in epoch ms. @default Date.now */
  now?: () => number;
  /** What {@link TrackingStore.uri} says, e.g. `sqlite:///mlflow.db`. @default "sqlite:" */
  uri?: string;
  /**
   * Makes a relative local artifact location absolute, as MLflow's `resolve_uri_if_local` does
   * (applied to `artifactRoot` and to `createExperiment`'s `artifactLocation`). `openSqlStores`
   * passes one based on the working directory.
   * @default leaves locations as they are
   */
  resolveArtifactLocation?: (location: string) => string;
  /** Whether {@link TrackingStore.close} closes `db` too. @default true */
  closeDatabase?: boolean;
}

const RUN_NAME_TAG = "mlflow.runName";

const notFound = (message: string): SentiMlopsError => new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", message, { component: "tracking" });
const invalid = (message: string): SentiMlopsError => SentiMlopsError.invalidParameterValue(message, { component: "tracking" });

/** MLflow's `append_to_uri_path` for the cases that occur here: one `/` between parts. */
function joinUri(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ""), ...parts].join("/");
}

// SQLite result codes that Python's sqlite3 module raises as OperationalError, which MLflow's
// session maker turns into TEMPORARILY_UNAVAILABLE (mlflow/store/db/utils.py, make_managed_session).
const OPERATIONAL = /^SQLITE_(BUSY|LOCKED|READONLY|INTERRUPT|IOERR|FULL|CANTOPEN|PROTOCOL|SCHEMA|ERROR|PERM|ABORT|NOLFS|AUTH)(_|$)/;
// ... and as IntegrityError (other SQLAlchemy errors): BAD_REQUEST.
const INTEGRITY = /^SQLITE_(CONSTRAINT|MISMATCH)(_|$)/;

/** A database error as MLflow's SQL store reports it. */
function toStoreError(e: unknown): unknown {
  if (isSentiMlopsError(e)) return e;
  const code = typeof (e as { code?: unknown } | null)?.code === "string" ? (e as { code: string }).code : "";
  const message = e instanceof Error ? e.message : String(e);
  if (OPERATIONAL.test(code)) {
    return new SentiMlopsError("TEMPORARILY_UNAVAILABLE", `SQLite error (${code}): ${message}`, { cause: e, component: "tracking" });
  }
  if (INTEGRITY.test(code)) return new SentiMlopsError("BAD_REQUEST", `SQLite error (${code}): ${message}`, { cause: e, component: "tracking" });
  return new SentiMlopsError("INTERNAL_ERROR", code ? `SQLite error (${code}): ${message}` : `SQL store error: ${message}`, { cause: e, component: "tracking" });
}

interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string | null;
  lifecycle_stage: string | null;
  creation_time: number | null;
  last_update_time: number | null;
}

interface RunRow {
  run_uuid: string;
  name: string | null;
  user_id: string | null;
  status: string | null;
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: string | null;
  artifact_uri: string | null;
  experiment_id: number;
}

interface MetricRow {
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}

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

const STAGES: Readonly<Record<ViewType, readonly LifecycleStage[]>> = {
  ACTIVE_ONLY: ["active"],
  DELETED_ONLY: ["deleted"],
  ALL: ["active", "deleted"],
};

function stagesOf(view: ViewType | undefined): string {
  const stages = STAGES[view ?? "ACTIVE_ONLY"];
  if (!stages) throw invalid(`Invalid view type '${String(view)}'; expected ACTIVE_ONLY, DELETED_ONLY or ALL`);
  return JSON.stringify(stages);
}

/** A prepared-statement cache for the SQL text of searches (one entry per filter/order-by shape). */
function statementCache(db: SqlDatabase, capacity = 64): (sql: string) => SqlStatement {
  const cache = new Map<string, SqlStatement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (stmt) {
      cache.delete(sql); // re-inserted below: most recently used last
    } else {
      stmt = db.prepare(sql);
      if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, stmt);
    return stmt;
  };
}

/**
 * Creates a tracking store on `db`, which holds (or receives) MLflow's schema: an empty database
 * gets the pinned MLflow version's tables (`ensureMlflowSchema`), a database stamped with another
 * alembic revision is refused with `INVALID_STATE`. Like MLflow's store, it adds the Default
 * experiment (id 0) when it is missing.
 *
 * Every write is one short transaction (`BEGIN IMMEDIATE` where the driver offers it); a database
 * still locked by another process after the connection's busy timeout gives
 * `TEMPORARILY_UNAVAILABLE`, as MLflow reports it.
 *
 * @example
 * ```ts
 * import Database from "better-sqlite3";
 * const store = await createSqlStore(new Database("mlflow.db"), { artifactRoot: "s3://bucket/mlflow" });
 * const id = await store.createExperiment("sentiment");
 * const run = await store.createRun({ experimentId: id, runName: "tfidf" });
 * await store.logBatch(run.info.runId, { metrics: [{ key: "acc", value: 0.91, timestamp: Date.now(), step: 0 }] });
 * await store.close();
 * ```
 */
export async function createSqlStore(db: SqlDatabase, options: SqlStoreOptions = {}): Promise<TrackingStore> {
  const now = options.now ?? Date.now;
  const resolveLocation = options.resolveArtifactLocation ?? ((location: string) => location);
  const artifactRoot = resolveLocation(options.artifactRoot ?? "mlflow-artifacts:/");
  const closeDatabase = options.closeDatabase ?? true;
  let closed = false;

  try {
    // MLflow runs these on every session (mlflow/store/db/utils.py); compiled LIKE filters need the second.
    db.exec("PRAGMA foreign_keys = ON");
    db.exec(SQLITE_SEARCH_PRAGMA);
    ensureMlflowSchema(db);
  } catch (e) {
    throw toStoreError(e);
  }

  const prepare = (sql: string): SqlStatement => db.prepare(sql);
  const s = {
    experimentById: prepare("SELECT * FROM experiments WHERE experiment_id = ?"),
    experimentByName: prepare("SELECT * FROM experiments WHERE name = ?"),
    experimentIdByName: prepare("SELECT experiment_id FROM experiments WHERE name = ?"),
    experimentTags: prepare(
      "SELECT experiment_id AS owner, key, value FROM experiment_tags WHERE experiment_id IN (SELECT value FROM json_each(?))",
    ),
    insertDefaultExperiment: prepare(
      "INSERT OR IGNORE INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time, workspace) " +
        "VALUES (0, 'Default', ?, 'active', ?, ?, 'default')",
    ),
    insertExperiment: prepare(
      "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time, workspace) " +
        "VALUES (?, ?, 'active', ?, ?, 'default')",
    ),
    setExperimentLocation: prepare("UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?"),
    renameExperiment: prepare("UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?"),
    setExperimentStage: prepare("UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?"),
    setExperimentRunsStage: prepare("UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?"),
    upsertExperimentTag: prepare(
      "INSERT INTO experiment_tags (key, value, experiment_id) VALUES (?, ?, ?) ON CONFLICT (key, experiment_id) DO UPDATE SET value = excluded.value",
    ),
    deleteExperimentTag: prepare("DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?"),

    insertRun: prepare(
      "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, " +
        "source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time) " +
        "VALUES (?, ?, 'UNKNOWN', '', '', ?, 'RUNNING', ?, NULL, '', 'active', ?, ?, NULL)",
    ),
    runById: prepare("SELECT * FROM runs WHERE run_uuid = ?"),
    runStage: prepare("SELECT lifecycle_stage, experiment_id FROM runs WHERE run_uuid = ?"),
    setRunStatus: prepare("UPDATE runs SET status = ? WHERE run_uuid = ?"),
    setRunEndTime: prepare("UPDATE runs SET end_time = ? WHERE run_uuid = ?"),
    setRunName: prepare("UPDATE runs SET name = ? WHERE run_uuid = ?"),
    setRunStage: prepare("UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?"),

    upsertTag: prepare(
      "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?) ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value",
    ),
    deleteTag: prepare("DELETE FROM tags WHERE run_uuid = ? AND key = ?"),
    paramValue: prepare("SELECT value FROM params WHERE run_uuid = ? AND key = ?"),
    insertParam: prepare("INSERT OR IGNORE INTO params (key, value, run_uuid) VALUES (?, ?, ?)"),
    insertMetric: prepare("INSERT OR IGNORE INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)"),
    latestMetric: prepare("SELECT value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid = ? AND key = ?"),
    upsertLatestMetric: prepare(
      "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan",
    ),
    metricHistory: prepare(
      // rowid last: points equal in (timestamp, step, value) keep the order they were logged in.
      "SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY timestamp, step, value, rowid LIMIT ? OFFSET ?",
    ),

    runsLatestMetrics: prepare("SELECT run_uuid, key, value, is_nan FROM latest_metrics WHERE run_uuid IN (SELECT value FROM json_each(?))"),
    runsParams: prepare("SELECT run_uuid AS owner, key, value FROM params WHERE run_uuid IN (SELECT value FROM json_each(?))"),
    runsTags: prepare("SELECT run_uuid AS owner, key, value FROM tags WHERE run_uuid IN (SELECT value FROM json_each(?))"),
    runsInputs: prepare(
      "SELECT i.destination_id AS run_uuid, i.input_uuid, d.name, d.digest, d.dataset_source_type AS source_type, " +
        "d.dataset_source AS source, d.dataset_schema AS schema, d.dataset_profile AS profile, t.name AS tag_name, t.value AS tag_value " +
        "FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id LEFT JOIN input_tags t ON t.input_uuid = i.input_uuid " +
        "WHERE i.destination_type = 'RUN' AND i.destination_id IN (SELECT value FROM json_each(?)) ORDER BY i.rowid, t.rowid",
    ),

    datasetUuid: prepare("SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?"),
    insertDataset: prepare(
      "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source, dataset_schema, dataset_profile) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    inputUuid: prepare(
      "SELECT input_uuid FROM inputs WHERE source_type = 'DATASET' AND source_id = ? AND destination_type = 'RUN' AND destination_id = ?",
    ),
    insertInput: prepare(
      "INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) VALUES (?, 'DATASET', ?, 'RUN', ?, 0)",
    ),
    insertInputTag: prepare("INSERT OR REPLACE INTO input_tags (input_uuid, name, value) VALUES (?, ?, ?)"),
  };
  const searchStatement = statementCache(db);

  const check = (): void => {
    if (closed) throw new SentiMlopsError("INVALID_STATE", "the SQL store is closed", { component: "tracking" });
  };

  const { read, write } = createSqlTransactions(db, check, toStoreError);

  const experimentRow = (experimentId: string, view: ViewType = "ALL"): ExperimentRow => {
    const id = parseExperimentId(experimentId);
    const row = s.experimentById.get(id) as ExperimentRow | undefined;
    const visible = row && (view === "ALL" || (view === "ACTIVE_ONLY" ? row.lifecycle_stage === "active" : row.lifecycle_stage === "deleted"));
    if (!visible) throw notFound(`No Experiment with id=${experimentId} exists`);
    return row;
  };

  const requireActiveExperiment = (row: ExperimentRow, experimentId: string): void => {
    if (row.lifecycle_stage !== "active") {
      throw invalid(`The experiment ${experimentId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
    }
  };

  const runStage = (runId: string): { lifecycle_stage: string; experiment_id: number } => {
    const row = s.runStage.get(runId) as { lifecycle_stage: string; experiment_id: number } | undefined;
    if (!row) throw notFound(`Run with id=${runId} not found`);
    return row;
  };

  const activeRun = (runId: string): { lifecycle_stage: string; experiment_id: number } => {
    const row = runStage(runId);
    if (row.lifecycle_stage !== "active") {
      throw invalid(`The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
    }
    return row;
  };

  const groupKeyValues = (rows: readonly KeyValueRow[]): Map<string, Record<string, string>> => {
    const byOwner = new Map<string, Record<string, string>>();
    for (const r of rows) {
      const owner = String(r.owner);
      let record = byOwner.get(owner);
      if (!record) byOwner.set(owner, (record = {}));
      record[r.key] = r.value ?? "";
    }
    return byOwner;
  };

  const loadExperiments = (rows: readonly ExperimentRow[]): Experiment[] => {
    if (rows.length === 0) return [];
    const tags = groupKeyValues(s.experimentTags.all(JSON.stringify(rows.map((r) => r.experiment_id))) as KeyValueRow[]);
    return rows.map((r) => ({
      experimentId: String(r.experiment_id),
      name: r.name,
      artifactLocation: r.artifact_location ?? "",
      lifecycleStage: (r.lifecycle_stage ?? "active") as LifecycleStage,
      creationTime: r.creation_time ?? 0,
      lastUpdateTime: r.last_update_time ?? 0,
      tags: tags.get(String(r.experiment_id)) ?? {},
    }));
  };

  const toInfo = (r: RunRow, tags?: Readonly<Record<string, string>>): RunInfo => ({
    runId: r.run_uuid,
    // Runs logged by MLflow <= 1.29 have no name column value: MLflow falls back to the tag.
    runName: r.name || tags?.[RUN_NAME_TAG] || "",
    experimentId: String(r.experiment_id),
    userId: r.user_id ?? "",
    status: (r.status ?? "RUNNING") as RunStatus,
    startTime: r.start_time ?? 0,
    endTime: r.end_time ?? null,
    artifactUri: r.artifact_uri ?? "",
    lifecycleStage: (r.lifecycle_stage ?? "active") as LifecycleStage,
  });

  /** Runs with their latest metrics, params, tags and dataset inputs (a few bulk queries for the page). */
  const loadRuns = (rows: readonly RunRow[]): Run[] => {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.run_uuid));
    const metrics = new Map<string, Record<string, number>>();
    for (const m of s.runsLatestMetrics.all(ids) as LatestRow[]) {
      let record = metrics.get(m.run_uuid);
      if (!record) metrics.set(m.run_uuid, (record = {}));
      record[m.key] = m.is_nan ? NaN : m.value;
    }
    const params = groupKeyValues(s.runsParams.all(ids) as KeyValueRow[]);
    const tags = groupKeyValues(s.runsTags.all(ids) as KeyValueRow[]);
    const inputs = new Map<string, DatasetInput[]>();
    let current: { uuid: string; tags: Tag[] } | undefined;
    for (const i of s.runsInputs.all(ids) as InputRow[]) {
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
    return rows.map((r) => {
      const runTags = tags.get(r.run_uuid) ?? {};
      return {
        info: toInfo(r, runTags),
        data: { metrics: metrics.get(r.run_uuid) ?? {}, params: params.get(r.run_uuid) ?? {}, tags: runTags },
        inputs: { datasetInputs: inputs.get(r.run_uuid) ?? [] },
      };
    });
  };

  const getRun = (runId: string): Run => {
    const row = s.runById.get(runId) as RunRow | undefined;
    if (!row) throw notFound(`Run with id=${runId} not found`);
    return loadRuns([row])[0]!;
  };

  /** Upserts a run tag; `mlflow.runName` also renames the run (MLflow: set_tag → update_run_info). */
  const setTag = (runId: string, tag: Tag): void => {
    s.upsertTag.run(tag.key, tag.value, runId);
    if (tag.key === RUN_NAME_TAG) s.setRunName.run(tag.value, runId);
  };

  // MLflow's store adds the Default experiment when it is missing (SqlAlchemyStore._initialize_store_state);
  // looked up first, so that a read-only connection to a complete database works.
  if (read(() => s.experimentById.get(0)) === undefined) {
    write(() => {
      const time = now();
      s.insertDefaultExperiment.run(joinUri(artifactRoot, "0"), time, time); // OR IGNORE: another process may have added it
    });
  }

  const store: TrackingStore = {
    uri: options.uri ?? "sqlite:",

    async createExperiment(name, opts = {}) {
      check();
      validateExperimentName(name);
      const tags = (opts.tags ?? []).map(validateExperimentTag);
      if (opts.artifactLocation?.startsWith("runs:")) {
        throw invalid(`Artifact location cannot be a runs:/ URI. Given: '${opts.artifactLocation}'`);
      }
      const location = opts.artifactLocation ? resolveLocation(opts.artifactLocation) : undefined;
      return write(() => {
        if (s.experimentIdByName.get(name) !== undefined) {
          throw new SentiMlopsError("RESOURCE_ALREADY_EXISTS", `Experiment(name=${name}) already exists.`, { component: "tracking" });
        }
        const time = now();
        // As MLflow: insert without an id (SQLite assigns max(rowid) + 1), then derive the location from it.
        const id = Number(s.insertExperiment.run(name, location ?? null, time, time).lastInsertRowid);
        if (location === undefined) s.setExperimentLocation.run(joinUri(artifactRoot, String(id)), id);
        for (const t of tags) s.upsertExperimentTag.run(t.key, t.value, id);
        return String(id);
      });
    },

    async getExperiment(experimentId) {
      return read(() => loadExperiments([experimentRow(experimentId)])[0]!);
    },

    async getExperimentByName(name) {
      return read(() => {
        const row = s.experimentByName.get(name) as ExperimentRow | undefined;
        return row ? loadExperiments([row])[0]! : null;
      });
    },

    async searchExperiments(opts: SearchExperimentsOptions = {}) {
      check();
      const maxResults = validateMaxResults(opts.maxResults, LIMITS.searchDefaultResults, LIMITS.searchMaxResults);
      const stages = stagesOf(opts.viewType);
      const sql = compileSearchSql(parseFilter(opts.filter, "experiments"), parseOrderBy(opts.orderBy, "experiments"));
      const offset = decodePageToken(opts.pageToken);
      const stmt = searchStatement(
        `SELECT experiments.* FROM experiments WHERE experiments.lifecycle_stage IN (SELECT value FROM json_each(?)) ` +
          `AND (${sql.where}) ORDER BY ${sql.orderBy} LIMIT ? OFFSET ?`,
      );
      return read(() => {
        const rows = stmt.all(stages, ...sql.params, ...sql.orderByParams, maxResults + 1, offset) as ExperimentRow[];
        return page(loadExperiments(rows.slice(0, maxResults)), rows.length > maxResults, offset + maxResults);
      });
    },

    async renameExperiment(experimentId, newName) {
      check();
      validateExperimentName(newName);
      write(() => {
        const row = experimentRow(experimentId);
        if (row.lifecycle_stage !== "active") throw new SentiMlopsError("INVALID_STATE", "Cannot rename a non-active experiment.", { component: "tracking" });
        // As MLflow (sqlalchemy_store.py rename_experiment): no check before the UPDATE; a taken name
        // fails the UNIQUE (workspace, name) constraint, an IntegrityError that MLflow reports as BAD_REQUEST.
        s.renameExperiment.run(newName, now(), row.experiment_id);
      });
    },

    async deleteExperiment(experimentId) {
      write(() => {
        const row = experimentRow(experimentId, "ACTIVE_ONLY");
        const time = now();
        s.setExperimentStage.run("deleted", time, row.experiment_id);
        s.setExperimentRunsStage.run("deleted", time, row.experiment_id);
      });
    },

    async restoreExperiment(experimentId) {
      write(() => {
        const row = experimentRow(experimentId, "DELETED_ONLY");
        s.setExperimentStage.run("active", now(), row.experiment_id);
        s.setExperimentRunsStage.run("active", null, row.experiment_id);
      });
    },

    async setExperimentTag(experimentId, key, value) {
      check();
      const tag = validateExperimentTag({ key, value });
      write(() => {
        const row = experimentRow(experimentId);
        requireActiveExperiment(row, experimentId);
        s.upsertExperimentTag.run(tag.key, tag.value, row.experiment_id);
      });
    },

    async deleteExperimentTag(experimentId, key) {
      write(() => {
        const row = experimentRow(experimentId);
        requireActiveExperiment(row, experimentId);
        if (s.deleteExperimentTag.run(row.experiment_id, key).changes === 0) {
          throw notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
        }
      });
    },

    async createRun(request) {
      check();
      return write(() => {
        const exp = experimentRow(request.experimentId);
        requireActiveExperiment(exp, request.experimentId);
        // MLflow's create_run stores the given tags as they are (no key check, no truncation), unlike
        // logBatch; sqlalchemy_store.py create_run, MLflow 3.17.2.
        const tags = (request.tags ?? []).map((t) => ({ key: String(t.key), value: String(t.value ?? "") }));
        const nameTag = tags.find((t) => t.key === RUN_NAME_TAG)?.value;
        if (request.runName && nameTag && request.runName !== nameTag) {
          throw invalid(
            `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${request.runName}', mlflow.runName='${nameTag}').`,
          );
        }
        const name = request.runName || nameTag || generateRunName();
        if (!nameTag) tags.push({ key: RUN_NAME_TAG, value: name });
        const runId = newRunId();
        const artifactUri = joinUri(exp.artifact_location ?? "", runId, "artifacts");
        s.insertRun.run(runId, name, request.userId ?? "", request.startTime ?? now(), artifactUri, exp.experiment_id);
        for (const t of tags) setTag(runId, t);
        return getRun(runId);
      });
    },

    async getRun(runId) {
      return read(() => getRun(runId));
    },

    async updateRunInfo(runId, update: RunInfoUpdate) {
      return write(() => {
        activeRun(runId);
        if (update.status !== undefined) s.setRunStatus.run(update.status, runId);
        if (update.endTime !== undefined) s.setRunEndTime.run(update.endTime, runId);
        if (update.runName) setTag(runId, { key: RUN_NAME_TAG, value: update.runName });
        const row = s.runById.get(runId) as RunRow;
        return toInfo(row);
      });
    },

    async deleteRun(runId) {
      write(() => {
        runStage(runId);
        s.setRunStage.run("deleted", now(), runId);
      });
    },

    async restoreRun(runId) {
      write(() => {
        runStage(runId);
        s.setRunStage.run("active", null, runId);
      });
    },

    async logBatch(runId, batch: LogBatch) {
      check();
      validateRunId(runId); // sqlalchemy_store.py log_batch: before the run is looked up
      const { metrics, params, tags } = validateBatch(batch);
      write(() => {
        activeRun(runId);
        // Check every param before writing anything: a batch is applied whole or not at all.
        for (const p of params) {
          const old = s.paramValue.get(runId, p.key) as { value: string } | undefined;
          if (old !== undefined && old.value !== p.value) {
            throw invalid(
              `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old.value}' for run ID='${runId}'. Attempted logging new value '${p.value}'.`,
            );
          }
        }
        for (const p of params) s.insertParam.run(p.key, p.value, runId);
        if (metrics.length > 0) logMetrics(runId, metrics);
        for (const t of tags) {
          // An empty mlflow.runName changes nothing in MLflow (sqlalchemy_store.py:2191-2193 → :1265 `if run_name:`).
          if (t.key === RUN_NAME_TAG && t.value === "") continue;
          setTag(runId, t);
        }
      });
    },

    async deleteTag(runId, key) {
      write(() => {
        activeRun(runId);
        if (s.deleteTag.run(runId, key).changes === 0) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
      });
    },

    async getMetricHistory(runId, key, opts = {}) {
      // As MLflow's SQL store, the metrics table is read without looking the run up: an unknown run has no history.
      return read(() => {
        const offset = decodePageToken(opts.pageToken);
        const limit = opts.maxResults === undefined ? -1 : opts.maxResults + 1;
        const rows = s.metricHistory.all(runId, key, limit, offset) as MetricRow[];
        const more = opts.maxResults !== undefined && rows.length > opts.maxResults;
        const points: Metric[] = (more ? rows.slice(0, opts.maxResults) : rows).map((r) => ({
          key,
          value: r.is_nan ? NaN : r.value,
          timestamp: r.timestamp,
          step: r.step,
        }));
        return page(points, more, offset + (opts.maxResults ?? 0));
      });
    },

    async searchRuns(opts: SearchRunsOptions) {
      check();
      const maxResults = validateMaxResults(opts.maxResults, LIMITS.searchDefaultResults, LIMITS.searchMaxResults);
      const ids = JSON.stringify(opts.experimentIds.map((id) => parseExperimentId(id)));
      const stages = stagesOf(opts.viewType);
      const sql = compileSearchSql(parseFilter(opts.filter, "runs"), parseOrderBy(opts.orderBy, "runs"));
      const offset = decodePageToken(opts.pageToken);
      const stmt = searchStatement(
        `SELECT runs.* FROM runs WHERE runs.experiment_id IN (SELECT value FROM json_each(?)) ` +
          `AND runs.lifecycle_stage IN (SELECT value FROM json_each(?)) AND (${sql.where}) ORDER BY ${sql.orderBy} LIMIT ? OFFSET ?`,
      );
      return read(() => {
        const rows = stmt.all(ids, stages, ...sql.params, ...sql.orderByParams, maxResults + 1, offset) as RunRow[];
        return page(loadRuns(rows.slice(0, maxResults)), rows.length > maxResults, offset + maxResults);
      });
    },

    async logInputs(runId, datasets) {
      check();
      validateRunId(runId); // sqlalchemy_store.py log_inputs
      write(() => {
        const run = activeRun(runId);
        validateDatasetInputs(datasets);
        // As MLflow's _log_inputs_impl: one datasets row per (experiment, name, digest), reused by
        // every run of the experiment; one inputs row (with its tags) per (dataset, run).
        for (const input of datasets) {
          const d = input.dataset;
          let datasetUuid = (s.datasetUuid.get(run.experiment_id, d.name, d.digest) as { dataset_uuid: string } | undefined)
            ?.dataset_uuid;
          if (datasetUuid === undefined) {
            datasetUuid = newRunId();
            s.insertDataset.run(datasetUuid, run.experiment_id, d.name, d.digest, d.sourceType, d.source, d.schema ?? null, d.profile ?? null);
          }
          if (s.inputUuid.get(datasetUuid, runId) !== undefined) continue;
          const inputUuid = newRunId();
          s.insertInput.run(inputUuid, datasetUuid, runId);
          for (const t of input.tags) s.insertInputTag.run(inputUuid, t.key, t.value);
        }
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      if (closeDatabase) db.close();
    },
  };

  /**
   * Inserts metric points (exact duplicates are ignored by the `metrics` primary key) and keeps
   * `latest_metrics` up to date as MLflow's `_update_latest_metrics_if_necessary` does: a key's row
   * is replaced by a newly inserted point that is strictly greater by (step, timestamp, stored value).
   */
  function logMetrics(runId: string, metrics: readonly Metric[]): void {
    const best = new Map<string, { value: number; isNan: boolean; timestamp: number; step: number }>();
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

  return store;
}

function page<T>(items: T[], more: boolean, nextOffset: number): Page<T> {
  return more ? { items, nextPageToken: encodePageToken(nextOffset) } : { items };
}
