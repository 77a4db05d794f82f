/**
 * A model registry held in memory, with the semantics of MLflow's SQL registry store (version
 * numbering that never reuses a number, soft-deleted versions, stage transitions, aliases,
 * validation, error codes and messages) — for tests, notebooks, browsers and short-lived processes.
 * Searches use the shared search module, so they filter and order as the SQL store does. Model
 * version sources are checked as MLflow's server checks them (`version-source.ts`).
 *
 * This module composes the entity modules of `./memory/` (registered models, versions, aliases,
 * search) over their shared context.
 *
 * @module
 */
import type { RegistryStore } from "../../mlflow/registry-store.js";
import { createAliasOps } from "./memory/aliases.js";
import { createMemoryRegistryContext, type MemoryRegistryStoreOptions } from "./memory/context.js";
import { createRegisteredModelOps } from "./memory/registered-models.js";
import { createSearchOps } from "./memory/search.js";
import { createVersionOps } from "./memory/versions.js";
import { withWellFormedStrings } from "../../mlflow/well-formed-strings.js";

export type { MemoryRegistryStoreOptions } from "./memory/context.js";

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
  const ctx = createMemoryRegistryContext(options);
  const store: RegistryStore = {
    uri: ctx.uri,
    ...createRegisteredModelOps(ctx),
    ...createVersionOps(ctx),
    ...createAliasOps(ctx),
    ...createSearchOps(ctx),
    async close() {
      ctx.markClosed();
    },
  };
  ctx.bindStore(store);
  return withWellFormedStrings(store, "registry");
}
