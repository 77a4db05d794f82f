/**
 * Named configurations of `trainTfidf` (`preset` option, `--preset` flag): each row of the accuracy
 * table in docs/benchmarks.md is one of them, so a user can train exactly what was measured.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import type { CompactTfidfModelOptions } from "./compact-model.js";
import type { LogisticRegressionOptions, TfidfVectorizerOptions } from "./options.js";
import { PUNCTUATION_TOKENS_SOURCE } from "./token-table.js";

/**
 * Tokens for the `best` and `web` presets: runs of letters, digits and underscores (Unicode
 * letters and digits, of any length), and every other character that is not whitespace on its
 * own, so that `!`, `?`, `:)` and one-letter words (`i`, `a`) count. scikit-learn spells it
 * `(?u)\w+|[^\w\s]`, and this is exactly that pattern: whitespace is Python's (`str.isspace()`,
 * so U+001C–U+001F and U+0085 separate tokens and U+FEFF is a token), and an emoji is one token.
 * Training and predicting with this pattern use a scanner instead of the regular expression (the
 * same tokens, faster); a pattern with another source or flags goes through `String.matchAll`.
 *
 * @example
 * ```ts
 * await trainTfidf(rows, { tokenPattern: PUNCTUATION_TOKENS }); // "I loved it!" → i, loved, it, !
 * "so-so :) 😀".match(new RegExp(PUNCTUATION_TOKENS.source, "gu")); // ["so", "-", "so", ":", ")", "😀"]
 * ```
 */
export const PUNCTUATION_TOKENS = new RegExp(PUNCTUATION_TOKENS_SOURCE, "u");

/**
 * The preset names.
 *
 * @example
 * ```ts
 * const name: TfidfPresetName = "best";
 * await trainTfidf(rows, { preset: name });
 * ```
 */
export type TfidfPresetName = "seed" | "strong" | "best" | "web";

/**
 * What a preset sets: vectorizer and classifier options, and for `web` the compaction applied
 * after fitting.
 *
 * @example
 * ```ts
 * const mine: TfidfPreset = { ...TFIDF_PRESETS.strong, C: 2 };
 * ```
 */
export interface TfidfPreset extends TfidfVectorizerOptions, LogisticRegressionOptions {
  /** Compaction after fitting (see `compactTfidfModel`). */
  readonly compact?: CompactTfidfModelOptions;
}

/** The `best` configuration, chosen by 3-fold cross-validation on IMDB's training split (bench/tfidf/choose-best.ts). */
const BEST: Readonly<TfidfPreset> = Object.freeze({
  tokenPattern: PUNCTUATION_TOKENS,
  ngramRange: [1, 3] as const,
  minDf: 2,
  sublinearTf: true,
  useIdf: false,
  norm: null,
  nbScaling: true,
  C: 0.3,
});

/**
 * The presets. Explicit options given with `preset` override the preset's.
 *
 * - `seed`: the options `trainTfidf` has had since the project's seed, scikit-learn's defaults
 *   (word unigrams, l2-normalized TF-IDF, C 1).
 * - `strong`: word 1–2-grams, minDf 2, sublinear tf, C 4; the configuration that matches
 *   scikit-learn at 90.5% on IMDB (docs/benchmarks.md).
 * - `best`: NB-LR (Wang & Manning, 2012) over 1–3-grams of {@link PUNCTUATION_TOKENS} counted
 *   as 1 + ln(count) (no idf, no normalization), minDf 2, C 0.3: chosen by cross-validation on
 *   IMDB's training split (bench/tfidf/choose-best.ts). The most accurate; models are large (about
 *   a million n-grams on IMDB, 10 MB gzipped).
 * - `web`: the `best` training compacted for web pages: the 100,000 features with the largest
 *   weights, int8 weights (under 1 MB gzipped on IMDB; docs/benchmarks.md).
 *
 * @example
 * ```ts
 * TFIDF_PRESETS.strong; // { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 4 }
 * await trainTfidf(rows, { preset: "strong", C: 2 }); // strong, with C 2
 * ```
 */
export const TFIDF_PRESETS: Readonly<Record<TfidfPresetName, Readonly<TfidfPreset>>> = Object.freeze({
  seed: Object.freeze({}),
  strong: Object.freeze({ ngramRange: [1, 2] as const, minDf: 2, sublinearTf: true, C: 4 }),
  best: BEST,
  web: Object.freeze({ ...BEST, compact: Object.freeze({ maxFeatures: 100_000, weights: "int8" as const }) }),
});

/**
 * Options with a preset applied: the preset's options, then the explicit ones over them (an
 * explicit `undefined` does not override; an explicit `compact` overrides the preset's compaction
 * option by option). Without `preset`, the options unchanged.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming the unknown preset and the known ones.
 *
 * @example
 * ```ts
 * withPreset({ preset: "strong", C: 2 }); // { ngramRange: [1, 2], minDf: 2, sublinearTf: true, C: 2, preset: "strong" }
 * ```
 */
export function withPreset<T extends TfidfPreset & { preset?: TfidfPresetName }>(options: T): T & TfidfPreset {
  const name = options.preset;
  if (name === undefined) return options;
  if (typeof name !== "string" || !Object.hasOwn(TFIDF_PRESETS, name)) {
    throw SentiMlopsError.invalidParameterValue(
      `preset must be one of ${Object.keys(TFIDF_PRESETS).map((n) => JSON.stringify(n)).join(", ")}, got ${JSON.stringify(name) ?? String(name)}`,
      { component: "tfidf" },
    );
  }
  const preset = TFIDF_PRESETS[name];
  const explicit = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
  // `compact` merges too: { preset: "web", compact: { maxFeatures: 2000 } } keeps the preset's int8.
  const compact = preset.compact && explicit.compact ? { compact: { ...preset.compact, ...explicit.compact } } : {};
  return { ...preset, ...explicit, ...compact } as T & TfidfPreset;
}
