/**
 * The plain shapes that registry searches evaluate in memory: just the fields MLflow's registered
 * model and model version filters and order-by clauses read. A registry store maps its own
 * records to these before calling {@link matchesRegisteredModel} / {@link matchesModelVersion}.
 *
 * @module
 */

/**
 * The tag that marks a registered model (and its versions) as a prompt; registry searches leave
 * prompts out unless the filter asks for them.
 *
 * @example
 * ```ts
 * const isPrompt = model.tags[IS_PROMPT_TAG_KEY] === "true";
 * ```
 */
export const IS_PROMPT_TAG_KEY = "mlflow.prompt.is_prompt";

/**
 * The stage MLflow gives soft-deleted model versions; searches never return them.
 *
 * @example
 * ```ts
 * const deleted = version.currentStage === STAGE_DELETED_INTERNAL;
 * ```
 */
export const STAGE_DELETED_INTERNAL = "Deleted_Internal";

/**
 * What a registered-model search reads.
 *
 * @example
 * ```ts
 * const m: RegisteredModelSearchEntity = {
 *   name: "sentiment-tfidf", creationTimestamp: 1_700_000_000_000, lastUpdatedTimestamp: 1_700_000_100_000,
 *   tags: { team: "nlp" },
 * };
 * ```
 */
export interface RegisteredModelSearchEntity {
  readonly name: string;
  /** Epoch ms; null when unknown (sorts first ascending, as NULL does in SQL). */
  readonly creationTimestamp: number | null;
  readonly lastUpdatedTimestamp: number | null;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * What a model-version search reads.
 *
 * @example
 * ```ts
 * const v: ModelVersionSearchEntity = {
 *   name: "sentiment-tfidf", version: 3, runId: "0123456789abcdef0123456789abcdef", source: "runs:/0123…/model",
 *   creationTimestamp: 1_700_000_000_000, lastUpdatedTimestamp: 1_700_000_000_000, currentStage: "None", tags: {},
 * };
 * ```
 */
export interface ModelVersionSearchEntity {
  readonly name: string;
  /** The version number (MLflow's wire form is a string; searches compare it as an integer). */
  readonly version: number;
  readonly runId: string | null;
  /** The version's `source` URI (`source_path` in filters). */
  readonly source: string | null;
  readonly creationTimestamp: number | null;
  readonly lastUpdatedTimestamp: number | null;
  /** `None`, `Staging`, `Production`, `Archived`, or `Deleted_Internal` (never returned by a search). */
  readonly currentStage?: string;
  readonly tags: Readonly<Record<string, string>>;
}
