/**
 * The registry store on MLflow's own SQL tables (`registered_models`, `model_versions`,
 * `registered_model_tags`, `model_version_tags`, `registered_model_aliases`), through the
 * structural {@link SqlDatabase} type, writing the rows MLflow's SQLAlchemy registry store writes
 * (`mlflow/store/model_registry/sqlalchemy_store.py`, MLflow 3.17.2): epoch-ms times, workspace
 * `default`, `current_stage` `None`/`Staging`/`Production`/`Archived`, `status` `READY`,
 * `storage_location`, version = max of the name's versions (soft-deleted ones included) + 1, and
 * soft deletes as `Deleted_Internal` with MLflow's redactions. A file written here reads back
 * identically through Python's `MlflowClient`, and the other way round.
 *
 * Like MLflow's server (and unlike its bare SQLAlchemy store), it checks and resolves model-version
 * sources (`version-source.ts`), looking runs up in the same database's `runs` table; unset text
 * fields of new rows are `""`, as the server writes them.
 *
 * This module imports no `node:*` module and no driver; open a database with
 * `openSqliteDatabase` (Node) or pass any {@link SqlDatabase}.
 *
 * @module
 */
import { createSqlTransactions } from "../../mlflow/sql/transactions.js";
import { isSentiMlopsError, SentiMlopsError } from "../../errors.js";
import { decodePageToken, encodePageToken } from "../../mlflow/page-token.js";
import { compileSearchSql, parseFilter, SQLITE_SEARCH_PRAGMA, STAGE_DELETED_INTERNAL } from "../../mlflow/search/index.js";
import { ensureMlflowSchema } from "../../mlflow/sql/schema.js";
import type { SqlDatabase, SqlStatement } from "../../mlflow/sql/sql-database.js";
import type { Page } from "../../mlflow/tracking-entities.js";
import type { CreateModelVersionRequest, RegistryStore } from "../../mlflow/registry-store.js";
import type { ModelVersion, RegisteredModel } from "../../mlflow/registry-entities.js";
import {
  latestVersionStages,
  parseModelVersion,
  validateAliasName,
  validateAliasNotReserved,
  validateModelName,
  validateModelVersionsMaxResults,
  validateRegisteredModelsMaxResults,
  validateRegistryTag,
  validateRegistryTagKey,
  validateRegistryTags,
  validateSource,
  validateStageTransition,
} from "../../mlflow/registry-validation.js";
import {
  aliasNotFound,
  latestVersionsOf,
  modelExists,
  modelNotFound,
  parseRegistryOrderBy,
  toModelVersion,
  toRegisteredModel,
  type VersionFields,
  versionNotFound,
} from "./registry-semantics.js";
import { resolveVersionSource } from "./version-source.js";

/**
 * Options of {@link createSqlRegistryStore}.
 *
 * @example
 * ```ts
 * const options: SqlRegistryStoreOptions = { uri: "sqlite:///mlflow.db", closeDatabase: false };
 * ```
 */
export interface SqlRegistryStoreOptions {
  /** The clock, in epoch ms. @default Date.now */
  now?: () => number;
  /** What {@link RegistryStore.uri} says, e.g. `sqlite:///mlflow.db`. @default "sqlite:" */
  uri?: string;
  /**
   * Whether {@link RegistryStore.close} closes `db` too. Off by default: the registry usually
   * shares the connection of a tracking store, which owns it.
   * @default false
   */
  closeDatabase?: boolean;
}

/** Single-tenant MLflow keeps every registry row in this workspace (`workspace_utils.py`). */
const WORKSPACE = "default";

interface ModelRow {
  name: string;
  creation_time: number | null;
  last_updated_time: number | null;
  description: string | null;
}

interface VersionRow {
  name: string;
  version: number;
  creation_time: number | null;
  last_updated_time: number | null;
  description: string | null;
  user_id: string | null;
  current_stage: string | null;
  source: string | null;
  run_id: string | null;
  status: string | null;
  status_message: string | null;
  run_link: string | null;
  storage_location: string | null;
}

