/**
 * Training step 2, fit: counts the documents (on worker threads when given), builds the TF-IDF
 * vocabulary, weighs the classes and fits the logistic regression with L-BFGS, reporting progress
 * and stopping when the signal aborts.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import type { CsrMatrix } from "./csr.js";
import type { TrainingData } from "../types.js";
import { fitLogisticRegression, type FitReport } from "./fit-logistic-regression.js";
import type { LogisticRegression } from "./logistic-regression.js";
import { TfidfModel } from "./model.js";
import { resolveClassifierOptions, type ResolvedClassifierOptions } from "./options.js";
import type { ParallelLossFactory, TfidfParallelism } from "./parallel.js";
import type { TrainProgress, TrainTfidfOptions } from "./train.js";
import { LabelTally, collectExamples, indexLabels, readExamples, type ExampleRecorder, type TrainingLabels } from "./train-intake.js";
import type { TfidfVectorizer } from "./vectorizer.js";
import { createTfidfFitter, type TfidfFitter } from "./vectorizer-fit.js";

/** Below this many documents, counting stays on one thread (a worker costs more than it saves). */
const PARALLEL_MIN_DOCUMENTS = 4096;

/**
 * Progress and cancellation hooks shared by the fit steps.
 *
 * @example
 * ```ts
 * const hooks: FitStepHooks = { onProgress: (e) => console.log(e.phase, e.fraction), signal: AbortSignal.timeout(60_000) };
 * ```
 */
export interface FitStepHooks {
  /** Receives progress reports. */
  readonly onProgress?: (event: TrainProgress) => void;
  /** Aborts between documents or iterations. */
  readonly signal?: AbortSignal;
}

/**
 * Hooks of {@link countDocuments}: progress, cancellation and threads for counting.
 *
 * @example
 * ```ts
 * const raw = await countDocuments(data, fitter, { parallel: createWorkerParallelism(), signal });
 * ```
 */
export interface CountHooks extends FitStepHooks {
  /** Threads to count shares of the documents on (used when it has `count` and several threads). */
  readonly parallel?: TfidfParallelism;
  /** Counts the labels as they are read, checking that they are all class ids or all names. */
  readonly tally?: LabelTally;
  /** Receives every example as it is read (the dataset a run logs). */
  readonly record?: ExampleRecorder;
}

/**
 * Hooks of {@link fitClassifier}: progress, cancellation, class weights and threads for the loss.
 *
 * @example
 * ```ts
 * const hooks: ClassifierHooks = { classWeights: Float64Array.of(1, 3), onProgress: (e) => console.log(e.loss) };
 * fitClassifier(matrix, y, 2, resolveClassifierOptions(), hooks);
 * ```
 */
export interface ClassifierHooks extends FitStepHooks {
  /** Weight of each class, by class index. */
  readonly classWeights?: Float64Array;
  /** Spreads loss evaluations over threads. */
  readonly parallel?: ParallelLossFactory;
}

/**
 * The fitted classifier, how the optimizer ended, and the loss of each iteration.
 *
 * @example
 * ```ts
 * const { classifier, report, losses }: ClassifierFit = fitClassifier(matrix, y, 2, resolveClassifierOptions(), {});
 * console.log(report.converged, losses.length); // losses: one per iteration
 * ```
 */
export interface ClassifierFit {
  readonly classifier: LogisticRegression;
  readonly report: FitReport;
  /** Objective value after each L-BFGS iteration (`train_loss` by step). */
  readonly losses: number[];
}

/**
 * What {@link fitTfidf} produces: the model, the training labels and the optimizer's trail.
 *
 * @example
 * ```ts
 * const { model, training, report }: TfidfFit = await fitTfidf(data, { C: 4 });
 * training.labels; // ["Negative", "Positive"]
 * ```
 */
export interface TfidfFit extends Omit<ClassifierFit, "classifier"> {
  readonly model: TfidfModel;
  readonly training: TrainingLabels;
}

/**
 * Throws `CANCELLED` when `signal` has aborted.
 *
 * @example
 * ```ts
 * checkAborted(AbortSignal.abort()); // throws "training was aborted"
 * ```
 */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new SentiMlopsError("CANCELLED", "training was aborted", { cause: signal.reason, component: "tfidf" });
  }
}

