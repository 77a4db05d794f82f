/**
 * The model registry on MLflow's REST wire (snake_case JSON, `model_registry.proto`) and its
 * mapping to the camelCase entities of `../types.ts`. The only registry file where snake_case
 * names appear.
 *
 * MLflow leaves unset and empty fields out of its JSON, so every optional text becomes `""`, tag
 * lists become records and aliases are sorted by name (code-point order, which is what MLflow's
 * SQLite store gives too). A registered model's `latestVersions` keep the server's order, which
 * differs between reads and searches (see the registry conformance suite).
 *
 * @module
 */
import type { Tag } from "../../mlflow/tracking-entities.js";
import type {
  ModelVersion,
  ModelVersionStage,
  ModelVersionStatus,
  RegisteredModel,
  RegisteredModelAlias,
} from "../../mlflow/registry-entities.js";

/**
 * A registry tag on the wire.
 *
 * @example
 * ```ts
 * const tag: WireRegistryTag = { key: "team", value: "nlp" };
 * ```
 */
export interface WireRegistryTag {
  key: string;
  value?: string;
}

/**
 * A model version on the wire (`ModelVersion` in `model_registry.proto`).
 *
 * @example
 * ```ts
 * const wire: WireModelVersion = { name: "m", version: "1", current_stage: "None", source: "s3://b/m", status: "READY" };
 * ```
 */
export interface WireModelVersion {
  name: string;
  version: string | number;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  status_message?: string;
  tags?: WireRegistryTag[];
  run_link?: string;
  aliases?: string[];
}

/**
 * A registered model on the wire (`RegisteredModel` in `model_registry.proto`).
 *
 * @example
 * ```ts
 * const wire: WireRegisteredModel = { name: "m", creation_timestamp: 1, last_updated_timestamp: 1 };
 * ```
 */
export interface WireRegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  description?: string;
  latest_versions?: WireModelVersion[];
  tags?: WireRegistryTag[];
  aliases?: { alias: string; version: string | number }[];
}

/** Code-point order (what MLflow's SQL store gives for aliases), not the locale's. */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const tagsToRecord = (tags: WireRegistryTag[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.key, t.value ?? ""]));

/**
 * Tags to the wire.
 *
 * @example
 * ```ts
 * registryTagsToWire([{ key: "team", value: "nlp" }]); // [{ key: "team", value: "nlp" }]
 * ```
 */
export const registryTagsToWire = (tags: readonly Tag[] | undefined): WireRegistryTag[] =>
  (tags ?? []).map((t) => ({ key: t.key, value: t.value }));

/**
 * A model version from the wire, normalized to the registry conventions.
 *
 * @example
 * ```ts
 * modelVersionFromWire({ name: "m", version: "1", source: "s3://b/m" }).runId; // ""
 * ```
 */
export function modelVersionFromWire(v: WireModelVersion): ModelVersion {
  return {
    name: v.name,
    version: String(v.version),
    creationTimestamp: v.creation_timestamp ?? 0,
    lastUpdatedTimestamp: v.last_updated_timestamp ?? 0,
    userId: v.user_id ?? "",
    currentStage: (v.current_stage ?? "None") as ModelVersionStage,
    description: v.description ?? "",
    source: v.source ?? "",
    runId: v.run_id ?? "",
    status: (v.status ?? "READY") as ModelVersionStatus,
    statusMessage: v.status_message ?? "",
    runLink: v.run_link ?? "",
    tags: tagsToRecord(v.tags),
    aliases: [...(v.aliases ?? [])].sort(byCodePoint),
  };
}

/**
 * A registered model from the wire, normalized to the registry conventions.
 *
 * @example
 * ```ts
 * registeredModelFromWire({ name: "m", aliases: [{ alias: "b", version: "2" }, { alias: "a", version: "1" }] }).aliases;
 * // [{ alias: "a", version: "1" }, { alias: "b", version: "2" }]
 * ```
 */
export function registeredModelFromWire(m: WireRegisteredModel): RegisteredModel {
  const aliases: RegisteredModelAlias[] = (m.aliases ?? [])
    .map((a) => ({ alias: a.alias, version: String(a.version) }))
    .sort((a, b) => byCodePoint(a.alias, b.alias));
  return {
    name: m.name,
    creationTimestamp: m.creation_timestamp ?? 0,
    lastUpdatedTimestamp: m.last_updated_timestamp ?? 0,
    userId: m.user_id ?? "",
    description: m.description ?? "",
    latestVersions: (m.latest_versions ?? []).map(modelVersionFromWire),
    tags: tagsToRecord(m.tags),
    aliases,
  };
}
