/**
 * How training spreads work over threads. The core stays free of any threading API: a runtime
 * binding (the Node entry's worker threads) implements these interfaces.
 *
 * @module
 */
import type { BinomialProblem } from "./kernels.js";
import type { ResolvedVectorizerOptions } from "./options.js";
import type { FitterCounts } from "./vectorizer-fit.js";

/**
 * Evaluates the binomial loss of a fixed problem over several threads.
 *
 * @example
 * ```ts
 * const loss = createWorkerLoss({ threads: 4 })(problem, features);
 * if (loss) {
 *   const { loss: value } = loss.evaluate(params, bias, grad.fill(0));
 *   loss.close();
 * }
 * ```
 */
export interface ParallelLoss {
  /** Threads in use, the caller's included. */
  readonly threads: number;
  /** Same contract as `binomialLoss`: adds the gradient into `grad` (zeroed by the caller). */
  evaluate(params: Float64Array, bias: number, grad: Float64Array): { loss: number; biasGrad: number };
  /** Stops the threads. */
  close(): void;
}

/**
 * Makes a {@link ParallelLoss} for a problem of `features` columns, or returns `undefined` to stay
 * on one thread (e.g. for a problem too small to pay for the threads).
 *
 * @example
 * ```ts
 * const parallel: ParallelLossFactory = createWorkerLoss({ threads: 4 });
 * fitLogisticRegression(matrix, y, 2, resolveClassifierOptions(), { parallel });
 * ```
 */
export type ParallelLossFactory = (problem: BinomialProblem, features: number) => ParallelLoss | undefined;

/**
 * Threads for training: counting n-grams and evaluating the loss.
 *
 * @example
 * ```ts
 * const parallelism: TfidfParallelism = createWorkerParallelism({ threads: 4 });
 * parallelism.threads; // 4
 * ```
 */
export interface TfidfParallelism {
  /** Threads in all, the caller's included. */
  readonly threads: number;
  /** Spreads loss evaluations over threads. */
  readonly loss?: ParallelLossFactory;
  /** Counts the n-grams of `texts` on another thread (what `createFitter(options)` would count). */
  readonly count?: (options: ResolvedVectorizerOptions, texts: string[]) => Promise<FitterCounts>;
}
