/**
 * Registered models in the SQL registry store: create, read, rename, update, delete (with their
 * versions, tags and aliases), latest versions and tags.
 *
 * @module
 */
import { validateModelName, validateRegistryTag, validateRegistryTagKey, validateRegistryTags } from "../../../mlflow/registry-validation.js";
import { modelExists } from "../registry-semantics.js";
import { type SqlRegistryContext, WORKSPACE } from "./context.js";
import { loadLatestVersions, loadModel } from "./rows.js";
import type { RegisteredModelOps } from "../ops.js";


/**
 * The registered-model methods on the shared SQL context.
 *
 * @example
 * ```ts
 * const { createRegisteredModel } = createRegisteredModelOps(ctx);
 * await createRegisteredModel("sentiment-tfidf", { tags: [{ key: "team", value: "nlp" }] });
 * ```
 */
export function createRegisteredModelOps(ctx: SqlRegistryContext): RegisteredModelOps {
  const { s, read, write, check, now } = ctx;
  return {
    async createRegisteredModel(name, opts = {}) {
      check();
      validateModelName(name);
      const tags = validateRegistryTags(opts.tags);
      return write(() => {
        if (s.model.get(WORKSPACE, name) !== undefined) throw modelExists(name);
        const time = now();
        s.insertModel.run(name, time, time, opts.description ?? "", WORKSPACE); // "" as MLflow's server stores it
        for (const t of tags) s.upsertModelTag.run(t.key, t.value, name, WORKSPACE);
        return loadModel(ctx, name);
      });
    },

    async getRegisteredModel(name) {
      return read(() => loadModel(ctx, name));
    },

    async renameRegisteredModel(name, newName) {
      check();
      validateModelName(newName, "new_name");
      return write(() => {
        ctx.modelRow(name);
        if (newName !== name && s.model.get(WORKSPACE, newName) !== undefined) throw modelExists(newName);
        const time = now();
        // The foreign keys' ON UPDATE CASCADE carries the new name to versions, tags and aliases;
        // MLflow also stamps every version with the rename's time (sqlalchemy_store.py:486-492).
        s.renameModel.run(newName, time, WORKSPACE, name);
        s.touchVersionsOf.run(time, WORKSPACE, newName);
        return loadModel(ctx, newName);
      });
    },

    async updateRegisteredModel(name, update) {
      return write(() => {
        ctx.modelRow(name);
        s.describeModel.run(update.description ?? "", now(), WORKSPACE, name); // the server passes "" (handlers.py _update_registered_model)
        return loadModel(ctx, name);
      });
    },

    async deleteRegisteredModel(name) {
      write(() => {
        ctx.modelRow(name);
        // MLflow's ORM cascades (dbmodels/models.py: cascade="all"): children first.
        s.deleteModelVersionTags.run(WORKSPACE, name);
        s.deleteModelAliases.run(WORKSPACE, name);
        s.deleteModelTags.run(WORKSPACE, name);
        s.deleteModelVersions.run(WORKSPACE, name);
        s.deleteModel.run(WORKSPACE, name);
      });
    },

    async getLatestVersions(name, stages) {
      return read(() => loadLatestVersions(ctx, name, stages));
    },

    async setRegisteredModelTag(name, key, value) {
      check();
      validateModelName(name);
      const tag = validateRegistryTag({ key, value });
      write(() => {
        ctx.modelRow(name);
        s.upsertModelTag.run(tag.key, tag.value, name, WORKSPACE);
      });
    },

    async deleteRegisteredModelTag(name, key) {
      check();
      validateModelName(name);
      validateRegistryTagKey(key);
      write(() => {
        ctx.modelRow(name);
        s.deleteModelTag.run(WORKSPACE, name, key);
      });
    },
  };
}
