/**
 * The four npm lexicon libraries bench/accuracy compares with, behind one shape: `score(text)` is
 * the library's own polarity score, and the predicted label is its sign ({@link labelFromScore}).
 *
 * Which score, decided from each library's documentation before looking at any data:
 * - `sentiment` 5.x (AFINN-165): `analyze(text).score`, the sum of the AFINN values of the words
 *   (its `comparative` is the same sum divided by the token count: same sign);
 * - `wink-sentiment`: `normalizedScore`, which its docs define as negative for negative and
 *   positive for positive sentiment;
 * - `vader-sentiment`: `polarity_scores(text).compound`;
 * - `natural`: `new SentimentAnalyzer("English", PorterStemmer, "afinn").getSentiment(tokens)` with
 *   `new WordTokenizer().tokenize(text)` as the tokens (natural's analyzer takes a word array and
 *   leaves tokenizing to the caller; WordTokenizer is its general-purpose one). An empty token list
 *   (0/0 in natural) scores 0.
 */
import { createRequire } from "node:module";
import Sentiment from "sentiment";
import vader from "vader-sentiment";
import winkSentiment from "wink-sentiment";

/** A lexicon library: its polarity score for one text. */
export interface Lexicon {
  /** The row name in the table. */
  readonly name: string;
  /** The npm package. */
  readonly packageName: string;
  /** The installed version (from its package.json). */
  readonly version: string;
  /** What `score` is, for the docs. */
  readonly scoreDescription: string;
  score(text: string): number;
}

/** Every lexicon library, in table order. */
export const LEXICON_NAMES = ["sentiment", "wink-sentiment", "vader-sentiment", "natural"] as const;
export type LexiconName = (typeof LEXICON_NAMES)[number];

/**
 * The label of a score: 1 (positive) when the score is ≥ 0, 0 (negative) when it is < 0. A score of
 * exactly 0 (no sentiment word found, or they cancel out) is labelled positive on every data set:
 * the training split's majority class on SST-2 and Yelp, and IMDB's and rt-polarity's training
 * splits are exactly balanced, so no rule drawn from training data picks otherwise.
 */
export function labelFromScore(score: number): 0 | 1 {
  if (Number.isNaN(score)) throw new Error("a lexicon score is NaN");
  return score < 0 ? 0 : 1;
}

const require = createRequire(import.meta.url);

// natural 8.2.6's own declarations import its `analyzers/SenType.ts` source, which this project's
// tsc (verbatimModuleSyntax) rejects, so it is loaded untyped, with the shape used here.
interface Natural {
  SentimentAnalyzer: new (language: string, stemmer: unknown, vocabulary: string) => { getSentiment(words: string[]): number };
  PorterStemmer: unknown;
  WordTokenizer: new () => { tokenize(text: string): string[] };
}
const natural = require("natural") as Natural;
const versionOf = (pkg: string): string => (require(`${pkg}/package.json`) as { version: string }).version;

/** Creates the adapter of one library (each holds its analyzer, built once). */
export function createLexicon(name: LexiconName): Lexicon {
  switch (name) {
    case "sentiment": {
      const analyzer = new Sentiment();
      return {
        name,
        packageName: "sentiment",
        version: versionOf("sentiment"),
        scoreDescription: "`analyze(text).score` (AFINN-165 sum)",
        score: (text) => analyzer.analyze(text).score,
      };
    }
    case "wink-sentiment":
      return {
        name,
        packageName: "wink-sentiment",
        version: versionOf("wink-sentiment"),
        scoreDescription: "`normalizedScore`",
        score: (text) => winkSentiment(text).normalizedScore,
      };
    case "vader-sentiment":
      return {
        name,
        packageName: "vader-sentiment",
        version: versionOf("vader-sentiment"),
        scoreDescription: "`polarity_scores(text).compound`",
        score: (text) => vader.SentimentIntensityAnalyzer.polarity_scores(text).compound,
      };
    case "natural": {
      const analyzer = new natural.SentimentAnalyzer("English", natural.PorterStemmer, "afinn");
      const tokenizer = new natural.WordTokenizer();
      return {
        name,
        packageName: "natural",
        version: versionOf("natural"),
        scoreDescription: '`SentimentAnalyzer("English", PorterStemmer, "afinn").getSentiment(new WordTokenizer().tokenize(text))`',
        score: (text) => {
          const tokens = tokenizer.tokenize(text);
          return tokens.length === 0 ? 0 : analyzer.getSentiment(tokens);
        },
      };
    }
  }
}
