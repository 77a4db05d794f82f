/**
 * The shared context of the memory registry store's entity modules: the records, the clock, the
 * lookups every entity checks against, and the records read back as MLflow entities.
 *
 * @module
 */
import { hasErrorCode, SentiMlopsError } from "../../../errors.js";
import type { ModelVersion, RegisteredModel } from "../../../mlflow/registry-entities.js";
import type { RegistryStore } from "../../../mlflow/registry-store.js";
import { latestVersionStages, parseModelVersion, validateModelName } from "../../../mlflow/registry-validation.js";
import { STAGE_DELETED_INTERNAL } from "../../../mlflow/search/index.js";
import type { TrackingStore } from "../../../mlflow/tracking-store.js";
import { latestVersionsOf, modelNotFound, toModelVersion, toRegisteredModel, versionNotFound } from "../registry-semantics.js";

/**
 * Options of `createMemoryRegistryStore`.
 *
 * @example
 * ```ts
 * const options: MemoryRegistryStoreOptions = { tracking: createMemoryStore(), now: () => 1_700_000_000_000 };
 * ```
 */
export interface MemoryRegistryStoreOptions {
  /** The clock, in epoch ms. @default Date.now */
  now?: () => number;
  /** What `RegistryStore.uri` says. @default "memory:" */
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

/**
 * A model version held in memory.
 *
 * @example
 * ```ts
 * const { version }: { version: VersionRecord } = ctx.liveVersion("sentiment-tfidf", "1");
 * ```
 */
export interface VersionRecord {
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

/**
 * A registered model held in memory, with its aliases and every version ever created.
 *
 * @example
 * ```ts
 * const model: ModelRecord = ctx.model("sentiment-tfidf");
 * ```
 */
export interface ModelRecord {
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
 * What the memory registry store's entity modules share.
 *
 * @example
 * ```ts
 * const ctx = createMemoryRegistryContext();
 * const ops = { ...createRegisteredModelOps(ctx), ...createVersionOps(ctx), ...createAliasOps(ctx), ...createSearchOps(ctx) };
 * ```
 */
export interface MemoryRegistryContext {
  readonly models: Map<string, ModelRecord>;
  readonly now: () => number;
  readonly uri: string;
  /** Throws `INVALID_STATE` once the store is closed. */
  readonly check: () => void;
  readonly markClosed: () => void;
  /** The model, after MLflow's name check (`_get_registered_model`). */
  readonly model: (name: string) => ModelRecord;
  /** A live (not soft-deleted) version, after MLflow's name and version checks (`_get_sql_model_version`). */
  readonly liveVersion: (name: string, version: unknown) => { model: ModelRecord; version: VersionRecord };
  /** A run's artifact URI from the tracking store, or null when there is no such run (or no tracking store). */
  readonly runArtifactUri: (runId: string) => Promise<string | null>;
  /** The composed store, for reads that go through its public methods. */
  readonly store: () => RegistryStore;
  /** Tells the context the composed store, once. */
  readonly bindStore: (store: RegistryStore) => void;
}

/**
 * Creates the shared context of an empty in-memory registry.
 *
 * @example
 * ```ts
 * const ctx = createMemoryRegistryContext({ tracking: createMemoryStore() });
 * ctx.models.size; // 0
 * ```
 */
export function createMemoryRegistryContext(options: MemoryRegistryStoreOptions = {}): MemoryRegistryContext {
  const models = new Map<string, ModelRecord>();
  let closed = false;
  let bound: RegistryStore | undefined;
  const check = (): void => {
    if (closed) throw new SentiMlopsError("INVALID_STATE", "the memory registry store is closed", { component: "registry" });
  };
  return {
    models,
    now: options.now ?? Date.now,
    uri: options.uri ?? "memory:",
    check,
    markClosed: () => void (closed = true),
    model: (name) => {
      check();
      validateModelName(name);
      const m = models.get(name);
      if (m === undefined) throw modelNotFound(name);
      return m;
    },
    liveVersion: (name, version) => {
      check();
      validateModelName(name);
      const number = parseModelVersion(version);
      const m = models.get(name);
      const v = m?.versions.get(number);
      if (m === undefined || v === undefined || v.currentStage === STAGE_DELETED_INTERNAL) throw versionNotFound(name, number);
      return { model: m, version: v };
    },
    runArtifactUri: async (runId) => {
      if (options.tracking === undefined) return null;
      try {
        return (await options.tracking.getRun(runId)).info.artifactUri;
      } catch (e) {
        if (hasErrorCode(e, "RESOURCE_DOES_NOT_EXIST")) return null; // handlers.py _get_source_run
        throw e;
      }
    },
    store: () => bound!,
    bindStore: (store) => {
      bound = store;
    },
  };
}

const tagsOf = (tags: Map<string, string>): Record<string, string> => Object.fromEntries(tags);

/**
 * A version as MLflow returns it; `withAliases` false where MLflow leaves them out (searches, latest_versions).
 *
 * @example
 * ```ts
 * const { model, version } = ctx.liveVersion("sentiment-tfidf", "1");
 * const entity = versionEntity(model, version, true);
 * ```
 */
export function versionEntity(m: ModelRecord, v: VersionRecord, withAliases: boolean): ModelVersion {
  const aliases = withAliases ? [...m.aliases].filter(([, n]) => n === v.version).map(([alias]) => alias) : [];
  return toModelVersion(v, tagsOf(v.tags), aliases);
}

/**
 * A registered model as MLflow returns it, with its latest versions in `order`.
 *
 * @example
 * ```ts
 * const entity = modelEntity(ctx.model("sentiment-tfidf"), "get");
 * ```
 */
export function modelEntity(m: ModelRecord, order: "get" | "search"): RegisteredModel {
  return toRegisteredModel(
    m,
    latestVersionsOf(m.versions.values(), order).map((v) => versionEntity(m, v, false)),
    tagsOf(m.tags),
    [...m.aliases].map(([alias, version]) => ({ alias, version: String(version) })),
  );
}

/**
 * The latest version of each stage in `stages` (every stage when none is given), as MLflow's
 * `get_latest_versions`.
 *
 * @example
 * ```ts
 * const [production] = latestVersions(ctx, "sentiment-tfidf", ["Production"]);
 * ```
 */
export function latestVersions(ctx: MemoryRegistryContext, name: string, stages?: readonly string[]): ModelVersion[] {
  const m = ctx.model(name);
  const wanted: Set<string> = latestVersionStages(stages);
  return latestVersionsOf(m.versions.values(), "get")
    .filter((v) => wanted.has(v.currentStage))
    .map((v) => versionEntity(m, v, true));
}

/**
 * A tag map as a plain record.
 *
 * @example
 * ```ts
 * tagRecord(new Map([["team", "nlp"]])); // { team: "nlp" }
 * ```
 */
export const tagRecord = tagsOf;
