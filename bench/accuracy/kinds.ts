/**
 * The senti-mlops model kinds bench/accuracy measures, defined here and nowhere else.
 *
 * A TF-IDF kind is a named preset of `trainTfidf` (trained with `threads: 1`), so that a row can be
 * trained again with `trainTfidf(rows, { preset })` or `senti-mlops train --preset`. When the built
 * package does not know presets, or not that one, a kind with a `fallback` trains with those
 * options and the others' rows say why they were not run, instead of being left out.
 */

/** One TF-IDF model kind: a preset of `trainTfidf`. */
export interface TfidfKind {
  readonly name: string;
  /** What the row is, for the table. */
  readonly description: string;
  /** The preset: the kind trains with `trainTfidf(rows, { preset, threads: 1 })`. */
  readonly preset: string;
  /**
   * The same configuration as explicit options, used only when the built package has no presets
   * yet (the row then says so). Kinds without one are not run on such a build.
   */
  readonly fallback?: Readonly<Record<string, unknown>>;
}

/**
 * `seed`: what the seed's `trainTfidf` trains without options — scikit-learn's defaults (word
 * unigrams, minDf 1, l2-normalized TF-IDF without sublinear tf, C 1); the CLI's `train` without
 * flags too. This is the `seed` preset of src/tfidf/presets.ts. The repository holds no settings of
 * the original Flask app itself; the Express reference service's default `TRAIN_OPTIONS`
 * (examples/express-server/src/config.ts, since 7f049e6) and bench/tfidf's "issue's config" (since
 * the first commit, 4258ead) are `{ ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 }`,
 * which is `strong`.
 */
export const SEED_OPTIONS = Object.freeze({});

/** The model kinds, in table order. */
export const TFIDF_KINDS: readonly TfidfKind[] = Object.freeze([
  {
    name: "seed",
    description: "`trainTfidf`'s defaults since the seed = scikit-learn's (word unigrams, minDf 1, C 1)",
    preset: "seed",
    fallback: SEED_OPTIONS,
  },
  {
    name: "strong",
    description: "word 1–2-grams, minDf 2, sublinearTf, C 4 (also the Express service's default TRAIN_OPTIONS)",
    preset: "strong",
    fallback: Object.freeze({ ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 }),
  },
  {
    name: "best",
    description: "NB-weighted logistic regression (NB-LR)",
    preset: "best",
  },
  {
    name: "web",
    description: "the small web model (`best`, compacted)",
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
