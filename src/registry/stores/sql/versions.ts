/**
 * Model versions in the SQL registry store: create (with MLflow's source checks), read, update,
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
import type { ResolvedSource } from "../version-source.js";
import { resolveVersionSource } from "../version-source.js";
import { type SqlRegistryContext, WORKSPACE } from "./context.js";
import { loadVersion } from "./rows.js";
import type { VersionOps } from "../ops.js";


/** Inserts the next version of `request.name` (max of its versions, deleted ones included, + 1). */
function insertVersion(ctx: SqlRegistryContext, request: CreateModelVersionRequest, resolved: ResolvedSource, tags: readonly Tag[]): number {
  const { s } = ctx;
  ctx.modelRow(request.name);
  const time = ctx.now();
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
  return version;
}

/** Moves a live version to `stage` (archiving the others in it when asked); returns its number. */
function transition(ctx: SqlRegistryContext, name: string, version: string, stage: string, archiveOthers: boolean): number {
  const { s } = ctx;
  const row = ctx.liveVersionRow(name, version);
  const time = ctx.now();
  if (archiveOthers) s.archiveOthers.run(time, WORKSPACE, name, row.version, stage);
  s.stageVersion.run(stage, time, WORKSPACE, name, row.version);
  s.touchModel.run(time, WORKSPACE, name);
  return row.version;
}

/**
 * The model-version methods on the shared SQL context.
 *
 * @example
 * ```ts
 * const { createModelVersion } = createVersionOps(ctx);
 * await createModelVersion({ name: "sentiment-tfidf", source: `runs:/${runId}/model`, runId });
 * ```
 */
export function createVersionOps(ctx: SqlRegistryContext): VersionOps {
  const { s, read, write, check, now } = ctx;
  return {
    async createModelVersion(request: CreateModelVersionRequest) {
      check();
      validateModelName(request.name);
      validateSource(request.source);
      const tags = validateRegistryTags(request.tags);
      const runArtifactUri = async (runId: string): Promise<string | null> =>
        read(() => (s.runArtifactUri.get(runId) as { artifact_uri: string | null } | undefined)?.artifact_uri ?? null);
      const resolved = await resolveVersionSource(request.source, request.runId, { ...ctx.store(), runArtifactUri });
      return write(() => loadVersion(ctx, request.name, insertVersion(ctx, request, resolved, tags)));
    },

    async getModelVersion(name, version) {
      return read(() => loadVersion(ctx, name, version));
    },

    async updateModelVersion(name, version, update) {
      return write(() => {
        const row = ctx.liveVersionRow(name, version);
        // The server passes None when no description is given, which clears it (handlers.py _update_model_version).
        s.describeVersion.run(update.description ?? null, now(), WORKSPACE, name, row.version);
        return loadVersion(ctx, name, row.version);
      });
    },

    async transitionModelVersionStage(name, version, stage, archiveExistingVersions) {
      check();
      const canonical = validateStageTransition(stage, archiveExistingVersions);
      return write(() => loadVersion(ctx, name, transition(ctx, name, version, canonical, archiveExistingVersions)));
    },

    async deleteModelVersion(name, version) {
      check();
      parseModelVersion(version); // MLflow checks the version before the name (sqlalchemy_store.py:1214)
      write(() => {
        const row = ctx.liveVersionRow(name, version);
        const time = now();
        s.touchModel.run(time, WORKSPACE, name);
        s.deleteAliasesOf.run(WORKSPACE, name, row.version);
        // A soft delete with MLflow's redactions (sqlalchemy_store.py:1229-1237); tags are kept.
        s.softDeleteVersion.run(STAGE_DELETED_INTERNAL, time, WORKSPACE, name, row.version);
      });
    },

    async getModelVersionDownloadUri(name, version) {
      return read(() => {
        const row = ctx.liveVersionRow(name, version);
        return row.storage_location || (row.source ?? "");
      });
    },

    async setModelVersionTag(name, version, key, value) {
      check();
      validateModelName(name);
      parseModelVersion(version);
      const tag = validateRegistryTag({ key, value });
      write(() => {
        const row = ctx.liveVersionRow(name, version);
        s.upsertVersionTag.run(tag.key, tag.value, name, row.version, WORKSPACE);
      });
    },

    async deleteModelVersionTag(name, version, key) {
      check();
      validateModelName(name);
      parseModelVersion(version);
      validateRegistryTagKey(key);
      write(() => {
        const row = ctx.liveVersionRow(name, version);
        s.deleteVersionTag.run(WORKSPACE, name, row.version, key);
      });
    },
  };
}