/**
 * Reads everything, then counts shares of the documents on other threads while this one counts the
 * first share; merging the counts in order gives what one thread would have counted.
 */
async function countOnThreads(
  data: TrainingData,
  fitter: TfidfFitter,
  parallel: TfidfParallelism,
  hooks: CountHooks,
): Promise<(string | number)[]> {
  const { texts, raw } = await collectExamples(data, "data", hooks.tally, hooks.record);
  checkAborted(hooks.signal);
  const share = Math.ceil(texts.length / parallel.threads);
  const others = texts.length >= PARALLEL_MIN_DOCUMENTS ? parallel.threads - 1 : 0;
  const pending = Array.from({ length: others }, (_, i) => parallel.count!(fitter.options, texts.slice(share * (i + 1), share * (i + 2))));
  const own = others > 0 ? share : texts.length;
  for (let i = 0; i < own; i++) {
    fitter.add(texts[i]!);
    if ((i & 1023) === 0) hooks.onProgress?.({ phase: "tokenizing", fraction: i / texts.length, documents: i });
  }
  for (const counts of await Promise.all(pending)) fitter.merge(counts);
  return raw;
}

/** Counts the documents as they are read, on this thread. */
async function countStreaming(data: TrainingData, fitter: TfidfFitter, hooks: CountHooks): Promise<(string | number)[]> {
  const raw: (string | number)[] = [];
  const total = Array.isArray(data) ? data.length : NaN;
  for await (const row of readExamples(data, "data", hooks.tally, hooks.record)) {
    fitter.add(row.text);
    raw.push(row.label);
    if ((raw.length & 1023) === 0) {
      checkAborted(hooks.signal);
      hooks.onProgress?.({ phase: "tokenizing", fraction: total > 0 ? raw.length / total : 0, documents: raw.length });
    }
  }
  return raw;
}

/**
 * Feeds the texts of `data` to `fitter` (on several threads when `hooks.parallel` can count) and
 * returns the raw labels in order.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for bad or no examples; `CANCELLED` when the
 * signal aborts.
 *
 * @example
 * ```ts
 * const fitter = createTfidfFitter({ ngramRange: [1, 2] });
 * await countDocuments([{ text: "Great", label: 1 }, { text: "Dull", label: 0 }], fitter, {}); // [1, 0]
 * ```
 */
export async function countDocuments(data: TrainingData, fitter: TfidfFitter, hooks: CountHooks): Promise<(string | number)[]> {
  const { parallel } = hooks;
  const raw =
    parallel?.count && parallel.threads > 1
      ? await countOnThreads(data, fitter, parallel, hooks)
      : await countStreaming(data, fitter, hooks);
  if (raw.length === 0) throw SentiMlopsError.invalidParameterValue("data holds no examples", { component: "tfidf" });
  hooks.onProgress?.({ phase: "tokenizing", fraction: 1, documents: raw.length });
  return raw;
}

/**
 * Builds the vocabulary and the document-term matrix from the counted documents.
 *
 * @example
 * ```ts
 * const { vectorizer, matrix } = buildVocabulary(fitter, (e) => phases.push(e.phase)); // phases: ["vocabulary", "vocabulary"]
 * ```
 */
export function buildVocabulary(
  fitter: TfidfFitter,
  onProgress?: (event: TrainProgress) => void,
): { vectorizer: TfidfVectorizer; matrix: CsrMatrix } {
  onProgress?.({ phase: "vocabulary", fraction: 0 });
  const built = fitter.finish({ sortedRows: false });
  onProgress?.({ phase: "vocabulary", fraction: 1 });
  return built;
}

/**
 * Weight of each class from the `classWeight` option: `"balanced"` gives `n / (k · count)` (1 for
 * an absent class), a record gives its values by label name (1 for labels it omits), null none.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when the record names an unknown label.
 *
 * @example
 * ```ts
 * classWeightsFor("balanced", Int32Array.of(0, 1, 1, 1), ["neg", "pos"]); // Float64Array [2, 0.666…]
 * classWeightsFor({ pos: 3 }, Int32Array.of(0, 1), ["neg", "pos"]); // Float64Array [1, 3]
 * ```
 */
