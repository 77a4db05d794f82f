/**
 * Aliases in the memory registry store: set, delete, and the version an alias (or `latest`) names.
 *
 * @module
 */
import { SentiMlopsError } from "../../../errors.js";
import { parseModelVersion, validateAliasName, validateAliasNotReserved, validateModelName } from "../../../mlflow/registry-validation.js";
import { aliasNotFound } from "../registry-semantics.js";
import { latestVersions, type MemoryRegistryContext } from "./context.js";
import type { AliasOps } from "../ops.js";


/**
 * The alias methods on the shared memory context.
 *
 * @example
 * ```ts
 * const { getModelVersionByAlias } = createAliasOps(ctx);
 * (await getModelVersionByAlias("sentiment-tfidf", "champion")).version; // "1"
 * ```
 */
export function createAliasOps(ctx: MemoryRegistryContext): AliasOps {
  const { check } = ctx;
  return {
    async setRegisteredModelAlias(name, alias, version) {
      check();
      validateModelName(name);
      validateAliasNotReserved(validateAliasName(alias));
      parseModelVersion(version);
      const { model: m, version: v } = ctx.liveVersion(name, version);
      m.aliases.set(alias, v.version);
    },

    async deleteRegisteredModelAlias(name, alias) {
      check();
      validateModelName(name);
      validateAliasName(alias);
      ctx.model(name).aliases.delete(alias);
    },

    async getModelVersionByAlias(name, alias) {
      check();
      validateModelName(name);
      validateAliasName(alias);
      if (alias.toLowerCase() === "latest") {
        // sqlalchemy_store.py:1570-1578: the newest of the latest versions of every stage.
        const latest = latestVersions(ctx, name);
        if (latest.length === 0) throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `Latest version not found for model ${name}.`, { component: "registry" });
        return latest.reduce((a, b) => (Number(b.version) > Number(a.version) ? b : a));
      }
      const m = ctx.model(name);
      const target = m.aliases.get(alias);
      if (target === undefined) throw aliasNotFound(alias);
      return ctx.store().getModelVersion(name, String(target));
    },
  };
}