interface TagRow {
  name: string;
  version?: number;
  key: string;
  value: string | null;
}

interface AliasRow {
  name: string;
  alias: string;
  version: number;
}

// SQLite result codes Python's sqlite3 raises as OperationalError, which MLflow's session maker
// reports as TEMPORARILY_UNAVAILABLE (mlflow/store/db/utils.py, make_managed_session).
const OPERATIONAL = /^SQLITE_(BUSY|LOCKED|READONLY|INTERRUPT|IOERR|FULL|CANTOPEN|PROTOCOL|SCHEMA|ERROR|PERM|ABORT|NOLFS|AUTH)(_|$)/;
const INTEGRITY = /^SQLITE_(CONSTRAINT|MISMATCH)(_|$)/;

function toStoreError(e: unknown): unknown {
  if (isSentiMlopsError(e)) return e;
  const code = typeof (e as { code?: unknown } | null)?.code === "string" ? (e as { code: string }).code : "";
  const message = e instanceof Error ? e.message : String(e);
  if (OPERATIONAL.test(code)) return new SentiMlopsError("TEMPORARILY_UNAVAILABLE", `SQLite error (${code}): ${message}`, { cause: e, component: "registry" });
  if (INTEGRITY.test(code)) return new SentiMlopsError("BAD_REQUEST", `SQLite error (${code}): ${message}`, { cause: e, component: "registry" });
  return new SentiMlopsError("INTERNAL_ERROR", code ? `SQLite error (${code}): ${message}` : `SQL registry store error: ${message}`, { cause: e, component: "registry" });
}

const versionFields = (r: VersionRow): VersionFields => ({
  name: r.name,
  version: Number(r.version),
  creationTime: r.creation_time,
  lastUpdatedTime: r.last_updated_time,
  description: r.description,
  userId: r.user_id,
  currentStage: r.current_stage ?? "None",
  source: r.source,
  runId: r.run_id,
  status: r.status,
  statusMessage: r.status_message,
  runLink: r.run_link,
});

/**
 * Creates a registry store on `db`. An empty database gets the pinned MLflow version's schema
 * (`ensureMlflowSchema`); a database stamped with another alembic revision is refused with
 * `INVALID_STATE`. The connection gets MLflow's per-session settings (`foreign_keys`, case-sensitive
 * `LIKE`). Every write is one transaction (`BEGIN IMMEDIATE` where the driver offers it).
 *
 * @example
 * ```ts
 * const db = await openSqliteDatabase("./mlflow.db");
 * const tracking = await createSqlStore(db);                  // owns db
 * const registry = await createSqlRegistryStore(db, { uri: "sqlite:///mlflow.db" });
 * await registry.createRegisteredModel("sentiment-tfidf");
 * await registry.createModelVersion({ name: "sentiment-tfidf", source: `runs:/${runId}/model`, runId });
 * ```
 */
