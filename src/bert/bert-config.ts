/**
 * The parts of a Hugging Face `config.json` that classification needs: the labels (`id2label`,
 * ordered by id), how scores are computed (`problem_type`), and the longest input the position
 * embeddings allow.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";

/**
 * What {@link parseBertConfig} reads from `config.json`.
 *
 * @example
 * ```ts
 * const config: BertConfig = { labels: ["NEGATIVE", "POSITIVE"], activation: "softmax", maxPositions: 512, modelType: "bert" };
 * ```
 */
export interface BertConfig {
  /** Class names by id: `labels[i]` is `id2label[i]`. */
  readonly labels: readonly string[];
  /** `"sigmoid"` when `problem_type` is `multi_label_classification`, else `"softmax"`. */
  readonly activation: "softmax" | "sigmoid";
  /** `max_position_embeddings`, when the config has it. */
  readonly maxPositions: number | undefined;
  /** `model_type` (`"bert"`, `"distilbert"`, …), when the config has it. */
  readonly modelType: string | undefined;
}

/**
 * Reads the classification settings of a parsed `config.json`. `id2label` must map the ids
 * `0…n-1` (as strings or numbers) to label names.
 *
 * @param json The parsed `config.json`.
 * @param source Where it came from, for error messages.
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming the field when `id2label` is missing,
 * has a gap or a non-string label, or when `problem_type` is `regression`.
 *
 * @example
 * ```ts
 * parseBertConfig({ id2label: { "0": "NEGATIVE", "1": "POSITIVE" }, max_position_embeddings: 512 }, "./model");
 * // { labels: ["NEGATIVE", "POSITIVE"], activation: "softmax", maxPositions: 512, modelType: undefined }
 * ```
 */
export function parseBertConfig(json: unknown, source: string): BertConfig {
  const invalid = (why: string): SentiMlopsError =>
    SentiMlopsError.invalidParameterValue(`config.json of ${source}: ${why}`, { component: "bert" });
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw invalid(`must be a JSON object, got ${describeType(json)}`);
  const config = json as Record<string, unknown>;

  const id2label = config.id2label;
  if (id2label === null || typeof id2label !== "object" || Array.isArray(id2label)) {
    throw invalid(`id2label must be an object mapping class ids to labels, got ${describeType(id2label)}; only sequence classifiers can be loaded`);
  }
  const entries = Object.entries(id2label as Record<string, unknown>);
  if (entries.length === 0) throw invalid("id2label is empty");
  const labels: string[] = new Array(entries.length);
  for (const [key, label] of entries) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || id >= entries.length || String(id) !== key.trim()) {
      throw invalid(`id2label keys must be the ids 0…${entries.length - 1}, found ${JSON.stringify(key)}`);
    }
    if (typeof label !== "string") throw invalid(`id2label[${JSON.stringify(key)}] must be a string, got ${describeType(label)}`);
    labels[id] = label;
  }

  const problemType = config.problem_type;
  if (problemType === "regression") throw invalid(`problem_type "regression" is not a classifier; senti-mlops loads classification models`);
  const maxPositions = config.max_position_embeddings;
  const modelType = config.model_type;
  return Object.freeze({
    labels: Object.freeze(labels),
    activation: problemType === "multi_label_classification" ? "sigmoid" : "softmax",
    maxPositions: typeof maxPositions === "number" && Number.isInteger(maxPositions) && maxPositions > 0 ? maxPositions : undefined,
    modelType: typeof modelType === "string" ? modelType : undefined,
  });
}
