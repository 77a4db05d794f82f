/**
 * What bench/accuracy measures, kept apart from the runner so that the test can check it: the
 * accuracy (exact), the label names → class ids mapping, and the throughput timer.
 */

/**
 * Accuracy: the fraction of rows whose predicted class equals the gold class, as an exact ratio
 * (`correct` and `total` are returned with it so the table can be checked by hand).
 */
export function accuracy(predicted: ArrayLike<number>, gold: ArrayLike<number>): { correct: number; total: number; value: number } {
  if (predicted.length !== gold.length) throw new Error(`${predicted.length} predictions for ${gold.length} gold labels`);
  if (gold.length === 0) throw new Error("no rows to score");
  let correct = 0;
  for (let i = 0; i < gold.length; i++) if (predicted[i] === gold[i]) correct++;
  return { correct, total: gold.length, value: correct / gold.length };
}

/**
 * The class id (0 = negative, 1 = positive, as in the shared data) of a model's label name. TF-IDF
 * models trained on 0/1 labels name them "Negative"/"Positive" (DEFAULT_BINARY_LABELS);
 * bert-tiny-sst2's config names them "NEGATIVE"/"POSITIVE". Anything else is an error, not a guess.
 */
export function classOfLabel(label: string): 0 | 1 {
  const l = label.toLowerCase();
  if (l === "negative" || l === "neg" || l === "label_0") return 0;
  if (l === "positive" || l === "pos" || l === "label_1") return 1;
  throw new Error(`cannot map the label ${JSON.stringify(label)} to 0/1`);
}

/** Throughput of one predictor over texts already in memory. */
export interface Throughput {
  /** The class id predicted for every text (from the first timed pass). */
  readonly predicted: Uint8Array;
  /** The median timed pass, in seconds. */
  readonly seconds: number;
  /** texts / seconds. */
  readonly textsPerSecond: number;
  /** How many timed passes ran. */
  readonly passes: number;
}

export interface TimingOptions {
  /** Texts in the untimed warm-up pass (the first ones of the set). @default 1000 */
  warmupTexts?: number;
  /** At most this many timed passes. @default 15 */
  maxPasses?: number;
  /** No further pass once the timed passes took this long in all. @default 2 */
  minSeconds?: number;
}

/**
 * Runs `classify` over all texts (it receives them in order, in whatever slices it likes, and returns
 * one class id per text): an untimed warm-up over the first texts, then timed passes — up to
 * `maxPasses`, stopping as soon as the timed passes add up to `minSeconds` — of which the median
 * counts. Every pass must give the same predictions.
 */
export async function timePredictions(
  texts: readonly string[],
  classify: (texts: readonly string[]) => Promise<ArrayLike<number>> | ArrayLike<number>,
  options: TimingOptions = {},
): Promise<Throughput> {
  const { warmupTexts = 1000, maxPasses = 15, minSeconds = 2 } = options;
  await classify(texts.slice(0, Math.min(warmupTexts, texts.length)));
  let first: Uint8Array | undefined;
  const times: number[] = [];
  let total = 0;
  let passes = 0;
  while (passes < maxPasses && (passes === 0 || total < minSeconds)) {
    const t0 = performance.now();
    const out = await classify(texts);
    const seconds = (performance.now() - t0) / 1000;
    passes++;
    total += seconds;
    times.push(seconds);
    if (out.length !== texts.length) throw new Error(`${out.length} predictions for ${texts.length} texts`);
    const predicted = Uint8Array.from(out);
    if (first === undefined) first = predicted;
    else if (!first.every((v, i) => v === predicted[i])) throw new Error("two passes over the same texts predicted differently");
  }
  const median = medianOf(times);
  return { predicted: first!, seconds: median, textsPerSecond: texts.length / median, passes };
}

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * A fixed subset: `n` of the row indices 0 … total − 1, in ascending order, chosen by a Fisher–Yates
 * shuffle driven by mulberry32(seed). The same arguments give the same rows on every machine.
 */
export function seededSubset(total: number, n: number, seed: number): number[] {
  if (n >= total) return Array.from({ length: total }, (_, i) => i);
  let a = seed >>> 0;
  const random = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const idx = Array.from({ length: total }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (total - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, n).sort((x, y) => x - y);
}
