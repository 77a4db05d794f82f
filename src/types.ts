/**
 * Types shared by every model kind.
 *
 * @module
 */

/**
 * One training or evaluation example.
 *
 * @example
 * ```ts
 * const example: LabeledText = { text: "A wonderful film", label: 1 };
 * ```
 */
export interface LabeledText {
  readonly text: string;
  /** A class: 0/1 (negative/positive), another integer class index, or a label string. */
  readonly label: string | number;
}

/**
 * Training data: an array, an iterable or an async iterable of examples.
 *
 * @example
 * ```ts
 * const data: TrainingData = [{ text: "loved it", label: "positive" }, { text: "boring", label: "negative" }];
 * ```
 */
export type TrainingData = Iterable<LabeledText> | AsyncIterable<LabeledText>;

/**
 * One prediction: the most probable label and its probability.
 *
 * @example
 * ```ts
 * const [best]: Prediction[] = await predict(model, ["great"]); // { label: "positive", score: 0.93 }
 * ```
 */
export interface Prediction {
  readonly label: string;
  readonly score: number;
}

/**
 * What {@link predict} needs from a model: its labels, and class probabilities per text.
 * TF-IDF and BERT models both implement it, so call sites don't change with the model.
 *
 * @example
 * ```ts
 * const model: SentimentModel = await loadModel("./model.bin");
 * model.labels; // ["Negative", "Positive"]
 * ```
 */
export interface SentimentModel {
  /** The model family, e.g. `"tfidf"` or `"bert"`. */
  readonly kind: string;
  /** Class names, in the column order of {@link SentimentModel.predictProba}. */
  readonly labels: readonly string[];
  /** Probabilities of each label for each text: `texts.length` rows of `labels.length` numbers. */
  predictProba(texts: readonly string[]): number[][] | Promise<number[][]>;
  /**
   * Optional: the same probabilities, row-major in one typed array (`texts.length × labels.length`).
   * {@link predict} uses it when present, which saves an array per text.
   */
  probabilities?(texts: readonly string[]): Float64Array | Promise<Float64Array>;
}

/**
 * Where training logs its trail: what `trainTfidf({ run })` needs from a run. A run from
 * `senti-mlops/tracking` (`tracking.startRun()`) fits; so does any object with these methods.
 *
 * @example
 * ```ts
 * const run = await tracking.startRun({ experimentName: "sentiment", buffer: true });
 * await trainTfidf(rows, { validation, run });
 * await run.end();
 * ```
 */
export interface TrainingRun {
  logParams(params: Readonly<Record<string, string | number | boolean>>): Promise<void>;
  logMetric(key: string, value: number, options?: { step?: number }): Promise<void>;
  logMetrics(metrics: Readonly<Record<string, number>>, options?: { step?: number }): Promise<void>;
  /** When present, evaluation plots are stored as SVG artifacts. */
  logText?(text: string, artifactPath: string): Promise<void>;
  /**
   * When present, the training data and the validation data are logged as the run's dataset inputs
   * (MLflow's `log_input`), with `mlflow.data.context` `training` and `eval`.
   */
  logInput?(
    dataset: {
      readonly name: string;
      readonly digest: string;
      readonly sourceType: string;
      readonly source: string;
      readonly schema?: string;
      readonly profile?: string;
    },
    options?: { context?: string },
  ): Promise<void>;
}
