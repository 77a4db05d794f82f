/**
 * Aliases in the SQL registry store: set, delete, and the version an alias (or `latest`) names.
 *
 * @module
 */
import { SentiMlopsError } from "../../../errors.js";
import { parseModelVersion, validateAliasName, validateAliasNotReserved, validateModelName } from "../../../mlflow/registry-validation.js";
import { aliasNotFound } from "../registry-semantics.js";
import { type SqlRegistryContext, WORKSPACE } from "./context.js";
import { loadLatestVersions, loadVersion } from "./rows.js";
import type { AliasOps } from "../ops.js";


/**
 * The alias methods on the shared SQL context.
 *
 * @example
 * ```ts
 * const { setRegisteredModelAlias } = createAliasOps(ctx);
 * await setRegisteredModelAlias("sentiment-tfidf", "champion", "3");
 * ```
 */
export function createAliasOps(ctx: SqlRegistryContext): AliasOps {
  const { s, read, write, check } = ctx;
  return {
    async setRegisteredModelAlias(name, alias, version) {
      check();
      validateModelName(name);
      validateAliasNotReserved(validateAliasName(alias));
      parseModelVersion(version);
      write(() => {
        const row = ctx.liveVersionRow(name, version);
        s.upsertAlias.run(alias, row.version, name, WORKSPACE);
      });
    },

    async deleteRegisteredModelAlias(name, alias) {
      check();
      validateModelName(name);
      validateAliasName(alias);
      write(() => {
        ctx.modelRow(name);
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
          const latest = loadLatestVersions(ctx, name);
          if (latest.length === 0) throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `Latest version not found for model ${name}.`, { component: "registry" });
          return latest.reduce((a, b) => (Number(b.version) > Number(a.version) ? b : a));
        }
        ctx.modelRow(name);
        const target = s.alias.get(WORKSPACE, name, alias) as { version: number } | undefined;
        if (target === undefined) throw aliasNotFound(alias);
        return loadVersion(ctx, name, Number(target.version));
      });
    },
  };
}
