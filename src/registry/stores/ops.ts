/**
 * The methods of a registry store by entity: what each entity module of the memory and SQL stores
 * implements (`createXxxOps(ctx)`), declared once for both.
 *
 * @module
 */
import type { RegistryStore } from "../../mlflow/registry-store.js";

/**
 * The alias methods of a registry store.
 *
 * @example
 * ```ts
 * const ops: AliasOps = createAliasOps(ctx);
 * ```
 */
export type AliasOps = Pick<RegistryStore, "setRegisteredModelAlias" | "deleteRegisteredModelAlias" | "getModelVersionByAlias">;

/**
 * The registered-model methods of a registry store.
 *
 * @example
 * ```ts
 * const ops: RegisteredModelOps = createRegisteredModelOps(ctx);
 * ```
 */
export type RegisteredModelOps = Pick<
  RegistryStore,
  | "createRegisteredModel"
  | "getRegisteredModel"
  | "renameRegisteredModel"
  | "updateRegisteredModel"
  | "deleteRegisteredModel"
  | "getLatestVersions"
  | "setRegisteredModelTag"
  | "deleteRegisteredModelTag"
>;

/**
 * The search methods of a registry store.
 *
 * @example
 * ```ts
 * const ops: SearchOps = createSearchOps(ctx);
 * ```
 */
export type SearchOps = Pick<RegistryStore, "searchRegisteredModels" | "searchModelVersions">;

/**
 * The model-version methods of a registry store.
 *
 * @example
 * ```ts
 * const ops: VersionOps = createVersionOps(ctx);
 * ```
 */
export type VersionOps = Pick<
  RegistryStore,
  | "createModelVersion"
  | "getModelVersion"
  | "updateModelVersion"
  | "transitionModelVersionStage"
  | "deleteModelVersion"
  | "getModelVersionDownloadUri"
  | "setModelVersionTag"
  | "deleteModelVersionTag"
>;
