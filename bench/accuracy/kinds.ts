/**
 * The senti-mlops model kinds bench/accuracy measures, defined here and nowhere else.
 *
 * A TF-IDF kind is the options given to `trainTfidf` (plus `threads: 1`, added by the runner). A
 * kind with `preset` asks trainTfidf for a named preset; when the built package does not know
 * presets, or not that one, its row says why instead of being left out.
 */

/** One TF-IDF model kind. */
export interface TfidfKind {
  readonly name: string;
  /** What the row is, for the table. */
  readonly description: string;
  /** The `trainTfidf` options (`threads` excluded). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Set when the options are a preset of trainTfidf (`{ preset }`). */
  readonly preset?: string;
}

/**
 * `seed`: the TF-IDF configuration the project has had since its first commit — the one
 * `bench/tfidf` calls "the issue's config" (first in `bench/tfidf/sklearn_peer.py`'s usage line at
 * 4258ead, `{"ngram_range":[1,2],"min_df":2,"sublinear_tf":true}` + `{"C":4}`) and the Express
 * reference service's default `TRAIN_OPTIONS` since it was written (7f049e6,
 * examples/express-server/src/config.ts `DEFAULT_TRAIN_OPTIONS`). The repository holds no other
 * settings of the original Flask app; this is the same configuration as `strong`.
 */
export const SEED_OPTIONS = Object.freeze({ ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 });

/** The model kinds, in table order. */
export const TFIDF_KINDS: readonly TfidfKind[] = Object.freeze([
  {
    name: "seed",
    description: "the seed's configuration (the Express service's default TRAIN_OPTIONS): word 1–2-grams, minDf 2, sublinearTf, C 4",
    options: SEED_OPTIONS,
  },
  {
    name: "strong",
    description: "ngramRange [1,2], minDf 2, sublinearTf, C 4",
    options: Object.freeze({ ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 }),
  },
  {
    name: "best",
    description: 'NB-weighted logistic regression: `trainTfidf(rows, { preset: "best" })`',
    options: Object.freeze({ preset: "best" }),
    preset: "best",
  },
  {
    name: "web",
    description: 'the small web model: `trainTfidf(rows, { preset: "web" })`',
    options: Object.freeze({ preset: "web" }),
    preset: "web",
  },
]);

/** The BERT row: one model, trained on SST-2 by its authors, for every set. */
export const BERT_KIND = Object.freeze({
  name: "bert-tiny-sst2",
  description: "bert-tiny-sst2 (4 layers, hidden 128; trained on SST-2 train), fp32 ONNX, `loadBert` defaults (truncation at the model's 512 tokens)",
  folder: "models/bert-tiny-sst2",
});

/** Every senti-mlops row name, in table order. */
export const OUR_MODEL_NAMES: readonly string[] = Object.freeze([...TFIDF_KINDS.map((k) => k.name), BERT_KIND.name]);
