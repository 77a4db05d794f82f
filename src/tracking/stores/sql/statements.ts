/**
 * The fixed SQL statements of the SQL tracking store, on MLflow's schema (the rows
 * `mlflow/store/tracking/sqlalchemy_store.py` writes), prepared once per store.
 *
 * @module
 */

/**
 * Statement name → SQL text, for `prepareStatements`.
 *
 * @example
 * ```ts
 * const s = prepareStatements(db, TRACKING_SQL);
 * s.runById.get(runId);
 * ```
 */
export const TRACKING_SQL = {
  experimentById: "SELECT * FROM experiments WHERE experiment_id = ?",
  experimentByName: "SELECT * FROM experiments WHERE name = ?",
  experimentIdByName: "SELECT experiment_id FROM experiments WHERE name = ?",
  experimentTags:
    "SELECT experiment_id AS owner, key, value FROM experiment_tags WHERE experiment_id IN (SELECT value FROM json_each(?))",
  insertDefaultExperiment:
    "INSERT OR IGNORE INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time, workspace) " +
    "VALUES (0, 'Default', ?, 'active', ?, ?, 'default')",
  insertExperiment:
    "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time, workspace) " +
    "VALUES (?, ?, 'active', ?, ?, 'default')",
  setExperimentLocation: "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?",
  renameExperiment: "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
  setExperimentStage: "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?",
  setExperimentRunsStage: "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?",
  upsertExperimentTag:
    "INSERT INTO experiment_tags (key, value, experiment_id) VALUES (?, ?, ?) ON CONFLICT (key, experiment_id) DO UPDATE SET value = excluded.value",
  deleteExperimentTag: "DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?",

  insertRun:
    "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, " +
    "source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time) " +
    "VALUES (?, ?, 'UNKNOWN', '', '', ?, 'RUNNING', ?, NULL, '', 'active', ?, ?, NULL)",
  runById: "SELECT * FROM runs WHERE run_uuid = ?",
  runStage: "SELECT lifecycle_stage, experiment_id FROM runs WHERE run_uuid = ?",
  setRunStatus: "UPDATE runs SET status = ? WHERE run_uuid = ?",
  setRunEndTime: "UPDATE runs SET end_time = ? WHERE run_uuid = ?",
  setRunName: "UPDATE runs SET name = ? WHERE run_uuid = ?",
  setRunStage: "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?",

  upsertTag: "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?) ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value",
  deleteTag: "DELETE FROM tags WHERE run_uuid = ? AND key = ?",
  paramValue: "SELECT value FROM params WHERE run_uuid = ? AND key = ?",
  insertParam: "INSERT OR IGNORE INTO params (key, value, run_uuid) VALUES (?, ?, ?)",
  insertMetric: "INSERT OR IGNORE INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)",
  latestMetric: "SELECT value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid = ? AND key = ?",
  upsertLatestMetric:
    "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?) " +
    "ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan",
  // rowid last: points equal in (timestamp, step, value) keep the order they were logged in.
  metricHistory:
    "SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY timestamp, step, value, rowid LIMIT ? OFFSET ?",

  runsLatestMetrics: "SELECT run_uuid, key, value, is_nan FROM latest_metrics WHERE run_uuid IN (SELECT value FROM json_each(?))",
  runsParams: "SELECT run_uuid AS owner, key, value FROM params WHERE run_uuid IN (SELECT value FROM json_each(?))",
  runsTags: "SELECT run_uuid AS owner, key, value FROM tags WHERE run_uuid IN (SELECT value FROM json_each(?))",
  runsInputs:
    "SELECT i.destination_id AS run_uuid, i.input_uuid, d.name, d.digest, d.dataset_source_type AS source_type, " +
    "d.dataset_source AS source, d.dataset_schema AS schema, d.dataset_profile AS profile, t.name AS tag_name, t.value AS tag_value " +
    "FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id LEFT JOIN input_tags t ON t.input_uuid = i.input_uuid " +
    "WHERE i.destination_type = 'RUN' AND i.destination_id IN (SELECT value FROM json_each(?)) ORDER BY i.rowid, t.rowid",

  datasetUuid: "SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?",
  insertDataset:
    "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source, dataset_schema, dataset_profile) " +
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  inputUuid: "SELECT input_uuid FROM inputs WHERE source_type = 'DATASET' AND source_id = ? AND destination_type = 'RUN' AND destination_id = ?",
  insertInput: "INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) VALUES (?, 'DATASET', ?, 'RUN', ?, 0)",
  insertInputTag: "INSERT OR REPLACE INTO input_tags (input_uuid, name, value) VALUES (?, ?, ?)",
} as const;

/**
 * The names of {@link TRACKING_SQL}'s statements.
 *
 * @example
 * ```ts
 * const name: TrackingStatementName = "runById";
 * ```
 */
export type TrackingStatementName = keyof typeof TRACKING_SQL;
