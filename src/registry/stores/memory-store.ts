/**
 * A model registry held in memory, with the semantics of MLflow's SQL registry store (version
 * numbering that never reuses a number, soft-deleted versions, stage transitions, aliases,
 * validation, error codes and messages) — for tests, notebooks, browsers and short-lived processes.
 * Searches use the shared search module, so they filter and order as the SQL store does. Model
 * version sources are checked as MLflow's server checks them (`version-source.ts`).
 *
 * @module
 */
import { hasErrorCode, SentiMlopsError } from "../../errors.js";
import { paginate } from "../../mlflow/page-token.js";
import {
  compareModelVersions,
  compareRegisteredModels,
  matchesModelVersion,
  matchesRegisteredModel,
  type ModelVersionSearchEntity,
  parseFilter,
  type RegisteredModelSearchEntity,
  STAGE_DELETED_INTERNAL,
} from "../../mlflow/search/index.js";
import type { TrackingStore } from "../../mlflow/tracking-store.js";
import type { Page, Tag } from "../../mlflow/tracking-entities.js";
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
  versionNotFound,
} from "./registry-semantics.js";
import { resolveVersionSource } from "./version-source.js";

/**
 * Options of {@link createMemoryRegistryStore}.
 *
 * @example
 * ```ts
 * const options: MemoryRegistryStoreOptions = { tracking: createMemoryStore(), now: () => 1_700_000_000_000 };
 * ```
 */
export interface MemoryRegistryStoreOptions {
  /** The clock, in epoch ms. @default Date.now */
  now?: () => number;
  /** What {@link RegistryStore.uri} says. @default "memory:" */
  uri?: string;
  /**
   * The tracking store whose runs model versions come from. MLflow looks a run up for a local or
   * `mlflow-artifacts:` source (it must lie inside the run's artifact directory); without a
   * tracking store no run is known, and such sources are refused, as MLflow refuses an unknown run.
   * `runs:/` and object-store sources need no lookup.
   * @default none
   */
  tracking?: Pick<TrackingStore, "getRun">;
}

interface VersionRecord {
  name: string;
  version: number;
  creationTime: number;
  lastUpdatedTime: number;
  description: string | null;
  userId: string | null;
  currentStage: string;
  source: string | null;
  storageLocation: string | null;
  runId: string | null;
  status: string;
  statusMessage: string | null;
  runLink: string | null;
  tags: Map<string, string>;
}

interface ModelRecord {
  name: string;
  creationTime: number;
  lastUpdatedTime: number;
  description: string | null;
  tags: Map<string, string>;
  /** Alias → version number. */
  aliases: Map<string, number>;
  /** Every version ever created, soft-deleted ones included (their numbers are never reused). */
  versions: Map<number, VersionRecord>;
}

/**
 * Creates an empty in-memory registry store.
 *
 * @example
 * ```ts
 * const registry = createMemoryRegistryStore();
 * await registry.createRegisteredModel("sentiment-tfidf", { tags: [{ key: "team", value: "nlp" }] });
 * const v = await registry.createModelVersion({ name: "sentiment-tfidf", source: "runs:/0123456789abcdef0123456789abcdef/model" });
 * await registry.setRegisteredModelAlias("sentiment-tfidf", "champion", v.version);
 * (await registry.getModelVersionByAlias("sentiment-tfidf", "champion")).version; // "1"
 * ```
 */
