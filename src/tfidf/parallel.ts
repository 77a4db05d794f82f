/**
 * How training spreads work over threads. The core stays free of any threading API: a runtime
 * binding (the Node entry's worker threads) implements these interfaces.
 *
 * @module
 */
import type { BinomialProblem } from "./kernels.js";
import type { ResolvedVectorizerOptions } from "./options.js";
import type { FitterCounts } from "./vectorizer.js";

/** Evaluates the binomial loss of a fixed problem over several threads. */
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
 */
export type ParallelLossFactory = (problem: BinomialProblem, features: number) => ParallelLoss | undefined;

/** Threads for training: counting n-grams and evaluating the loss. */
export interface TfidfParallelism {
  /** Threads in all, the caller's included. */
  readonly threads: number;
  /** Spreads loss evaluations over threads. */
  readonly loss?: ParallelLossFactory;
  /** Counts the n-grams of `texts` on another thread (what `createFitter(options)` would count). */
  readonly count?: (options: ResolvedVectorizerOptions, texts: string[]) => Promise<FitterCounts>;
}
