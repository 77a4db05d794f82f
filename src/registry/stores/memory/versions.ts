/**
 * Model versions in the memory registry store: create (with MLflow's source checks), read, update,
 * stage transitions, soft delete, download URI and tags.
 *
 * @module
 */
import type { CreateModelVersionRequest } from "../../../mlflow/registry-store.js";
import {
  parseModelVersion,
  validateModelName,
  validateRegistryTag,
  validateRegistryTagKey,
  validateRegistryTags,
  validateSource,
  validateStageTransition,
} from "../../../mlflow/registry-validation.js";
import { STAGE_DELETED_INTERNAL } from "../../../mlflow/search/index.js";
import type { Tag } from "../../../mlflow/tracking-entities.js";
import { type ResolvedSource, resolveVersionSource } from "../version-source.js";
import { type MemoryRegistryContext, type ModelRecord, versionEntity, type VersionRecord } from "./context.js";
import type { VersionOps } from "../ops.js";


/** The next version of `m` (numbers are never reused), as MLflow's server creates it. */
function newVersion(m: ModelRecord, request: CreateModelVersionRequest, resolved: ResolvedSource, tags: readonly Tag[], time: number): VersionRecord {
  return {
    name: m.name,
    version: Math.max(0, ...m.versions.keys()) + 1,
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
}

/** A soft delete with MLflow's redactions (sqlalchemy_store.py:1229-1237); tags are kept. */
function softDelete(v: VersionRecord, time: number): void {
  v.currentStage = STAGE_DELETED_INTERNAL;
  v.lastUpdatedTime = time;
  v.description = null;
  v.userId = null;
  v.source = "REDACTED-SOURCE-PATH";
  v.runId = "REDACTED-RUN-ID";
  v.runLink = "REDACTED-RUN-LINK";
  v.statusMessage = null;
}

/** Archives the versions of `m` other than `v` that are in `stage`. */
function archiveOthers(m: ModelRecord, v: VersionRecord, stage: string, time: number): void {
  for (const other of m.versions.values()) {
    if (other !== v && other.currentStage === stage) {
      other.currentStage = "Archived";
      other.lastUpdatedTime = time;
    }
  }
}

/**
 * The model-version methods on the shared memory context.
 *
 * @example
 * ```ts
 * const { createModelVersion } = createVersionOps(ctx);
 * await createModelVersion({ name: "sentiment-tfidf", source: "runs:/0123456789abcdef0123456789abcdef/model" });
 * ```
 */
export function createVersionOps(ctx: MemoryRegistryContext): VersionOps {
  const { check, now } = ctx;
  return {
    async createModelVersion(request: CreateModelVersionRequest) {
      check();
      validateModelName(request.name);
      validateSource(request.source);
      const tags = validateRegistryTags(request.tags);
      const resolved = await resolveVersionSource(request.source, request.runId, { ...ctx.store(), runArtifactUri: ctx.runArtifactUri });
      const m = ctx.model(request.name);
      const time = now();
      const v = newVersion(m, request, resolved, tags, time);
      m.versions.set(v.version, v);
      m.lastUpdatedTime = time;
      return versionEntity(m, v, true);
    },

    async getModelVersion(name, version) {
      const found = ctx.liveVersion(name, version);
      return versionEntity(found.model, found.version, true);
    },

    async updateModelVersion(name, version, update) {
      const found = ctx.liveVersion(name, version);
      // The server passes None when no description is given, which clears it (handlers.py _update_model_version).
      found.version.description = update.description ?? null;
      found.version.lastUpdatedTime = now();
      return versionEntity(found.model, found.version, true);
    },

    async transitionModelVersionStage(name, version, stage, archiveExistingVersions) {
      check();
      const canonical = validateStageTransition(stage, archiveExistingVersions);
      const { model: m, version: v } = ctx.liveVersion(name, version);
      const time = now();
      if (archiveExistingVersions) archiveOthers(m, v, canonical, time);
      v.currentStage = canonical;
      v.lastUpdatedTime = time;
      m.lastUpdatedTime = time;
      return versionEntity(m, v, true);
    },

    async deleteModelVersion(name, version) {
      check();
      parseModelVersion(version); // MLflow checks the version before the name (sqlalchemy_store.py:1214)
      const { model: m, version: v } = ctx.liveVersion(name, version);
      const time = now();
      m.lastUpdatedTime = time;
      for (const [alias, target] of m.aliases) if (target === v.version) m.aliases.delete(alias);
      softDelete(v, time);
    },

    async getModelVersionDownloadUri(name, version) {
      const { version: v } = ctx.liveVersion(name, version);
      return v.storageLocation || (v.source ?? "");
    },

    async setModelVersionTag(name, version, key, value) {
      check();
      validateModelName(name);
      parseModelVersion(version);
      const tag = validateRegistryTag({ key, value });
      ctx.liveVersion(name, version).version.tags.set(tag.key, tag.value);
    },

    async deleteModelVersionTag(name, version, key) {
      check();
      validateModelName(name);
      parseModelVersion(version);
      validateRegistryTagKey(key);
      ctx.liveVersion(name, version).version.tags.delete(key);
    },
  };
}
