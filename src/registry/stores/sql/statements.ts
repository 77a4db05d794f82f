/**
 * The fixed SQL statements of the SQL registry store, on MLflow's registry tables (the rows
 * `mlflow/store/model_registry/sqlalchemy_store.py` writes), prepared once per store.
 *
 * @module
 */

/**
 * Statement name → SQL text, for `prepareStatements`.
 *
 * @example
 * ```ts
 * const s = prepareStatements(db, REGISTRY_SQL);
 * s.model.get("default", "sentiment-tfidf");
 * ```
 */
export const REGISTRY_SQL = {
  model: "SELECT name, creation_time, last_updated_time, description FROM registered_models WHERE workspace = ? AND name = ?",
  insertModel: "INSERT INTO registered_models (name, creation_time, last_updated_time, description, workspace) VALUES (?, ?, ?, ?, ?)",
  touchModel: "UPDATE registered_models SET last_updated_time = ? WHERE workspace = ? AND name = ?",
  describeModel: "UPDATE registered_models SET description = ?, last_updated_time = ? WHERE workspace = ? AND name = ?",
  renameModel: "UPDATE registered_models SET name = ?, last_updated_time = ? WHERE workspace = ? AND name = ?",
  touchVersionsOf: "UPDATE model_versions SET last_updated_time = ? WHERE workspace = ? AND name = ?",
  deleteModel: "DELETE FROM registered_models WHERE workspace = ? AND name = ?",
  deleteModelVersions: "DELETE FROM model_versions WHERE workspace = ? AND name = ?",
  deleteModelTags: "DELETE FROM registered_model_tags WHERE workspace = ? AND name = ?",
  deleteModelVersionTags: "DELETE FROM model_version_tags WHERE workspace = ? AND name = ?",
  deleteModelAliases: "DELETE FROM registered_model_aliases WHERE workspace = ? AND name = ?",

  modelTags: "SELECT name, key, value FROM registered_model_tags WHERE workspace = ? AND name IN (SELECT value FROM json_each(?))",
  upsertModelTag:
    "INSERT INTO registered_model_tags (key, value, name, workspace) VALUES (?, ?, ?, ?) " +
    "ON CONFLICT (workspace, key, name) DO UPDATE SET value = excluded.value",
  deleteModelTag: "DELETE FROM registered_model_tags WHERE workspace = ? AND name = ? AND key = ?",
  modelAliases: "SELECT name, alias, version FROM registered_model_aliases WHERE workspace = ? AND name IN (SELECT value FROM json_each(?))",
  alias: "SELECT version FROM registered_model_aliases WHERE workspace = ? AND name = ? AND alias = ?",
  upsertAlias:
    "INSERT INTO registered_model_aliases (alias, version, name, workspace) VALUES (?, ?, ?, ?) " +
    "ON CONFLICT (workspace, name, alias) DO UPDATE SET version = excluded.version",
  deleteAlias: "DELETE FROM registered_model_aliases WHERE workspace = ? AND name = ? AND alias = ?",
  deleteAliasesOf: "DELETE FROM registered_model_aliases WHERE workspace = ? AND name = ? AND version = ?",

  version: "SELECT * FROM model_versions WHERE workspace = ? AND name = ? AND version = ?",
  versionsOf:
    "SELECT * FROM model_versions WHERE workspace = ? AND name IN (SELECT value FROM json_each(?)) AND current_stage != ? ORDER BY name, version",
  maxVersion: "SELECT MAX(version) AS v FROM model_versions WHERE workspace = ? AND name = ?",
  insertVersion:
    "INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage, source, " +
    "run_id, status, status_message, run_link, storage_location, workspace) VALUES (?, ?, ?, ?, ?, NULL, 'None', ?, ?, 'READY', NULL, ?, ?, ?)",
  describeVersion: "UPDATE model_versions SET description = ?, last_updated_time = ? WHERE workspace = ? AND name = ? AND version = ?",
  stageVersion: "UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE workspace = ? AND name = ? AND version = ?",
  archiveOthers:
    "UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ? WHERE workspace = ? AND name = ? AND version != ? AND current_stage = ?",
  softDeleteVersion:
    "UPDATE model_versions SET current_stage = ?, last_updated_time = ?, description = NULL, user_id = NULL, " +
    "source = 'REDACTED-SOURCE-PATH', run_id = 'REDACTED-RUN-ID', run_link = 'REDACTED-RUN-LINK', status_message = NULL " +
    "WHERE workspace = ? AND name = ? AND version = ?",
  versionTags:
    "SELECT name, version, key, value FROM model_version_tags WHERE workspace = ? AND " +
    "(name, version) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))",
  upsertVersionTag:
    "INSERT INTO model_version_tags (key, value, name, version, workspace) VALUES (?, ?, ?, ?, ?) " +
    "ON CONFLICT (workspace, key, name, version) DO UPDATE SET value = excluded.value",
  runArtifactUri: "SELECT artifact_uri FROM runs WHERE run_uuid = ?",
  deleteVersionTag: "DELETE FROM model_version_tags WHERE workspace = ? AND name = ? AND version = ? AND key = ?",
} as const;

/**
 * The names of {@link REGISTRY_SQL}'s statements.
 *
 * @example
 * ```ts
 * const name: RegistryStatementName = "version";
 * ```
 */
export type RegistryStatementName = keyof typeof REGISTRY_SQL;
