/**
 * MLflow's model registry: registered models, versions, tags, aliases and (legacy) stages — the
 * `RegistryStore` interface, its entities, and its REST store (an MLflow server). The memory and
 * SQL stores are in `senti-mlops/stores`. A tracking client's `registry` is one of these, chosen
 * by the tracking URI.
 *
 * @example
 * ```ts
 * import { createTracking } from "senti-mlops/tracking";
 * const { registry } = await createTracking("sqlite:///mlflow.db");
 * await registry.setRegisteredModelAlias("sentiment-tfidf", "champion", "1");
 * const champion = await registry.getModelVersionByAlias("sentiment-tfidf", "champion");
 * ```
 *
 * @module
 */
export type { RegistryStore, SearchRegisteredModelsOptions, SearchModelVersionsOptions, CreateModelVersionRequest } from "../mlflow/registry-store.js";
export type { ModelVersion, ModelVersionStage, ModelVersionStatus, RegisteredModel, RegisteredModelAlias } from "../mlflow/registry-entities.js";
export { MODEL_VERSION_STAGES } from "../mlflow/registry-entities.js";
export { createRestRegistryStore, type RestRegistryStoreOptions } from "../registry/stores/rest-store.js";
