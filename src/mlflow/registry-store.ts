/**
 * The registry store interface: MLflow's abstract model-registry store in camelCase. Every
 * implementation (memory, SQL in MLflow's schema, REST against an MLflow server) gives the same
 * results and the same error codes for the same calls; a shared conformance suite and a
 * differential test against a real MLflow server check it.
 *
 * @module
 */
import type { Page, Tag } from "./tracking-entities.js";
import type { ModelVersion, ModelVersionStage, RegisteredModel } from "./registry-entities.js";

/**
 * Options of {@link RegistryStore.searchRegisteredModels}.
 *
 * @example
 * ```ts
 * const page = await tracking.registry.searchRegisteredModels({ filter: "name LIKE 'sentiment%'", maxResults: 10 });
 * ```
 */
export interface SearchRegisteredModelsOptions {
  /** MLflow's filter grammar: `name LIKE 'sentiment%' AND tags.team = 'nlp'`. */
  filter?: string;
  /** 1 … 1000. @default 100 */
  maxResults?: number;
  /** Keys `name`, `timestamp`, `last_updated_timestamp`. @default ["name ASC"] */
  orderBy?: readonly string[];
  pageToken?: string;
}

/**
 * Options of {@link RegistryStore.searchModelVersions}.
 *
 * @example
 * ```ts
 * const page = await tracking.registry.searchModelVersions({ filter: "name = 'sentiment-tfidf'", orderBy: ["version_number DESC"] });
 * ```
 */
export interface SearchModelVersionsOptions {
  /** MLflow's filter grammar: `name = 'sentiment-tfidf' AND version_number > 2`. */
  filter?: string;
  /** 1 … 200 000. @default 200000 */
  maxResults?: number;
  /** @default ["last_updated_timestamp DESC", "name ASC", "version_number DESC"] */
  orderBy?: readonly string[];
  pageToken?: string;
}

/**
 * What {@link RegistryStore.createModelVersion} needs.
 *
 * @example
 * ```ts
 * const version = await tracking.registry.createModelVersion({ name: "sentiment-tfidf", source: `runs:/${runId}/model`, runId });
 * ```
 */
export interface CreateModelVersionRequest {
  /** The registered model; it must exist. */
  name: string;
  /** Where the model files are, e.g. `runs:/<runId>/model`. */
  source: string;
  /** @default "" */
  runId?: string;
  tags?: readonly Tag[];
  /** @default "" */
  runLink?: string;
  /** @default "" */
  description?: string;
}

/**
 * MLflow's model-registry store.
 *
 * Errors are `SentiMlopsError`s with MLflow's codes: `RESOURCE_DOES_NOT_EXIST` for an unknown
 * model, version or alias; `RESOURCE_ALREADY_EXISTS` for a taken name; `INVALID_PARAMETER_VALUE`
 * for bad input (names with `/` or `:`, bad aliases, bad stages, bad filters).
 *
 * @example
 * ```ts
 * const registry: RegistryStore = createMemoryRegistryStore();
 * await registry.createRegisteredModel("sentiment-tfidf");
 * const v = await registry.createModelVersion({ name: "sentiment-tfidf", source: "runs:/0123…/model", runId: "0123…" });
 * await registry.setRegisteredModelAlias("sentiment-tfidf", "champion", v.version);
 * (await registry.getModelVersionByAlias("sentiment-tfidf", "champion")).version; // "1"
 * ```
 */
export interface RegistryStore {
  /** A short description for messages, e.g. `sqlite:///mlflow.db`. */
  readonly uri: string;

  createRegisteredModel(name: string, options?: { tags?: readonly Tag[]; description?: string }): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  /** Renames the model and all its versions. */
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  updateRegisteredModel(name: string, update: { description?: string }): Promise<RegisteredModel>;
  /** Hard delete: the model, its versions, tags and aliases. */
  deleteRegisteredModel(name: string): Promise<void>;
  searchRegisteredModels(options?: SearchRegisteredModelsOptions): Promise<Page<RegisteredModel>>;
  /** The newest version per stage (all stages when `stages` is empty or absent). */
  getLatestVersions(name: string, stages?: readonly string[]): Promise<ModelVersion[]>;
  setRegisteredModelTag(name: string, key: string, value: string): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;

  /** Creates the next version (max existing, deleted ones included, + 1), status `READY`. */
  createModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  updateModelVersion(name: string, version: string, update: { description?: string }): Promise<ModelVersion>;
  /**
   * Moves a version to `stage` (case-insensitive). With `archiveExistingVersions`, the other
   * versions in that stage (Staging or Production only) become `Archived`.
   */
  transitionModelVersionStage(
    name: string,
    version: string,
    stage: ModelVersionStage | string,
    archiveExistingVersions: boolean,
  ): Promise<ModelVersion>;
  /** Soft delete, as MLflow: the version disappears from gets and searches; its number is never reused. */
  deleteModelVersion(name: string, version: string): Promise<void>;
  searchModelVersions(options?: SearchModelVersionsOptions): Promise<Page<ModelVersion>>;
  /** Where the version's files are: its `source`, unresolved (may be `runs:/…`). */
  getModelVersionDownloadUri(name: string, version: string): Promise<string>;
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>;
  deleteModelVersionTag(name: string, version: string, key: string): Promise<void>;

  /** Points `alias` at `version`, moving it if it pointed elsewhere. */
  setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void>;
  deleteRegisteredModelAlias(name: string, alias: string): Promise<void>;
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;

  /** Releases resources the store owns. */
  close(): Promise<void>;
}
