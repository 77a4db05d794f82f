/**
 * The registry store for a real MLflow server, over its REST API
 * (`/api/2.0/mlflow/registered-models/...`, `/api/2.0/mlflow/model-versions/...`).
 * Validation happens on the server; this store maps calls, wire formats and errors. It imports no
 * `node:*` module, so it runs in browsers too.
 *
 * @module
 */
import { createRestClient, type RestClientOptions } from "../../mlflow/rest-client.js";
import type { Page } from "../../mlflow/tracking-entities.js";
import type { RegistryStore } from "../../mlflow/registry-store.js";
import {
  modelVersionFromWire,
  registeredModelFromWire,
  registryTagsToWire,
  type WireModelVersion,
  type WireRegisteredModel,
} from "./rest-wire.js";
import { withWellFormedStrings } from "../../mlflow/well-formed-strings.js";

/**
 * Options of {@link createRestRegistryStore}: the HTTP client's (auth, headers, `fetch`, timeout,
 * retries).
 *
 * @example
 * ```ts
 * const options: RestRegistryStoreOptions = { token: "…", timeoutMs: 30_000 };
 * ```
 */
export type RestRegistryStoreOptions = RestClientOptions;

const API = "/api/2.0/mlflow";

/** A page of results; the token is left out on the last page, as MLflow leaves it out. */
function toPage<T>(items: T[], nextPageToken: string | undefined): Page<T> {
  return nextPageToken ? { items, nextPageToken } : { items };
}

/**
 * Creates a registry store that talks to the MLflow server at `url`.
 *
 * Missing text comes back as `""`, tags as records and aliases sorted; everything else (the order
 * of `latestVersions` included) is the server's.
 *
 * @example
 * ```ts
 * const registry = createRestRegistryStore("http://127.0.0.1:5000");
 * await registry.createRegisteredModel("sentiment-tfidf", { description: "TF-IDF + logistic regression" });
 * const v = await registry.createModelVersion({ name: "sentiment-tfidf", source: `runs:/${runId}/model`, runId });
 * await registry.setRegisteredModelAlias("sentiment-tfidf", "champion", v.version);
 * ```
 */
export function createRestRegistryStore(url: string, options: RestRegistryStoreOptions = {}): RegistryStore {
  const http = createRestClient(url, options, "registry");
  const send = <T = unknown>(method: "POST" | "PATCH" | "DELETE", path: string, body: unknown): Promise<T> =>
    http.send<T>(method, `${API}/${path}`, body);
  const get = <T>(path: string, query: Parameters<typeof http.get>[1]): Promise<T> => http.get<T>(`${API}/${path}`, query);

  type ModelResponse = { registered_model: WireRegisteredModel };
  type VersionResponse = { model_version: WireModelVersion };

  return withWellFormedStrings<RegistryStore>({
    uri: http.baseUrl,

    async createRegisteredModel(name, opts = {}) {
      const r = await send<ModelResponse>("POST", "registered-models/create", {
        name,
        tags: registryTagsToWire(opts.tags),
        ...(opts.description !== undefined ? { description: opts.description } : {}),
      });
      return registeredModelFromWire(r.registered_model);
    },

    async getRegisteredModel(name) {
      const r = await get<ModelResponse>("registered-models/get", { name });
      return registeredModelFromWire(r.registered_model);
    },

    async renameRegisteredModel(name, newName) {
      const r = await send<ModelResponse>("POST", "registered-models/rename", { name, new_name: newName });
      return registeredModelFromWire(r.registered_model);
    },

    async updateRegisteredModel(name, update) {
      const r = await send<ModelResponse>("PATCH", "registered-models/update", {
        name,
        ...(update.description !== undefined ? { description: update.description } : {}),
      });
      return registeredModelFromWire(r.registered_model);
    },

    async deleteRegisteredModel(name) {
      await send("DELETE", "registered-models/delete", { name });
    },

    async searchRegisteredModels(opts = {}) {
      const r = await get<{ registered_models?: WireRegisteredModel[]; next_page_token?: string }>("registered-models/search", {
        filter: opts.filter || undefined,
        max_results: opts.maxResults,
        order_by: opts.orderBy,
        page_token: opts.pageToken || undefined,
      });
      return toPage((r.registered_models ?? []).map(registeredModelFromWire), r.next_page_token);
    },

    async getLatestVersions(name, stages) {
      const r = await send<{ model_versions?: WireModelVersion[] }>("POST", "registered-models/get-latest-versions", {
        name,
        ...(stages && stages.length > 0 ? { stages } : {}),
      });
      return (r.model_versions ?? []).map(modelVersionFromWire);
    },

    async setRegisteredModelTag(name, key, value) {
      await send("POST", "registered-models/set-tag", { name, key, value });
    },

    async deleteRegisteredModelTag(name, key) {
      await send("DELETE", "registered-models/delete-tag", { name, key });
    },

    async createModelVersion(request) {
      // MLflow tells an absent run_id from an empty one (HasField) when the source is models:/…,
      // so an empty runId is left out.
      const r = await send<VersionResponse>("POST", "model-versions/create", {
        name: request.name,
        source: request.source,
        ...(request.runId ? { run_id: request.runId } : {}),
        tags: registryTagsToWire(request.tags),
        ...(request.runLink ? { run_link: request.runLink } : {}),
        ...(request.description !== undefined ? { description: request.description } : {}),
      });
      return modelVersionFromWire(r.model_version);
    },

    async getModelVersion(name, version) {
      const r = await get<VersionResponse>("model-versions/get", { name, version });
      return modelVersionFromWire(r.model_version);
    },

    async updateModelVersion(name, version, update) {
      const r = await send<VersionResponse>("PATCH", "model-versions/update", {
        name,
        version,
        ...(update.description !== undefined ? { description: update.description } : {}),
      });
      return modelVersionFromWire(r.model_version);
    },

    async transitionModelVersionStage(name, version, stage, archiveExistingVersions) {
      const r = await send<VersionResponse>("POST", "model-versions/transition-stage", {
        name,
        version,
        stage,
        archive_existing_versions: archiveExistingVersions,
      });
      return modelVersionFromWire(r.model_version);
    },

    async deleteModelVersion(name, version) {
      await send("DELETE", "model-versions/delete", { name, version });
    },

    async searchModelVersions(opts = {}) {
      const r = await get<{ model_versions?: WireModelVersion[]; next_page_token?: string }>("model-versions/search", {
        filter: opts.filter || undefined,
        max_results: opts.maxResults,
        order_by: opts.orderBy,
        page_token: opts.pageToken || undefined,
      });
      return toPage((r.model_versions ?? []).map(modelVersionFromWire), r.next_page_token);
    },

    async getModelVersionDownloadUri(name, version) {
      const r = await get<{ artifact_uri?: string }>("model-versions/get-download-uri", { name, version });
      return r.artifact_uri ?? "";
    },

    async setModelVersionTag(name, version, key, value) {
      await send("POST", "model-versions/set-tag", { name, version, key, value });
    },

    async deleteModelVersionTag(name, version, key) {
      await send("DELETE", "model-versions/delete-tag", { name, version, key });
    },

    async setRegisteredModelAlias(name, alias, version) {
      await send("POST", "registered-models/alias", { name, alias, version });
    },

    async deleteRegisteredModelAlias(name, alias) {
      await send("DELETE", "registered-models/alias", { name, alias });
    },

    async getModelVersionByAlias(name, alias) {
      const r = await get<VersionResponse>("registered-models/alias", { name, alias });
      return modelVersionFromWire(r.model_version);
    },

    async close() {},
  }, "registry");
}
