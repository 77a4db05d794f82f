// The three lexicon libraries ship no type declarations; these cover the calls bench/accuracy makes.
// (natural ships its own.)

declare module "sentiment" {
  interface SentimentResult {
    score: number;
    comparative: number;
  }
  class Sentiment {
    analyze(phrase: string): SentimentResult;
  }
  export default Sentiment;
}

declare module "wink-sentiment" {
  interface WinkResult {
    score: number;
    normalizedScore: number;
  }
  function winkSentiment(phrase: string): WinkResult;
  export default winkSentiment;
}

declare module "vader-sentiment" {
  interface VaderScores {
    neg: number;
    neu: number;
    pos: number;
    compound: number;
  }
  const vader: { SentimentIntensityAnalyzer: { polarity_scores(text: string): VaderScores } };
  export default vader;
}