export async function createSqlRegistryStore(db: SqlDatabase, options: SqlRegistryStoreOptions = {}): Promise<RegistryStore> {
  const now = options.now ?? Date.now;
  const closeDatabase = options.closeDatabase ?? false;
  let closed = false;

  try {
    // MLflow runs these on every session (mlflow/store/db/utils.py); renames rely on the foreign
    // keys' ON UPDATE CASCADE, compiled LIKE filters on the second.
    db.exec("PRAGMA foreign_keys = ON");
    db.exec(SQLITE_SEARCH_PRAGMA);
    ensureMlflowSchema(db);
  } catch (e) {
    throw toStoreError(e);
  }

  const p = (sql: string): SqlStatement => db.prepare(sql);
  const s = {
    model: p("SELECT name, creation_time, last_updated_time, description FROM registered_models WHERE workspace = ? AND name = ?"),
    insertModel: p("INSERT INTO registered_models (name, creation_time, last_updated_time, description, workspace) VALUES (?, ?, ?, ?, ?)"),
    touchModel: p("UPDATE registered_models SET last_updated_time = ? WHERE workspace = ? AND name = ?"),
    describeModel: p("UPDATE registered_models SET description = ?, last_updated_time = ? WHERE workspace = ? AND name = ?"),
    renameModel: p("UPDATE registered_models SET name = ?, last_updated_time = ? WHERE workspace = ? AND name = ?"),
    touchVersionsOf: p("UPDATE model_versions SET last_updated_time = ? WHERE workspace = ? AND name = ?"),
    deleteModel: p("DELETE FROM registered_models WHERE workspace = ? AND name = ?"),
    deleteModelVersions: p("DELETE FROM model_versions WHERE workspace = ? AND name = ?"),
    deleteModelTags: p("DELETE FROM registered_model_tags WHERE workspace = ? AND name = ?"),
    deleteModelVersionTags: p("DELETE FROM model_version_tags WHERE workspace = ? AND name = ?"),
    deleteModelAliases: p("DELETE FROM registered_model_aliases WHERE workspace = ? AND name = ?"),

    modelTags: p("SELECT name, key, value FROM registered_model_tags WHERE workspace = ? AND name IN (SELECT value FROM json_each(?))"),
    upsertModelTag: p(
      "INSERT INTO registered_model_tags (key, value, name, workspace) VALUES (?, ?, ?, ?) " +
        "ON CONFLICT (workspace, key, name) DO UPDATE SET value = excluded.value",
    ),
    deleteModelTag: p("DELETE FROM registered_model_tags WHERE workspace = ? AND name = ? AND key = ?"),
    modelAliases: p("SELECT name, alias, version FROM registered_model_aliases WHERE workspace = ? AND name IN (SELECT value FROM json_each(?))"),
    alias: p("SELECT version FROM registered_model_aliases WHERE workspace = ? AND name = ? AND alias = ?"),
    upsertAlias: p(
      "INSERT INTO registered_model_aliases (alias, version, name, workspace) VALUES (?, ?, ?, ?) " +
        "ON CONFLICT (workspace, name, alias) DO UPDATE SET version = excluded.version",
    ),
    deleteAlias: p("DELETE FROM registered_model_aliases WHERE workspace = ? AND name = ? AND alias = ?"),
    deleteAliasesOf: p("DELETE FROM registered_model_aliases WHERE workspace = ? AND name = ? AND version = ?"),

    version: p("SELECT * FROM model_versions WHERE workspace = ? AND name = ? AND version = ?"),
    versionsOf: p(
      "SELECT * FROM model_versions WHERE workspace = ? AND name IN (SELECT value FROM json_each(?)) AND current_stage != ? ORDER BY name, version",
    ),
    maxVersion: p("SELECT MAX(version) AS v FROM model_versions WHERE workspace = ? AND name = ?"),
    insertVersion: p(
      "INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage, source, " +
        "run_id, status, status_message, run_link, storage_location, workspace) VALUES (?, ?, ?, ?, ?, NULL, 'None', ?, ?, 'READY', NULL, ?, ?, ?)",
    ),
    describeVersion: p("UPDATE model_versions SET description = ?, last_updated_time = ? WHERE workspace = ? AND name = ? AND version = ?"),
    stageVersion: p("UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE workspace = ? AND name = ? AND version = ?"),
    archiveOthers: p(
      "UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ? WHERE workspace = ? AND name = ? AND version != ? AND current_stage = ?",
    ),
    softDeleteVersion: p(
      "UPDATE model_versions SET current_stage = ?, last_updated_time = ?, description = NULL, user_id = NULL, " +
        "source = 'REDACTED-SOURCE-PATH', run_id = 'REDACTED-RUN-ID', run_link = 'REDACTED-RUN-LINK', status_message = NULL " +
        "WHERE workspace = ? AND name = ? AND version = ?",
    ),
    versionTags: p(
      "SELECT name, version, key, value FROM model_version_tags WHERE workspace = ? AND " +
        "(name, version) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))",
    ),
    upsertVersionTag: p(
      "INSERT INTO model_version_tags (key, value, name, version, workspace) VALUES (?, ?, ?, ?, ?) " +
        "ON CONFLICT (workspace, key, name, version) DO UPDATE SET value = excluded.value",
    ),
    runArtifactUri: p("SELECT artifact_uri FROM runs WHERE run_uuid = ?"),
    deleteVersionTag: p("DELETE FROM model_version_tags WHERE workspace = ? AND name = ? AND version = ? AND key = ?"),
  };

  const searchStatements = new Map<string, SqlStatement>();
  const searchStatement = (sql: string): SqlStatement => {
    let stmt = searchStatements.get(sql);
    if (stmt === undefined) {
      if (searchStatements.size >= 64) searchStatements.delete(searchStatements.keys().next().value!);
      stmt = db.prepare(sql);
      searchStatements.set(sql, stmt);
    }
    return stmt;
  };

  const check = (): void => {
    if (closed) throw new SentiMlopsError("INVALID_STATE", "the SQL registry store is closed", { component: "registry" });
  };

  const { read, write } = createSqlTransactions(db, check, toStoreError);

  /** The model row, after MLflow's name check (`_get_registered_model`). */
  const modelRow = (name: string): ModelRow => {
    validateModelName(name);
    const row = s.model.get(WORKSPACE, name) as ModelRow | undefined;
    if (row === undefined) throw modelNotFound(name);
    return row;
  };

  /** A live version row, after MLflow's name and version checks (`_get_sql_model_version`). */
  const liveVersionRow = (name: string, version: unknown): VersionRow => {
    validateModelName(name);
    const number = parseModelVersion(version);
    const row = s.version.get(WORKSPACE, name, number) as VersionRow | undefined;
    if (row === undefined || row.current_stage === STAGE_DELETED_INTERNAL) throw versionNotFound(name, number);
    return row;
  };

  const groupTags = (rows: readonly TagRow[], keyOf: (r: TagRow) => string): Map<string, Record<string, string>> => {
    const out = new Map<string, Record<string, string>>();
    for (const r of rows) {
      const k = keyOf(r);
      let record = out.get(k);
      if (record === undefined) out.set(k, (record = {}));
      record[r.key] = r.value ?? "";
    }
    return out;
  };

  const versionKey = (name: string, version: number): string => `${name}\u0000${version}`;

  /** Versions as MLflow returns them; aliases only where MLflow fills them. */
  const loadVersions = (rows: readonly VersionRow[], withAliases: boolean): ModelVersion[] => {
    if (rows.length === 0) return [];
    const tags = groupTags(s.versionTags.all(WORKSPACE, JSON.stringify(rows.map((r) => [r.name, Number(r.version)]))) as TagRow[], (r) =>
      versionKey(r.name, Number(r.version)),
    );
    const aliases = new Map<string, string[]>();
    if (withAliases) {
      const names = JSON.stringify([...new Set(rows.map((r) => r.name))]);
      for (const a of s.modelAliases.all(WORKSPACE, names) as AliasRow[]) {
        const k = versionKey(a.name, Number(a.version));
        aliases.set(k, [...(aliases.get(k) ?? []), a.alias]);
      }
    }
    return rows.map((r) => {
      const k = versionKey(r.name, Number(r.version));
      return toModelVersion(versionFields(r), tags.get(k) ?? {}, aliases.get(k) ?? []);
    });
  };

  /** Registered models with their tags, aliases and latest versions (a few bulk queries). */
  const loadModels = (rows: readonly ModelRow[], order: "get" | "search"): RegisteredModel[] => {
    if (rows.length === 0) return [];
    const names = JSON.stringify(rows.map((r) => r.name));
    const tags = groupTags(s.modelTags.all(WORKSPACE, names) as TagRow[], (r) => r.name);
    const aliases = new Map<string, { alias: string; version: string }[]>();
    for (const a of s.modelAliases.all(WORKSPACE, names) as AliasRow[]) {
      aliases.set(a.name, [...(aliases.get(a.name) ?? []), { alias: a.alias, version: String(a.version) }]);
    }
    const versions = new Map<string, VersionRow[]>();
    for (const v of s.versionsOf.all(WORKSPACE, names, STAGE_DELETED_INTERNAL) as VersionRow[]) {
      versions.set(v.name, [...(versions.get(v.name) ?? []), v]);
    }
    return rows.map((r) => {
      const staged = (versions.get(r.name) ?? []).map((row) => ({ row, version: Number(row.version), currentStage: row.current_stage ?? "None" }));
      const latest = loadVersions(
        latestVersionsOf(staged, order).map((x) => x.row),
        false,
      );
      return toRegisteredModel(
        { name: r.name, creationTime: r.creation_time, lastUpdatedTime: r.last_updated_time, description: r.description },
        latest,
        tags.get(r.name) ?? {},
        aliases.get(r.name) ?? [],
      );
    });
  };

  const getModel = (name: string): RegisteredModel => loadModels([modelRow(name)], "get")[0]!;
  const getVersion = (name: string, version: unknown): ModelVersion => loadVersions([liveVersionRow(name, version)], true)[0]!;

  const latestVersions = (name: string, stages?: readonly string[]): ModelVersion[] => {
    modelRow(name);
    const wanted: Set<string> = latestVersionStages(stages);
    const rows = (s.versionsOf.all(WORKSPACE, JSON.stringify([name]), STAGE_DELETED_INTERNAL) as VersionRow[]).map((row) => ({
      row,
      version: Number(row.version),
      currentStage: row.current_stage ?? "None",
    }));
    return loadVersions(
      latestVersionsOf(rows, "get")
        .filter((x) => wanted.has(x.currentStage))
        .map((x) => x.row),
      true,
    );
  };

  const store: RegistryStore = {
    uri: options.uri ?? "sqlite:",

    async createRegisteredModel(name, opts = {}) {
      check();
      validateModelName(name);
      const tags = validateRegistryTags(opts.tags);
      return write(() => {
        if (s.model.get(WORKSPACE, name) !== undefined) throw modelExists(name);
        const time = now();
        s.insertModel.run(name, time, time, opts.description ?? "", WORKSPACE); // "" as MLflow's server stores it
        for (const t of tags) s.upsertModelTag.run(t.key, t.value, name, WORKSPACE);
        return getModel(name);
      });
    },

    async getRegisteredModel(name) {
      return read(() => getModel(name));
    },

    async renameRegisteredModel(name, newName) {
      check();
      validateModelName(newName, "new_name");
      return write(() => {
        modelRow(name);
        if (newName !== name && s.model.get(WORKSPACE, newName) !== undefined) throw modelExists(newName);
        const time = now();
        // The foreign keys' ON UPDATE CASCADE carries the new name to versions, tags and aliases;
        // MLflow also stamps every version with the rename's time (sqlalchemy_store.py:486-492).
        s.renameModel.run(newName, time, WORKSPACE, name);
        s.touchVersionsOf.run(time, WORKSPACE, newName);
        return getModel(newName);
      });
    },

    async updateRegisteredModel(name, update) {
      return write(() => {
        modelRow(name);
        s.describeModel.run(update.description ?? "", now(), WORKSPACE, name); // the server passes "" (handlers.py _update_registered_model)
        return getModel(name);
      });
    },

    async deleteRegisteredModel(name) {
      write(() => {
        modelRow(name);
        // MLflow's ORM cascades (dbmodels/models.py: cascade="all"): children first.
        s.deleteModelVersionTags.run(WORKSPACE, name);
        s.deleteModelAliases.run(WORKSPACE, name);
        s.deleteModelTags.run(WORKSPACE, name);
        s.deleteModelVersions.run(WORKSPACE, name);
        s.deleteModel.run(WORKSPACE, name);
      });
    },

    async searchRegisteredModels(opts = {}) {
      check();
      const maxResults = validateRegisteredModelsMaxResults(opts.maxResults);
      const sql = compileSearchSql(parseFilter(opts.filter, "registeredModels"), parseRegistryOrderBy(opts.orderBy, "registeredModels"));
      const offset = decodePageToken(opts.pageToken);
      const stmt = searchStatement(
        "SELECT registered_models.name, registered_models.creation_time, registered_models.last_updated_time, registered_models.description " +
          `FROM registered_models WHERE registered_models.workspace = ? AND (${sql.where}) ORDER BY ${sql.orderBy} LIMIT ? OFFSET ?`,
      );
      return read(() => {
        const rows = stmt.all(WORKSPACE, ...sql.params, ...sql.orderByParams, maxResults + 1, offset) as ModelRow[];
        // maxResults 0 gives an empty page, with a token when models are left, as in MLflow.
        return page(loadModels(rows.slice(0, maxResults), "search"), rows.length > maxResults, offset + maxResults);
      });
    },

    async getLatestVersions(name, stages) {
      return read(() => latestVersions(name, stages));
    },

    async setRegisteredModelTag(name, key, value) {
      check();
      validateModelName(name);
      const tag = validateRegistryTag({ key, value });
      write(() => {
        modelRow(name);
        s.upsertModelTag.run(tag.key, tag.value, name, WORKSPACE);
      });
    },

    async deleteRegisteredModelTag(name, key) {
      check();
      validateModelName(name);
      validateRegistryTagKey(key);
      write(() => {
        modelRow(name);
        s.deleteModelTag.run(WORKSPACE, name, key);
      });
    },

    async createModelVersion(request: CreateModelVersionRequest) {
      check();
      validateModelName(request.name);
      validateSource(request.source);
      const tags = validateRegistryTags(request.tags);
      const runArtifactUri = async (runId: string): Promise<string | null> =>
        read(() => (s.runArtifactUri.get(runId) as { artifact_uri: string | null } | undefined)?.artifact_uri ?? null);
      const resolved = await resolveVersionSource(request.source, request.runId, { ...store, runArtifactUri });
      return write(() => {
        modelRow(request.name);
        const time = now();
        s.touchModel.run(time, WORKSPACE, request.name);
        const max = (s.maxVersion.get(WORKSPACE, request.name) as { v: number | null }).v;
        const version = Number(max ?? 0) + 1;
        s.insertVersion.run(
          request.name,
          version,
          time,
          time,
          // As MLflow's server: unset text fields arrive as "" (handlers.py _create_model_version).
          request.description ?? "",
          resolved.source,
          resolved.runId,
          request.runLink ?? "",
          resolved.storageLocation,
          WORKSPACE,
        );
        for (const t of tags) s.upsertVersionTag.run(t.key, t.value, request.name, version, WORKSPACE);
        return getVersion(request.name, version);
      });
    },

    async getModelVersion(name, version) {
      return read(() => getVersion(name, version));
    },

    async updateModelVersion(name, version, update) {
      return write(() => {
        const row = liveVersionRow(name, version);
        // The server passes None when no description is given, which clears it (handlers.py _update_model_version).
        s.describeVersion.run(update.description ?? null, now(), WORKSPACE, name, row.version);
        return getVersion(name, row.version);
      });
    },

    async transitionModelVersionStage(name, version, stage, archiveExistingVersions) {
      check();
      const canonical = validateStageTransition(stage, archiveExistingVersions);
      return write(() => {
        const row = liveVersionRow(name, version);
        const time = now();
        if (archiveExistingVersions) s.archiveOthers.run(time, WORKSPACE, name, row.version, canonical);
        s.stageVersion.run(canonical, time, WORKSPACE, name, row.version);
        s.touchModel.run(time, WORKSPACE, name);
        return getVersion(name, row.version);
      });
    },

    async deleteModelVersion(name, version) {
      check();
      parseModelVersion(version); // MLflow checks the version before the name (sqlalchemy_store.py:1214)
      write(() => {
        const row = liveVersionRow(name, version);
        const time = now();
        s.touchModel.run(time, WORKSPACE, name);
        s.deleteAliasesOf.run(WORKSPACE, name, row.version);
        // A soft delete with MLflow's redactions (sqlalchemy_store.py:1229-1237); tags are kept.
        s.softDeleteVersion.run(STAGE_DELETED_INTERNAL, time, WORKSPACE, name, row.version);
      });
    },

    async searchModelVersions(opts = {}) {
      check();
      const maxResults = validateModelVersionsMaxResults(opts.maxResults);
      const sql = compileSearchSql(parseFilter(opts.filter, "modelVersions"), parseRegistryOrderBy(opts.orderBy, "modelVersions"));
      const offset = decodePageToken(opts.pageToken);
      const stmt = searchStatement(
        `SELECT model_versions.* FROM model_versions WHERE model_versions.workspace = ? AND (${sql.where}) ORDER BY ${sql.orderBy} LIMIT ? OFFSET ?`,
      );
      return read(() => {
        const rows = stmt.all(WORKSPACE, ...sql.params, ...sql.orderByParams, maxResults + 1, offset) as VersionRow[];
        // MLflow's search returns versions without their aliases (sqlalchemy_store.py:1376, to_mlflow_entity).
        return page(loadVersions(rows.slice(0, maxResults), false), rows.length > maxResults, offset + maxResults);
      });
    },

    async getModelVersionDownloadUri(name, version) {
      return read(() => {
        const row = liveVersionRow(name, version);
        return row.storage_location || (row.source ?? "");
      });
    },

    async setModelVersionTag(name, version, key, value) {
      check();
      validateModelName(name);
      parseModelVersion(version);
      const tag = validateRegistryTag({ key, value });
      write(() => {
        const row = liveVersionRow(name, version);
        s.upsertVersionTag.run(tag.key, tag.value, name, row.version, WORKSPACE);
      });
    },

    async deleteModelVersionTag(name, version, key) {
      check();
      validateModelName(name);
      parseModelVersion(version);
      validateRegistryTagKey(key);
      write(() => {
        const row = liveVersionRow(name, version);
        s.deleteVersionTag.run(WORKSPACE, name, row.version, key);
      });
    },

    async setRegisteredModelAlias(name, alias, version) {
      check();
      validateModelName(name);
      validateAliasNotReserved(validateAliasName(alias));
      parseModelVersion(version);
      write(() => {
        const row = liveVersionRow(name, version);
        s.upsertAlias.run(alias, row.version, name, WORKSPACE);
      });
    },

    async deleteRegisteredModelAlias(name, alias) {
      check();
      validateModelName(name);
      validateAliasName(alias);
      write(() => {
        modelRow(name);
        s.deleteAlias.run(WORKSPACE, name, alias);
      });
    },

    async getModelVersionByAlias(name, alias) {
      check();
      validateModelName(name);
      validateAliasName(alias);
      return read(() => {
        if (alias.toLowerCase() === "latest") {
          // sqlalchemy_store.py:1570-1578: the newest of the latest versions of every stage.
          const latest = latestVersions(name);
          if (latest.length === 0) throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `Latest version not found for model ${name}.`, { component: "registry" });
          return latest.reduce((a, b) => (Number(b.version) > Number(a.version) ? b : a));
        }
        modelRow(name);
        const target = s.alias.get(WORKSPACE, name, alias) as { version: number } | undefined;
        if (target === undefined) throw aliasNotFound(alias);
        return getVersion(name, Number(target.version));
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      if (closeDatabase) db.close();
    },
  };
  return store;
}

function page<T>(items: T[], more: boolean, nextOffset: number): Page<T> {
  return more ? { items, nextPageToken: encodePageToken(nextOffset) } : { items };
}
