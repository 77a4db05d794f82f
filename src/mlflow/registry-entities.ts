/**
 * The model registry's entities, as MLflow's `model_registry.proto` defines them, in camelCase.
 * Every registry store (memory, SQL in MLflow's schema, REST) returns exactly these shapes, so a
 * differential test can compare them field by field.
 *
 * Conventions shared by every store:
 * - Optional text MLflow leaves unset (`description`, `userId`, `runId`, `runLink`,
 *   `statusMessage`) is `""`, never `null` or `undefined` (the REST wire cannot tell them apart).
 * - Timestamps are epoch milliseconds.
 * - Versions are decimal strings (`"1"`, `"2"`, …), as in MLflow's API.
 * - `tags` are plain records; `aliases` are sorted by alias name.
 *
 * @module
 */

/**
 * A model version's (legacy) stage. MLflow deprecated stages in 2.9 in favour of aliases but still
 * serves them; `models:/name/Production` URIs resolve through them.
 *
 * @example
 * ```ts
 * const stage: ModelVersionStage = "Production";
 * ```
 */
export type ModelVersionStage = "None" | "Staging" | "Production" | "Archived";

/**
 * The stages in MLflow's canonical spelling, in MLflow's order.
 *
 * @example
 * ```ts
 * MODEL_VERSION_STAGES.includes("Staging"); // true
 * ```
 */
export const MODEL_VERSION_STAGES: readonly ModelVersionStage[] = /* @__PURE__ */ Object.freeze(["None", "Staging", "Production", "Archived"]);

/**
 * A model version's registration status. Open-source MLflow makes versions `READY` at once.
 *
 * @example
 * ```ts
 * const status: ModelVersionStatus = "READY";
 * ```
 */
export type ModelVersionStatus = "PENDING_REGISTRATION" | "FAILED_REGISTRATION" | "READY";

/**
 * An alias of a registered model and the version it points to.
 *
 * @example
 * ```ts
 * const alias: RegisteredModelAlias = { alias: "champion", version: "3" };
 * ```
 */
export interface RegisteredModelAlias {
  readonly alias: string;
  readonly version: string;
}

/**
 * A registered model version.
 *
 * @example
 * ```ts
 * const v: ModelVersion = await registry.getModelVersion("sentiment-tfidf", "1");
 * v.source; // "runs:/0123456789abcdef0123456789abcdef/model"
 * v.aliases; // ["champion"]
 * ```
 */
export interface ModelVersion {
  readonly name: string;
  readonly version: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  /** `""` when unset. */
  readonly userId: string;
  readonly currentStage: ModelVersionStage;
  /** `""` when unset. */
  readonly description: string;
  /** Where the model files are: `runs:/<id>/<path>`, an artifact URI, a path. */
  readonly source: string;
  /** `""` when the version is not tied to a run. */
  readonly runId: string;
  readonly status: ModelVersionStatus;
  /** `""` when unset. */
  readonly statusMessage: string;
  /** `""` when unset. */
  readonly runLink: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Aliases pointing at this version, sorted. */
  readonly aliases: readonly string[];
}

/**
 * A registered model.
 *
 * @example
 * ```ts
 * const m: RegisteredModel = await registry.getRegisteredModel("sentiment-tfidf");
 * m.aliases; // [{ alias: "champion", version: "1" }]
 * m.latestVersions.map((v) => v.currentStage); // ["None"]
 * ```
 */
export interface RegisteredModel {
  readonly name: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  /** `""` when unset. */
  readonly userId: string;
  /** `""` when unset. */
  readonly description: string;
  /**
   * The newest version in each stage (deleted versions excluded), ordered by stage as MLflow
   * orders them. `searchRegisteredModels` fills it as `getRegisteredModel` does.
   */
  readonly latestVersions: readonly ModelVersion[];
  readonly tags: Readonly<Record<string, string>>;
  /** Sorted by alias. */
  readonly aliases: readonly RegisteredModelAlias[];
}
