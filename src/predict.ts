/**
 * `predict` and `predictProba`: one call shape for every model kind.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "./errors.js";
import type { Prediction, SentimentModel } from "./types.js";

/**
 * Options of {@link predict} and {@link predictProba}.
 *
 * @example
 * ```ts
 * const predictions = await predict(model, texts, { batchSize: 1024 });
 * ```
 */
export interface PredictOptions {
  /** Texts scored per model call; bounds memory on large inputs. @default 4096 */
  batchSize?: number;
}

function checkTexts(texts: unknown): readonly string[] {
  if (!Array.isArray(texts)) {
    throw SentiMlopsError.invalidParameterValue(`texts must be an array of strings, got ${describeType(texts)}`, { component: "models" });
  }
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== "string") {
      throw SentiMlopsError.invalidParameterValue(`texts[${i}] must be a string, got ${describeType(texts[i])}`, { component: "models" });
    }
  }
  return texts as readonly string[];
}

function checkModel(model: unknown): SentimentModel {
  const m = model as SentimentModel | null;
  if (!m || typeof m !== "object" || typeof m.predictProba !== "function" || !Array.isArray(m.labels)) {
    throw SentiMlopsError.invalidParameterValue(`model must be a loaded model (from trainTfidf, loadModel or loadBert), got ${describeType(model)}`, { component: "models" });
  }
  return m;
}

/**
 * Probabilities of every label for every text, in `model.labels` order.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when `texts` is not an array of strings
 * (the message names the first bad index).
 *
 * @example
 * ```ts
 * await predictProba(model, ["Great movie!"]); // [[0.03, 0.97]]
 * ```
 */
export async function predictProba(model: SentimentModel, texts: readonly string[], options: PredictOptions = {}): Promise<number[][]> {
  const m = checkModel(model);
  const all = checkTexts(texts);
  const batchSize = checkBatchSize(options);
  if (all.length <= batchSize) return await m.predictProba(all);
  const out: number[][] = [];
  for (let i = 0; i < all.length; i += batchSize) out.push(...(await m.predictProba(all.slice(i, i + batchSize))));
  return out;
}

function checkBatchSize(options: PredictOptions): number {
  const batchSize = options.batchSize ?? 4096;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw SentiMlopsError.invalidParameterValue(`batchSize must be a positive integer, got ${batchSize}`, { component: "models" });
  }
  return batchSize;
}

/** The most probable label of each row of `k` probabilities (the first of equals) and its probability. */
function bestOfRows(flat: ArrayLike<number>, k: number, labels: readonly string[], out: Prediction[], at: number): void {
  for (let r = 0, base = 0; base < flat.length; r++, base += k) {
    let best = 0;
    for (let c = 1; c < k; c++) if (flat[base + c]! > flat[base + best]!) best = c;
    out[at + r] = { label: labels[best]!, score: flat[base + best]! };
  }
}

/**
 * The most probable label of each text, with its probability as `score`. Works the same for
 * TF-IDF and BERT models; an empty or blank text still gets a prediction.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when `texts` is not an array of strings.
 *
 * @example
 * ```ts
 * await predict(model, ["Great movie!", "Terrible film."]);
 * // [{ label: "Positive", score: 0.97 }, { label: "Negative", score: 0.94 }]
 * ```
 */
export async function predict(model: SentimentModel, texts: readonly string[], options: PredictOptions = {}): Promise<Prediction[]> {
  const m = checkModel(model);
  const all = checkTexts(texts);
  const batchSize = checkBatchSize(options);
  const out = new Array<Prediction>(all.length);
  for (let i = 0; i < all.length; i += batchSize) {
    const batch = all.length <= batchSize ? all : all.slice(i, i + batchSize);
    // Flat probabilities when the model has them (TF-IDF): no array per text on the way.
    bestOfRows(m.probabilities ? await m.probabilities(batch) : (await m.predictProba(batch)).flat(), m.labels.length, m.labels, out, i);
  }
  return out;
}
