/**
 * Experiments in the SQL tracking store: create, read, rename, soft delete and restore (with their
 * runs), tags.
 *
 * @module
 */
import type { Tag } from "../../../mlflow/tracking-entities.js";
import { validateExperimentName, validateExperimentTag } from "../../../mlflow/validation.js";
import { cannotRenameInactive, experimentExists, joinUri, notFound, validateNewExperiment } from "../tracking-semantics.js";
import type { ExperimentRow, SqlTrackingContext } from "./context.js";
import { loadExperiments } from "./rows.js";
import type { ExperimentOps } from "../ops.js";


/** Inserts a new experiment; its location defaults to `<artifact root>/<id>`. */
function insertExperiment(ctx: SqlTrackingContext, name: string, location: string | undefined, tags: readonly Tag[]): string {
  const { s } = ctx;
  if (s.experimentIdByName.get(name) !== undefined) throw experimentExists(name);
  const time = ctx.now();
  // As MLflow: insert without an id (SQLite assigns max(rowid) + 1), then derive the location from it.
  const id = Number(s.insertExperiment.run(name, location ?? null, time, time).lastInsertRowid);
  if (location === undefined) s.setExperimentLocation.run(joinUri(ctx.artifactRoot, String(id)), id);
  for (const t of tags) s.upsertExperimentTag.run(t.key, t.value, id);
  return String(id);
}

/**
 * The experiment methods on the shared SQL context.
 *
 * @example
 * ```ts
 * const { createExperiment } = createExperimentOps(createSqlTrackingContext(db));
 * const id = await createExperiment("sentiment");
 * ```
 */
export function createExperimentOps(ctx: SqlTrackingContext): ExperimentOps {
  const { s, read, write, check, now } = ctx;
  return {
    async createExperiment(name, opts = {}) {
      check();
      const tags = validateNewExperiment(name, opts);
      const location = opts.artifactLocation ? ctx.resolveLocation(opts.artifactLocation) : undefined;
      return write(() => insertExperiment(ctx, name, location, tags));
    },

    async getExperiment(experimentId) {
      return read(() => loadExperiments(ctx, [ctx.experimentRow(experimentId)])[0]!);
    },

    async getExperimentByName(name) {
      return read(() => {
        const row = s.experimentByName.get(name) as ExperimentRow | undefined;
        return row ? loadExperiments(ctx, [row])[0]! : null;
      });
    },

    async renameExperiment(experimentId, newName) {
      check();
      validateExperimentName(newName);
      write(() => {
        const row = ctx.experimentRow(experimentId);
        if (row.lifecycle_stage !== "active") throw cannotRenameInactive();
        // As MLflow (sqlalchemy_store.py rename_experiment): no check before the UPDATE; a taken name
        // fails the UNIQUE (workspace, name) constraint, an IntegrityError that MLflow reports as BAD_REQUEST.
        s.renameExperiment.run(newName, now(), row.experiment_id);
      });
    },

    async deleteExperiment(experimentId) {
      write(() => {
        const row = ctx.experimentRow(experimentId, "ACTIVE_ONLY");
        const time = now();
        s.setExperimentStage.run("deleted", time, row.experiment_id);
        s.setExperimentRunsStage.run("deleted", time, row.experiment_id);
      });
    },

    async restoreExperiment(experimentId) {
      write(() => {
        const row = ctx.experimentRow(experimentId, "DELETED_ONLY");
        s.setExperimentStage.run("active", now(), row.experiment_id);
        s.setExperimentRunsStage.run("active", null, row.experiment_id);
      });
    },

    async setExperimentTag(experimentId, key, value) {
      check();
      const tag = validateExperimentTag({ key, value });
      write(() => {
        const row = ctx.experimentRow(experimentId);
        ctx.requireActiveExperiment(row, experimentId);
        s.upsertExperimentTag.run(tag.key, tag.value, row.experiment_id);
      });
    },

    async deleteExperimentTag(experimentId, key) {
      write(() => {
        const row = ctx.experimentRow(experimentId);
        ctx.requireActiveExperiment(row, experimentId);
        if (s.deleteExperimentTag.run(row.experiment_id, key).changes === 0) {
          throw notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
        }
      });
    },
  };
}