export function createMemoryRegistryStore(options: MemoryRegistryStoreOptions = {}): RegistryStore {
  const now = options.now ?? Date.now;
  const models = new Map<string, ModelRecord>();
  let closed = false;

  const check = (): void => {
    if (closed) throw new SentiMlopsError("INVALID_STATE", "the memory registry store is closed", { component: "registry" });
  };

  /** The model, after MLflow's name check (`_get_registered_model`). */
  const model = (name: string): ModelRecord => {
    check();
    validateModelName(name);
    const m = models.get(name);
    if (m === undefined) throw modelNotFound(name);
    return m;
  };

  /** A live (not soft-deleted) version, after MLflow's name and version checks (`_get_sql_model_version`). */
  const liveVersion = (name: string, version: unknown): { model: ModelRecord; version: VersionRecord } => {
    check();
    validateModelName(name);
    const number = parseModelVersion(version);
    const m = models.get(name);
    const v = m?.versions.get(number);
    if (m === undefined || v === undefined || v.currentStage === STAGE_DELETED_INTERNAL) throw versionNotFound(name, number);
    return { model: m, version: v };
  };

  const runArtifactUri = async (runId: string): Promise<string | null> => {
    if (options.tracking === undefined) return null;
    try {
      return (await options.tracking.getRun(runId)).info.artifactUri;
    } catch (e) {
      if (hasErrorCode(e, "RESOURCE_DOES_NOT_EXIST")) return null; // handlers.py _get_source_run
      throw e;
    }
  };

  const aliasesOf = (m: ModelRecord, version: number): string[] =>
    [...m.aliases].filter(([, v]) => v === version).map(([alias]) => alias);

  const tagsOf = (tags: Map<string, string>): Record<string, string> => Object.fromEntries(tags);

  /** A version as MLflow returns it; `withAliases` false where MLflow leaves them out (searches, latest_versions). */
  const versionEntity = (m: ModelRecord, v: VersionRecord, withAliases: boolean): ModelVersion =>
    toModelVersion(v, tagsOf(v.tags), withAliases ? aliasesOf(m, v.version) : []);

  const modelEntity = (m: ModelRecord, order: "get" | "search"): RegisteredModel =>
    toRegisteredModel(
      m,
      latestVersionsOf(m.versions.values(), order).map((v) => versionEntity(m, v, false)),
      tagsOf(m.tags),
      [...m.aliases].map(([alias, version]) => ({ alias, version: String(version) })),
    );

  const latestVersions = (name: string, stages?: readonly string[]): ModelVersion[] => {
    const m = model(name);
    const wanted = latestVersionStages(stages);
    return latestVersionsOf(m.versions.values(), "get")
      .filter((v) => (wanted as Set<string>).has(v.currentStage))
      .map((v) => versionEntity(m, v, true));
  };

  const store: RegistryStore = {
    uri: options.uri ?? "memory:",

    async createRegisteredModel(name, opts = {}) {
      check();
      validateModelName(name);
      const tags = validateRegistryTags(opts.tags);
      if (models.has(name)) throw modelExists(name);
      const time = now();
      const m: ModelRecord = {
        name,
        creationTime: time,
        lastUpdatedTime: time,
        description: opts.description ?? "", // "" as MLflow's server stores an absent description
        tags: new Map(tags.map((t) => [t.key, t.value])),
        aliases: new Map(),
        versions: new Map(),
      };
      models.set(name, m);
      return modelEntity(m, "get");
    },

    async getRegisteredModel(name) {
      return modelEntity(model(name), "get");
    },

    async renameRegisteredModel(name, newName) {
      check();
      validateModelName(newName, "new_name");
      const m = model(name);
      if (newName !== name && models.has(newName)) throw modelExists(newName);
      // As MLflow's rename_registered_model: every version takes the new name and the same time.
      const time = now();
      models.delete(name);
      m.name = newName;
      m.lastUpdatedTime = time;
      for (const v of m.versions.values()) {
        v.name = newName;
        v.lastUpdatedTime = time;
      }
      models.set(newName, m);
      return modelEntity(m, "get");
    },

    async updateRegisteredModel(name, update) {
      const m = model(name);
      m.description = update.description ?? ""; // the server passes "" (handlers.py _update_registered_model)
      m.lastUpdatedTime = now();
      return modelEntity(m, "get");
    },

    async deleteRegisteredModel(name) {
      model(name);
      models.delete(name);
    },

    async searchRegisteredModels(opts = {}) {
      check();
      const maxResults = validateRegisteredModelsMaxResults(opts.maxResults);
      const filter = parseFilter(opts.filter, "registeredModels");
      const orderBy = parseRegistryOrderBy(opts.orderBy, "registeredModels");
      const searchable = (m: ModelRecord): RegisteredModelSearchEntity => ({
        name: m.name,
        creationTimestamp: m.creationTime,
        lastUpdatedTimestamp: m.lastUpdatedTime,
        tags: tagsOf(m.tags),
      });
      const hits = [...models.values()]
        .map((m) => ({ m, s: searchable(m) }))
        .filter(({ s }) => matchesRegisteredModel(s, filter))
        .sort((a, b) => compareRegisteredModels(a.s, b.s, orderBy))
        .map(({ m }) => m);
      // maxResults 0 gives an empty page, with a token when models are left, as in MLflow.
      const { items, nextPageToken } = paginate(hits, maxResults, opts.pageToken);
      const page: Page<RegisteredModel> = { items: items.map((m) => modelEntity(m, "search")) };
      return nextPageToken === undefined ? page : { ...page, nextPageToken };
    },

    async getLatestVersions(name, stages) {
      return latestVersions(name, stages);
    },

    async setRegisteredModelTag(name, key, value) {
      check();
      validateModelName(name);
      const tag = validateRegistryTag({ key, value });
      model(name).tags.set(tag.key, tag.value);
    },

    async deleteRegisteredModelTag(name, key) {
      check();
      validateModelName(name);
      validateRegistryTagKey(key);
      model(name).tags.delete(key);
    },

    async createModelVersion(request: CreateModelVersionRequest) {
      check();
      validateModelName(request.name);
      validateSource(request.source);
      const tags = validateRegistryTags(request.tags);
      const resolved = await resolveVersionSource(request.source, request.runId, { ...store, runArtifactUri });
      const m = model(request.name);
      const time = now();
      const number = Math.max(0, ...m.versions.keys()) + 1;
      const v: VersionRecord = {
        name: m.name,
        version: number,
        creationTime: time,
        lastUpdatedTime: time,
        // As MLflow's server: unset text fields arrive as "" (handlers.py _create_model_version).
        description: request.description ?? "",
        userId: null,
        currentStage: "None",
        source: resolved.source,
        storageLocation: resolved.storageLocation,
        runId: resolved.runId,
        status: "READY",
        statusMessage: null,
        runLink: request.runLink ?? "",
        tags: new Map(tags.map((t: Tag) => [t.key, t.value])),
      };
      m.versions.set(number, v);
      m.lastUpdatedTime = time;
      return versionEntity(m, v, true);
    },

    async getModelVersion(name, version) {
      const found = liveVersion(name, version);
      return versionEntity(found.model, found.version, true);
    },

    async updateModelVersion(name, version, update) {
      const found = liveVersion(name, version);
      // The server passes None when no description is given, which clears it (handlers.py _update_model_version).
      found.version.description = update.description ?? null;
      found.version.lastUpdatedTime = now();
      return versionEntity(found.model, found.version, true);
    },

    async transitionModelVersionStage(name, version, stage, archiveExistingVersions) {
      check();
      const canonical = validateStageTransition(stage, archiveExistingVersions);
      const { model: m, version: v } = liveVersion(name, version);
      const time = now();
      if (archiveExistingVersions) {
        for (const other of m.versions.values()) {
          if (other !== v && other.currentStage === canonical) {
            other.currentStage = "Archived";
            other.lastUpdatedTime = time;
          }
        }
      }
      v.currentStage = canonical;
      v.lastUpdatedTime = time;
      m.lastUpdatedTime = time;
      return versionEntity(m, v, true);
    },

    async deleteModelVersion(name, version) {
      check();
      parseModelVersion(version); // MLflow checks the version before the name (sqlalchemy_store.py:1214)
      const { model: m, version: v } = liveVersion(name, version);
      const time = now();
      m.lastUpdatedTime = time;
      for (const [alias, target] of m.aliases) if (target === v.version) m.aliases.delete(alias);
      // A soft delete with MLflow's redactions (sqlalchemy_store.py:1229-1237); tags are kept.
      v.currentStage = STAGE_DELETED_INTERNAL;
      v.lastUpdatedTime = time;
      v.description = null;
      v.userId = null;
      v.source = "REDACTED-SOURCE-PATH";
      v.runId = "REDACTED-RUN-ID";
      v.runLink = "REDACTED-RUN-LINK";
      v.statusMessage = null;
    },

    async searchModelVersions(opts = {}) {
      check();
      const maxResults = validateModelVersionsMaxResults(opts.maxResults);
      const filter = parseFilter(opts.filter, "modelVersions");
      const orderBy = parseRegistryOrderBy(opts.orderBy, "modelVersions");
      const rows: { m: ModelRecord; v: VersionRecord; s: ModelVersionSearchEntity }[] = [];
      for (const m of models.values()) {
        for (const v of m.versions.values()) {
          const s: ModelVersionSearchEntity = {
            name: v.name,
            version: v.version,
            runId: v.runId,
            source: v.source,
            creationTimestamp: v.creationTime,
            lastUpdatedTimestamp: v.lastUpdatedTime,
            currentStage: v.currentStage,
            tags: tagsOf(v.tags),
          };
          if (matchesModelVersion(s, filter)) rows.push({ m, v, s });
        }
      }
      rows.sort((a, b) => compareModelVersions(a.s, b.s, orderBy));
      // MLflow's search returns versions without their aliases (sqlalchemy_store.py:1376, to_mlflow_entity).
      const { items, nextPageToken } = paginate(rows, maxResults, opts.pageToken);
      const page: Page<ModelVersion> = { items: items.map(({ m, v }) => versionEntity(m, v, false)) };
      return nextPageToken === undefined ? page : { ...page, nextPageToken };
    },

    async getModelVersionDownloadUri(name, version) {
      const { version: v } = liveVersion(name, version);
      return v.storageLocation || (v.source ?? "");
    },

    async setModelVersionTag(name, version, key, value) {
      check();
      validateModelName(name);
      parseModelVersion(version);
      const tag = validateRegistryTag({ key, value });
      liveVersion(name, version).version.tags.set(tag.key, tag.value);
    },

    async deleteModelVersionTag(name, version, key) {
      check();
      validateModelName(name);
      parseModelVersion(version);
      validateRegistryTagKey(key);
      liveVersion(name, version).version.tags.delete(key);
    },

    async setRegisteredModelAlias(name, alias, version) {
      check();
      validateModelName(name);
      validateAliasNotReserved(validateAliasName(alias));
      parseModelVersion(version);
      const { model: m, version: v } = liveVersion(name, version);
      m.aliases.set(alias, v.version);
    },

    async deleteRegisteredModelAlias(name, alias) {
      check();
      validateModelName(name);
      validateAliasName(alias);
      model(name).aliases.delete(alias);
    },

    async getModelVersionByAlias(name, alias) {
      check();
      validateModelName(name);
      validateAliasName(alias);
      if (alias.toLowerCase() === "latest") {
        // sqlalchemy_store.py:1570-1578: the newest of the latest versions of every stage.
        const latest = latestVersions(name);
        if (latest.length === 0) throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `Latest version not found for model ${name}.`, { component: "registry" });
        return latest.reduce((a, b) => (Number(b.version) > Number(a.version) ? b : a));
      }
      const m = model(name);
      const target = m.aliases.get(alias);
      if (target === undefined) throw aliasNotFound(alias);
      return store.getModelVersion(name, String(target));
    },

    async close() {
      closed = true;
    },
  };
  return store;
}
