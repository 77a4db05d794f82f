/**
 * Registered models in the memory registry store: create, read, rename, update, delete, latest
 * versions and tags.
 *
 * @module
 */
import { validateModelName, validateRegistryTag, validateRegistryTagKey, validateRegistryTags } from "../../../mlflow/registry-validation.js";
import { modelExists } from "../registry-semantics.js";
import { latestVersions, type MemoryRegistryContext, type ModelRecord, modelEntity } from "./context.js";
import type { RegisteredModelOps } from "../ops.js";


/**
 * The registered-model methods on the shared memory context.
 *
 * @example
 * ```ts
 * const { createRegisteredModel } = createRegisteredModelOps(createMemoryRegistryContext());
 * await createRegisteredModel("sentiment-tfidf");
 * ```
 */
export function createRegisteredModelOps(ctx: MemoryRegistryContext): RegisteredModelOps {
  const { models, check, now } = ctx;
  return {
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
      return modelEntity(ctx.model(name), "get");
    },

    async renameRegisteredModel(name, newName) {
      check();
      validateModelName(newName, "new_name");
      const m = ctx.model(name);
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
      const m = ctx.model(name);
      m.description = update.description ?? ""; // the server passes "" (handlers.py _update_registered_model)
      m.lastUpdatedTime = now();
      return modelEntity(m, "get");
    },

    async deleteRegisteredModel(name) {
      ctx.model(name);
      models.delete(name);
    },

    async getLatestVersions(name, stages) {
      return latestVersions(ctx, name, stages);
    },

    async setRegisteredModelTag(name, key, value) {
      check();
      validateModelName(name);
      const tag = validateRegistryTag({ key, value });
      ctx.model(name).tags.set(tag.key, tag.value);
    },

    async deleteRegisteredModelTag(name, key) {
      check();
      validateModelName(name);
      validateRegistryTagKey(key);
      ctx.model(name).tags.delete(key);
    },
  };
}
