/**
 * Experiments in the memory tracking store: create, read, rename, soft delete and restore (with
 * their runs), tags.
 *
 * @module
 */
import { SentiMlopsError } from "../../../errors.js";
import { validateExperimentName, validateExperimentTag } from "../../../mlflow/validation.js";
import { cannotRenameInactive, experimentExists, experimentNotActive, notFound, validateNewExperiment } from "../tracking-semantics.js";
import { type ExperimentRecord, type MemoryTrackingContext, toExperiment } from "./context.js";
import type { ExperimentOps } from "../ops.js";


/** Sets the stage of an experiment's runs (deleted with the time, or active again). */
function setRunsStage(ctx: MemoryTrackingContext, record: ExperimentRecord, stage: "active" | "deleted", time: number | null): void {
  for (const r of ctx.runs.values()) {
    if (r.experimentId !== record.id) continue;
    r.lifecycleStage = stage;
    r.deletedTime = time;
  }
}

/** The experiment if active (for tag writes), else MLflow's error. */
function activeExperiment(ctx: MemoryTrackingContext, experimentId: string): ExperimentRecord {
  const record = ctx.experiment(experimentId);
  if (record.lifecycleStage !== "active") throw experimentNotActive(experimentId, record.lifecycleStage);
  return record;
}

/**
 * The experiment methods on the shared memory context.
 *
 * @example
 * ```ts
 * const { createExperiment } = createExperimentOps(createMemoryTrackingContext());
 * const id = await createExperiment("sentiment"); // "1"
 * ```
 */
export function createExperimentOps(ctx: MemoryTrackingContext): ExperimentOps {
  const { experiments, check, now } = ctx;
  return {
    async createExperiment(name, opts = {}) {
      check();
      const tags = validateNewExperiment(name, opts);
      if ([...experiments.values()].some((e) => e.name === name)) throw experimentExists(name);
      return String(ctx.addExperiment(name, opts.artifactLocation || undefined, tags));
    },

    async getExperiment(experimentId) {
      return toExperiment(ctx.experiment(experimentId));
    },

    async getExperimentByName(name) {
      check();
      const found = [...experiments.values()].find((e) => e.name === name);
      return found ? toExperiment(found) : null;
    },

    async renameExperiment(experimentId, newName) {
      validateExperimentName(newName);
      const record = ctx.experiment(experimentId);
      if (record.lifecycleStage !== "active") throw cannotRenameInactive();
      // MLflow checks nothing before the UPDATE (sqlalchemy_store.py:1036 rename_experiment): the
      // UNIQUE name constraint fails at commit, and the session manager turns that IntegrityError into
      // BAD_REQUEST (store/db/utils.py:186-188). Only createExperiment says RESOURCE_ALREADY_EXISTS.
      if ([...experiments.values()].some((e) => e.name === newName && e !== record)) {
        throw new SentiMlopsError("BAD_REQUEST", `UNIQUE constraint failed: experiment name '${newName}' is already taken.`, { component: "tracking" });
      }
      record.name = newName;
      record.lastUpdateTime = now();
    },

    async deleteExperiment(experimentId) {
      const record = ctx.experiment(experimentId, "ACTIVE_ONLY");
      const time = now();
      record.lifecycleStage = "deleted";
      record.lastUpdateTime = time;
      setRunsStage(ctx, record, "deleted", time);
    },

    async restoreExperiment(experimentId) {
      const record = ctx.experiment(experimentId, "DELETED_ONLY");
      record.lifecycleStage = "active";
      record.lastUpdateTime = now();
      setRunsStage(ctx, record, "active", null);
    },

    async setExperimentTag(experimentId, key, value) {
      const tag = validateExperimentTag({ key, value });
      activeExperiment(ctx, experimentId).tags.set(tag.key, tag.value);
    },

    async deleteExperimentTag(experimentId, key) {
      const record = activeExperiment(ctx, experimentId);
      if (!record.tags.delete(key)) throw notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
    },
  };
}