export function classWeightsFor(
  classWeight: ResolvedClassifierOptions["classWeight"],
  y: Int32Array,
  labels: readonly string[],
): Float64Array | undefined {
  if (classWeight === "balanced") {
    const counts = new Float64Array(labels.length);
    for (const c of y) counts[c]!++;
    return counts.map((n) => (n === 0 ? 1 : y.length / (labels.length * n)));
  }
  if (!classWeight) return undefined;
  const unknown = Object.keys(classWeight).find((l) => !labels.includes(l));
  if (unknown !== undefined) {
    throw SentiMlopsError.invalidParameterValue(
      `classWeight names ${JSON.stringify(unknown)}, which is not one of the labels ${JSON.stringify(labels)}`,
      { component: "tfidf" },
    );
  }
  return Float64Array.from(labels, (l) => classWeight[l] ?? 1);
}

/**
 * Fits the logistic regression with L-BFGS, recording the loss of every iteration, reporting
 * progress and checking the signal after each one.
 *
 * @throws {SentiMlopsError} `CANCELLED` when the signal aborts.
 *
 * @example
 * ```ts
 * const { classifier, report, losses } = fitClassifier(matrix, Int32Array.of(0, 1), 2, resolveClassifierOptions({ C: 4 }), {});
 * losses.length === report.iterations; // true
 * ```
 */
export function fitClassifier(
  matrix: CsrMatrix,
  y: Int32Array,
  classes: number,
  options: ResolvedClassifierOptions,
  hooks: ClassifierHooks,
): ClassifierFit {
  const { onProgress, signal } = hooks;
  const losses: number[] = [];
  const { classifier, report } = fitLogisticRegression(matrix, y, classes, options, {
    classWeights: hooks.classWeights,
    parallel: hooks.parallel,
    onIteration: (iteration, loss) => {
      losses.push(loss);
      checkAborted(signal);
      onProgress?.({ phase: "optimizing", fraction: Math.min(1, iteration / options.maxIter), iteration, loss });
    },
  });
  onProgress?.({ phase: "optimizing", fraction: 1, iteration: report.iterations, loss: report.loss });
  return { classifier, report, losses };
}

/**
 * The whole fit: resolves the options, counts the documents, maps the labels, builds the
 * vocabulary and fits the classifier into a {@link TfidfModel}. Every example read is passed to
 * `record` when given.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` naming the bad option or example;
 * `CANCELLED` when `signal` aborts.
 *
 * @example
 * ```ts
 * const { model, report } = await fitTfidf([{ text: "Great fun", label: 1 }, { text: "Dull", label: 0 }], { C: 4 });
 * model.labels; // ["Negative", "Positive"]
 * ```
 */
export async function fitTfidf(
  data: TrainingData,
  options: Omit<TrainTfidfOptions, "validation" | "run" | "datasets">,
  record?: ExampleRecorder,
): Promise<TfidfFit> {
  const { onProgress, signal } = options;
  const classifierOptions = resolveClassifierOptions(options);
  const fitter = createTfidfFitter(options);
  checkAborted(signal);
  const parallel = options.threads === 1 ? undefined : options.parallel;
  const tally = new LabelTally("data");
  const raw = await countDocuments(data, fitter, { parallel, signal, onProgress, tally, record });
  const training = indexLabels(raw, options.labelNames, { tally, allowRareClasses: options.allowRareClasses });
  const { vectorizer, matrix } = buildVocabulary(fitter, onProgress);
  const classWeights = classWeightsFor(classifierOptions.classWeight, training.y, training.labels);
  const hooks = { classWeights, parallel: parallel?.loss, signal, onProgress };
  const { classifier, report, losses } = fitClassifier(matrix, training.y, training.labels.length, classifierOptions, hooks);
  const info = {
    createdAt: new Date().toISOString(),
    trainingExamples: training.y.length,
    iterations: report.iterations,
    converged: report.converged,
    ...(options.preset === undefined ? {} : { preset: options.preset }),
  };
  const model = new TfidfModel({ labels: training.labels, vectorizer, classifier, info });
  return { model, training, report, losses };
}
